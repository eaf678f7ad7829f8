// Package storetest is the conformance suite every authcode.Store passes.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token/authcode"
)

// Run runs the suite against stores returned by newStore, each new and empty.
func Run(t *testing.T, newStore func(t *testing.T) authcode.Store) {
	t.Helper()
	t.Run("CreateConsume", func(t *testing.T) { testCreateConsume(t, newStore(t)) })
	t.Run("CreateInvalid", func(t *testing.T) { testCreateInvalid(t, newStore(t)) })
	t.Run("CreateDuplicate", func(t *testing.T) { testCreateDuplicate(t, newStore(t)) })
	t.Run("Expired", func(t *testing.T) { testExpired(t, newStore(t)) })
	t.Run("Update", func(t *testing.T) { testUpdate(t, newStore(t)) })
	t.Run("ConcurrentConsume", func(t *testing.T) { testConcurrent(t, newStore(t)) })
}

// base is the suite's clock. It sits an hour ahead of the wall clock because
// Redis deletes a record at its expiry by its own clock (PEXPIREAT), so an
// expiry in the real past would vanish before the store's own check runs.
var base = time.Now().UTC().Truncate(time.Second).Add(time.Hour)

func create(t *testing.T, s authcode.Store, key, value string, ttl time.Duration) {
	t.Helper()
	if err := s.Create(context.Background(), key, []byte(value), base.Add(ttl), base); err != nil {
		t.Fatalf("Create(%q): got %v, want nil", key, err)
	}
}

func testCreateConsume(t *testing.T, s authcode.Store) {
	create(t, s, "k1", "v1", time.Minute)
	ctx := context.Background()
	for i, wantFirst := range []bool{true, false, false} {
		v, first, err := s.Consume(ctx, "k1", base.Add(time.Second))
		if err != nil {
			t.Fatalf("Consume #%d: got %v, want nil", i+1, err)
		}
		if string(v) != "v1" {
			t.Errorf("Consume #%d value: got %q, want %q", i+1, v, "v1")
		}
		if first != wantFirst {
			t.Errorf("Consume #%d first: got %v, want %v", i+1, first, wantFirst)
		}
	}
	if _, _, err := s.Consume(ctx, "missing", base); !errors.Is(err, authcode.ErrNotFound) {
		t.Errorf("Consume(missing): got %v, want ErrNotFound", err)
	}
}

func testCreateInvalid(t *testing.T, s authcode.Store) {
	ctx := context.Background()
	cases := []struct {
		name    string
		key     string
		expires time.Time
	}{
		{"empty key", "", base.Add(time.Minute)},
		{"expiry now", "k", base},
		{"expiry past", "k", base.Add(-time.Second)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := s.Create(ctx, tc.key, []byte("v"), tc.expires, base)
			if !errors.Is(err, authcode.ErrInvalid) {
				t.Errorf("got %v, want ErrInvalid", err)
			}
		})
	}
}

func testCreateDuplicate(t *testing.T, s authcode.Store) {
	create(t, s, "dup", "first", time.Minute)
	ctx := context.Background()
	err := s.Create(ctx, "dup", []byte("second"), base.Add(time.Hour), base)
	if !errors.Is(err, authcode.ErrExists) {
		t.Fatalf("second Create: got %v, want ErrExists", err)
	}
	v, _, err := s.Consume(ctx, "dup", base)
	if err != nil || string(v) != "first" {
		t.Errorf("Consume after duplicate: got %q, %v, want %q, nil", v, err, "first")
	}
	// An expired record no longer blocks its key.
	later := base.Add(2 * time.Minute)
	if err := s.Create(ctx, "dup", []byte("third"), later.Add(time.Minute), later); err != nil {
		t.Errorf("Create over an expired record: got %v, want nil", err)
	}
}

func testExpired(t *testing.T, s authcode.Store) {
	create(t, s, "exp", "v", time.Minute)
	ctx := context.Background()
	at := base.Add(time.Minute)
	if _, _, err := s.Consume(ctx, "exp", at); !errors.Is(err, authcode.ErrNotFound) {
		t.Errorf("Consume at expiry: got %v, want ErrNotFound", err)
	}
	if err := s.Update(ctx, "exp", []byte("x"), at); !errors.Is(err, authcode.ErrNotFound) {
		t.Errorf("Update at expiry: got %v, want ErrNotFound", err)
	}
}

func testUpdate(t *testing.T, s authcode.Store) {
	create(t, s, "upd", "v1", time.Minute)
	ctx := context.Background()
	if _, first, _ := s.Consume(ctx, "upd", base); !first {
		t.Fatalf("first Consume: got first false, want true")
	}
	if err := s.Update(ctx, "upd", []byte("v2"), base); err != nil {
		t.Fatalf("Update: got %v, want nil", err)
	}
	v, first, err := s.Consume(ctx, "upd", base)
	if err != nil {
		t.Fatalf("Consume after Update: got %v, want nil", err)
	}
	if string(v) != "v2" {
		t.Errorf("value after Update: got %q, want %q", v, "v2")
	}
	if first {
		t.Errorf("first after Update: got true, want false (Update keeps the used mark)")
	}
	if err := s.Update(ctx, "missing", []byte("x"), base); !errors.Is(err, authcode.ErrNotFound) {
		t.Errorf("Update(missing): got %v, want ErrNotFound", err)
	}
}

func testConcurrent(t *testing.T, s authcode.Store) {
	create(t, s, "race", "v", time.Minute)
	const workers = 16
	var wg sync.WaitGroup
	firsts := make(chan bool, workers)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, first, err := s.Consume(context.Background(), "race", base)
			if err != nil {
				t.Errorf("Consume: got %v, want nil", err)
			}
			firsts <- first
		}()
	}
	wg.Wait()
	close(firsts)
	n := 0
	for f := range firsts {
		if f {
			n++
		}
	}
	if n != 1 {
		t.Errorf("calls that saw first: got %d, want 1", n)
	}
}
