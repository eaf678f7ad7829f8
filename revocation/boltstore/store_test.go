package boltstore_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/revocation/boltstore"
	"github.com/hubjwt/hubjwt/revocation/storetest"
)

func openDB(t *testing.T, path string) *bbolt.DB {
	t.Helper()
	db, err := bbolt.Open(path, 0o600, &bbolt.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	return db
}

func newStore(t *testing.T, now revocation.Clock, maxChanges int) (*boltstore.Store, *bbolt.DB) {
	t.Helper()
	db := openDB(t, filepath.Join(t.TempDir(), "hubjwt.db"))
	t.Cleanup(func() { _ = db.Close() })
	s, err := boltstore.New(db, boltstore.Options{Now: now, MaxChanges: maxChanges})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, db
}

func TestConformance(t *testing.T) {
	t.Run("manual clock", func(t *testing.T) {
		storetest.RunWithClock(t, func(t *testing.T, now revocation.Clock) revocation.Store {
			s, _ := newStore(t, now, 0)
			return s
		})
	})
	t.Run("real clock", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) revocation.Store {
			s, _ := newStore(t, nil, 0)
			return s
		})
	})
}

func TestReopenKeepsEntries(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "hubjwt.db")
	db := openDB(t, path)
	store, err := boltstore.New(db, boltstore.Options{})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	policy := revocation.Policy{MaxTTL: time.Hour}
	now := time.Now()
	var want []revocation.Entry
	for _, build := range []func() (revocation.Entry, error){
		func() (revocation.Entry, error) { return policy.Token("jti-a", time.Time{}, now, "") },
		func() (revocation.Entry, error) { return policy.Subject("user", "dave", now, now, "") },
		func() (revocation.Entry, error) { return policy.Key("kid-a", time.Time{}, now, "") },
		func() (revocation.Entry, error) { return policy.Global(now, now, "") },
	} {
		e, err := build()
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Add(ctx, e); err != nil {
			t.Fatalf("Add(%s): %v", e.ID(), err)
		}
		want = append(want, e)
	}
	gen, _ := store.Generation(ctx)
	if err := db.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("file mode: got %o, want 600", mode)
	}

	db = openDB(t, path)
	defer db.Close()
	reopened, err := boltstore.New(db, boltstore.Options{})
	if err != nil {
		t.Fatalf("New after reopen: %v", err)
	}
	snap, err := reopened.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	got := map[string]bool{}
	for _, e := range snap.Entries {
		got[e.ID()] = true
	}
	for _, e := range want {
		if !got[e.ID()] {
			t.Errorf("after reopen: entry %s missing", e.ID())
		}
	}
	if snap.Generation != gen {
		t.Errorf("generation after reopen: got %q, want %q", snap.Generation, gen)
	}
}

func TestChangesTrimmedCursorExpires(t *testing.T) {
	ctx := context.Background()
	store, _ := newStore(t, nil, 3)
	policy := revocation.Policy{MaxTTL: time.Hour}
	now := time.Now()
	for _, jti := range []string{"a", "b", "c", "d", "e"} {
		e, err := policy.Token(jti, time.Time{}, now, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Add(ctx, e); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	tests := []struct {
		cursor string
		want   error
	}{
		{"", revocation.ErrCursorExpired},
		{"1", revocation.ErrCursorExpired},
		{"2", nil},
		{"5", nil},
		{"99", revocation.ErrCursorExpired},
	}
	for _, tt := range tests {
		t.Run("cursor "+tt.cursor, func(t *testing.T) {
			_, err := store.Changes(ctx, tt.cursor, 10)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Changes(%q): got %v, want %v", tt.cursor, err, tt.want)
			}
		})
	}
}

func TestClosedDBUnavailable(t *testing.T) {
	store, db := newStore(t, nil, 0)
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	e, err := revocation.Policy{MaxTTL: time.Hour}.Token("x", time.Time{}, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(context.Background(), e); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("Add on closed db: got %v, want ErrUnavailable", err)
	}
	if err := store.Ping(context.Background()); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("Ping on closed db: got %v, want ErrUnavailable", err)
	}
}
