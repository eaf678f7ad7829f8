package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/jwks/redisstore"
	"github.com/hubjwt/hubjwt/jwks/storetest"
)

func TestRedisStoreConformance(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	var n atomic.Int64
	storetest.Run(t, func(t *testing.T) jwks.Store {
		return redisstore.New(client, redisstore.Options{
			Namespace: fmt.Sprintf("conformance-%d", n.Add(1)),
		})
	})
}

func TestLeaseHasOneHolder(t *testing.T) {
	srv := redistest.Start(t)
	s := redisstore.New(srv.Client(t), redisstore.Options{})
	ctx := context.Background()
	var wg sync.WaitGroup
	var held atomic.Int64
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Acquire(ctx, time.Minute)
			switch {
			case err == nil:
				held.Add(1)
			case !errors.Is(err, jwks.ErrLockHeld):
				t.Errorf("Acquire: got %v, want nil or ErrLockHeld", err)
			}
		}()
	}
	wg.Wait()
	if got := held.Load(); got != 1 {
		t.Fatalf("lease holders: got %d, want 1", got)
	}
}

func TestFencedSaveRejectsLostLease(t *testing.T) {
	srv := redistest.Start(t)
	s := redisstore.New(srv.Client(t), redisstore.Options{})
	ctx := context.Background()
	first, err := s.Acquire(ctx, 50*time.Millisecond)
	if err != nil {
		t.Fatalf("first Acquire: %v", err)
	}
	deadline := time.Now().Add(2 * time.Second)
	var second uint64
	for {
		second, err = s.Acquire(ctx, time.Minute)
		if err == nil || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("second Acquire after the lease expired: %v", err)
	}
	if second <= first {
		t.Fatalf("fencing tokens: got %d after %d, want an increase", second, first)
	}
	if _, err := s.SaveFenced(ctx, 0, first, nil); !errors.Is(err, jwks.ErrFenced) {
		t.Fatalf("save with the expired lease: got %v, want ErrFenced", err)
	}
	snap, err := s.Load(ctx)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if snap.Version != 0 {
		t.Fatalf("version after a fenced-out save: got %d, want 0", snap.Version)
	}
	if _, err := s.SaveFenced(ctx, 0, second, nil); err != nil {
		t.Fatalf("save with the current lease: %v", err)
	}
	if err := s.Release(ctx, first); err != nil {
		t.Fatalf("Release of the old lease: %v", err)
	}
	if _, err := s.Acquire(ctx, time.Minute); !errors.Is(err, jwks.ErrLockHeld) {
		t.Fatalf("Acquire after releasing an old lease: got %v, want ErrLockHeld", err)
	}
}

func TestChangesAnnouncesSaves(t *testing.T) {
	srv := redistest.Start(t)
	client := srv.Client(t)
	writer := redisstore.New(client, redisstore.Options{})
	reader := redisstore.New(srv.Client(t), redisstore.Options{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	changes := reader.Changes(ctx)
	// The subscription is asynchronous: save until one announcement arrives.
	deadline := time.After(5 * time.Second)
	var version uint64
	for {
		v, err := writer.Save(ctx, version, nil)
		if err != nil {
			t.Fatalf("Save: %v", err)
		}
		version = v
		select {
		case <-changes:
			return
		case <-deadline:
			t.Fatal("no change announced within 5 s of a save")
		case <-time.After(50 * time.Millisecond):
		}
	}
}
