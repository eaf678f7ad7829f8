package boltstore_test

import (
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/boltdb"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/jwks/boltstore"
	"github.com/hubjwt/hubjwt/jwks/storetest"
)

func TestBoltStoreConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) jwks.Store {
		db, err := boltdb.Open(t.TempDir(), time.Second)
		if err != nil {
			t.Fatalf("open: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		s, err := boltstore.New(db)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}
