package jwks_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/jwks"
)

func keyIn(m *jwks.Manager, state jwks.State) string {
	for _, k := range m.Keys() {
		if k.State == state {
			return k.ID
		}
	}
	return ""
}

func TestManagerRevokeActive(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	m := newManager(t, &jwks.MemoryStore{}, "ES256", c)
	active, next := m.ActiveKeyID(), keyIn(m, jwks.StateNext)
	rev, err := m.Revoke(context.Background(), active, "test")
	if err != nil {
		t.Fatalf("Revoke: %v", err)
	}
	if rev.Active != next || m.ActiveKeyID() != next {
		t.Errorf("active after revoke: got %s, want the former next key %s", m.ActiveKeyID(), next)
	}
	if want := c.Now().Add(2 * time.Hour); !rev.Until.Equal(want) {
		t.Errorf("until: got %s, want %s", rev.Until, want)
	}
	if strings.Contains(string(m.Document().Body), active) {
		t.Error("revoked key still published")
	}
	if got := states(m); got[jwks.StateNext] != 1 || got[jwks.StateRevoked] != 1 {
		t.Errorf("states after revoke: got %v, want one next and one revoked", got)
	}
	if _, err := m.Revoke(context.Background(), active, "again"); !errors.Is(err,
		jwks.ErrInvalidState) {
		t.Errorf("second Revoke: got %v, want ErrInvalidState", err)
	}
}

func TestManagerRetire(t *testing.T) {
	cases := []struct {
		name       string
		pick       jwks.State
		wantRotate bool
	}{
		{"active rotates", jwks.StateActive, true},
		{"next is replaced", jwks.StateNext, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
			m := newManager(t, &jwks.MemoryStore{}, "ES256", c)
			active, kid := m.ActiveKeyID(), keyIn(m, tc.pick)
			got, err := m.Retire(context.Background(), kid, "test")
			if err != nil {
				t.Fatalf("Retire: %v", err)
			}
			if rotated := got != active; rotated != tc.wantRotate {
				t.Errorf("rotated: got %v, want %v", rotated, tc.wantRotate)
			}
			if n := states(m)[jwks.StateNext]; n != 1 {
				t.Errorf("next keys: got %d, want 1", n)
			}
			published := strings.Contains(string(m.Document().Body), kid)
			if published != tc.wantRotate {
				t.Errorf("retired key published: got %v, want %v", published, tc.wantRotate)
			}
		})
	}
}

func TestManagerChangeUnknownKid(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	m := newManager(t, &jwks.MemoryStore{}, "ES256", c)
	if _, err := m.Retire(context.Background(), "nope", "test"); !errors.Is(err,
		jwks.ErrKeyNotFound) {
		t.Errorf("Retire: got %v, want ErrKeyNotFound", err)
	}
	if _, err := m.Revoke(context.Background(), "nope", "test"); !errors.Is(err,
		jwks.ErrKeyNotFound) {
		t.Errorf("Revoke: got %v, want ErrKeyNotFound", err)
	}
}

func TestSchedulerRotatesOncePerPeriod(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	store := &jwks.MemoryStore{}
	a := newManager(t, store, "ES256", c)
	b := newManager(t, store, "ES256", c)
	sched := jwks.Schedule{RotationPeriod: 4 * time.Hour, Prepublish: time.Hour}
	sa, sb := jwks.NewScheduler(a, sched, nil), jwks.NewScheduler(b, sched, nil)
	ctx := context.Background()
	seen := map[string]bool{a.ActiveKeyID(): true}
	for step := 0; step < 24; step++ {
		c.Add(30 * time.Minute)
		for _, s := range []*jwks.Scheduler{sa, sb} {
			if err := s.Tick(ctx); err != nil {
				t.Fatalf("Tick at step %d: %v", step, err)
			}
		}
		if err := a.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		seen[a.ActiveKeyID()] = true
	}
	// 12 hours at a 4 hour period: three rotations, four active keys.
	if len(seen) != 4 {
		t.Fatalf("active keys over 12 h: got %d, want 4", len(seen))
	}
	// Retention is 2 h, so only keys retired within the last 2 h remain.
	if got := states(a)[jwks.StateRetired]; got > 1 {
		t.Fatalf("retired keys kept: got %d, want at most 1", got)
	}
}

func TestSchedulerWaitsForPrepublish(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)}
	m := newManager(t, &jwks.MemoryStore{}, "ES256", c)
	s := jwks.NewScheduler(m, jwks.Schedule{RotationPeriod: time.Hour,
		Prepublish: 30 * time.Minute}, nil)
	ctx := context.Background()
	c.Add(59 * time.Minute)
	if _, err := m.Retire(ctx, keyIn(m, jwks.StateNext), "test"); err != nil {
		t.Fatal(err)
	}
	active := m.ActiveKeyID()
	c.Add(2 * time.Minute)
	if err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if m.ActiveKeyID() != active {
		t.Fatal("rotated to a next key published 2 minutes ago, want a wait for prepublish")
	}
	c.Add(30 * time.Minute)
	if err := s.Tick(ctx); err != nil {
		t.Fatal(err)
	}
	if m.ActiveKeyID() == active {
		t.Fatal("no rotation once the next key was published for prepublish")
	}
}
