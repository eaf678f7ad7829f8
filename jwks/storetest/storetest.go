// Package storetest is the conformance suite every jwks.Store implementation
// must pass.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/jwks"
)

// Run runs the suite; newStore returns an empty store for each subtest.
func Run(t *testing.T, newStore func(t *testing.T) jwks.Store) {
	t.Run("empty store loads nothing", func(t *testing.T) {
		snap, err := newStore(t).Load(context.Background())
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if len(snap.Records) != 0 || snap.Version != 0 {
			t.Fatalf("got %d records at version %d, want 0 at 0", len(snap.Records), snap.Version)
		}
	})
	t.Run("save then load round-trips", func(t *testing.T) {
		s := newStore(t)
		want := records(t)
		v, err := s.Save(context.Background(), 0, want)
		if err != nil {
			t.Fatalf("Save: %v", err)
		}
		snap, err := s.Load(context.Background())
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if snap.Version != v {
			t.Errorf("version: got %d, want %d", snap.Version, v)
		}
		if len(snap.Records) != len(want) {
			t.Fatalf("records: got %d, want %d", len(snap.Records), len(want))
		}
		for i := range want {
			got, w := snap.Records[i], want[i]
			if got.ID != w.ID || got.State != w.State || got.Private != w.Private ||
				!got.CreatedAt.Equal(w.CreatedAt) || !got.RemoveAt.Equal(w.RemoveAt) {
				t.Errorf("record %d: got %+v, want %+v", i, got, w)
			}
		}
	})
	t.Run("stale version conflicts", func(t *testing.T) {
		s := newStore(t)
		if _, err := s.Save(context.Background(), 0, records(t)); err != nil {
			t.Fatalf("first Save: %v", err)
		}
		_, err := s.Save(context.Background(), 0, records(t))
		if !errors.Is(err, jwks.ErrConflict) {
			t.Fatalf("second Save at version 0: got %v, want ErrConflict", err)
		}
	})
	t.Run("concurrent first saves have one winner", func(t *testing.T) {
		s := newStore(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		wins := 0
		for i := 0; i < 8; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := s.Save(context.Background(), 0, records(t)); err == nil {
					mu.Lock()
					wins++
					mu.Unlock()
				}
			}()
		}
		wg.Wait()
		if wins != 1 {
			t.Fatalf("got %d winning saves, want 1", wins)
		}
	})
}

func records(t *testing.T) []jwks.Record {
	t.Helper()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	return []jwks.Record{
		{ID: "a", Algorithm: "ES256", State: jwks.StateActive, CreatedAt: now,
			ActivatedAt: now, Private: `{"kty":"EC"}`},
		{ID: "b", Algorithm: "ES256", State: jwks.StateRetired, CreatedAt: now.Add(-time.Hour),
			RetiredAt: now, RemoveAt: now.Add(2 * time.Hour), Private: `{"kty":"EC"}`},
	}
}
