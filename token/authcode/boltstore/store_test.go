package boltstore_test

import (
	"path/filepath"
	"testing"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/token/authcode"
	"github.com/hubjwt/hubjwt/token/authcode/boltstore"
	"github.com/hubjwt/hubjwt/token/authcode/storetest"
)

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) authcode.Store {
		db, err := bbolt.Open(filepath.Join(t.TempDir(), "hubjwt.db"), 0o600, nil)
		if err != nil {
			t.Fatalf("open bbolt: %v", err)
		}
		t.Cleanup(func() { _ = db.Close() })
		s, err := boltstore.New(db)
		if err != nil {
			t.Fatalf("New: %v", err)
		}
		return s
	})
}
