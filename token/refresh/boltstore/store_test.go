package boltstore_test

import (
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/token/refresh"
	"github.com/hubjwt/hubjwt/token/refresh/boltstore"
	"github.com/hubjwt/hubjwt/token/refresh/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) refresh.Store {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "refresh.db"), 0o600, nil)
		if err != nil {
			t.Fatalf("open bbolt: %v", err)
		}
		t.Cleanup(func() { db.Close() })
		s, err := boltstore.New(db)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}
