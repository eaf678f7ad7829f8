package revocation_test

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/revocation/boltstore"
	"github.com/hubjwt/hubjwt/revocation/storetest"
)

// staticSource is a Source that hands one update to the sink and then waits.
type staticSource struct{ update revocation.Update }

func (s staticSource) Sync(ctx context.Context, sink revocation.Sink) error {
	sink.Apply(s.update)
	<-ctx.Done()
	return ctx.Err()
}

func TestMirrorCheck(t *testing.T) {
	clock := storetest.NewClock(time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC))
	now := clock.Now()
	m := revocation.NewMirror(revocation.MirrorConfig{Now: clock.Now})
	m.Apply(revocation.Update{Generation: "g1", Full: true, Entries: []revocation.Entry{
		must(t)(policy.Token("jti-revoked", time.Time{}, now, "")),
		must(t)(policy.Subject("user", "alice", now.Add(-time.Minute), now, "")),
		must(t)(policy.Key("kid-revoked", time.Time{}, now, "")),
		must(t)(policy.Global(now.Add(-50*time.Minute), now, "")),
	}})
	fresh := now.Add(-30 * time.Second)
	tests := []struct {
		name                       string
		jti, subKind, subject, kid string
		iat                        time.Time
		want                       error
	}{
		{"valid token", "jti-ok", "user", "alice", "kid-ok", fresh, nil},
		{"revoked jti", "jti-revoked", "user", "bob", "kid-ok", fresh, revocation.ErrTokenRevoked},
		{"subject issued before", "jti-ok", "user", "alice", "kid-ok", now.Add(-2 * time.Minute),
			revocation.ErrSubjectRevoked},
		{"subject issued at cut-off", "jti-ok", "user", "alice", "kid-ok", now.Add(-time.Minute), nil},
		{"service of same name", "jti-ok", "service", "alice", "kid-ok",
			now.Add(-2 * time.Minute), nil},
		{"revoked kid", "jti-ok", "user", "bob", "kid-revoked", fresh, revocation.ErrKeyRevoked},
		{"before global cut-off", "jti-ok", "user", "bob", "kid-ok", now.Add(-55 * time.Minute),
			revocation.ErrAllRevoked},
		{"empty fields", "", "", "", "", fresh, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := m.Check(tt.jti, tt.subKind, tt.subject, tt.kid, tt.iat)
			if err != tt.want {
				t.Fatalf("Check: got %v, want %v", err, tt.want)
			}
			if tt.want != nil && !errors.Is(err, revocation.ErrRevoked) {
				t.Fatalf("errors.Is(%v, ErrRevoked): got false, want true", err)
			}
		})
	}
}

func TestMirrorCheckAllocs(t *testing.T) {
	now := time.Now()
	m := revocation.NewMirror(revocation.MirrorConfig{})
	m.Apply(revocation.Update{Generation: "g", Entries: []revocation.Entry{
		must(t)(policy.Token("jti-revoked", time.Time{}, now, "")),
		must(t)(policy.Subject("user", "alice", now, now, "")),
	}})
	tests := []struct {
		name string
		jti  string
	}{
		{"miss", "jti-ok"},
		{"hit", "jti-revoked"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			allocs := testing.AllocsPerRun(1000, func() {
				_ = m.Check(tt.jti, "user", "alice", "kid", now)
			})
			if allocs != 0 {
				t.Fatalf("Check allocations: got %v, want 0", allocs)
			}
		})
	}
}

func TestMirrorStaleness(t *testing.T) {
	for _, failOpen := range []bool{false, true} {
		name := "fail closed"
		if failOpen {
			name = "fail open"
		}
		t.Run(name, func(t *testing.T) {
			clock := storetest.NewClock(time.Now())
			logger, logs := newLogger()
			m := revocation.NewMirror(revocation.MirrorConfig{Now: clock.Now, FailOpen: failOpen,
				MaxStaleness: time.Minute, Logger: logger})
			wantStale := error(revocation.ErrStale)
			if failOpen {
				wantStale = nil
			}
			iat := clock.Now()
			if err := m.Check("j", "user", "u", "k", iat); err != wantStale {
				t.Fatalf("Check before the first sync: got %v, want %v", err, wantStale)
			}
			m.Synced()
			if err := m.Check("j", "user", "u", "k", iat); err != nil {
				t.Fatalf("Check after sync: got %v, want nil", err)
			}
			clock.Advance(time.Minute)
			if err := m.Check("j", "user", "u", "k", iat); err != nil {
				t.Fatalf("Check at MaxStaleness: got %v, want nil", err)
			}
			clock.Advance(time.Second)
			for range 3 {
				if err := m.Check("j", "user", "u", "k", iat); err != wantStale {
					t.Fatalf("Check past MaxStaleness: got %v, want %v", err, wantStale)
				}
			}
			if got := m.Lag(); got != 61*time.Second {
				t.Fatalf("Lag: got %s, want 61s", got)
			}
			if got := logs.count("revocation mirror is stale"); got != 2 {
				// once before the first sync, once now
				t.Fatalf("stale log lines: got %d, want 2", got)
			}
			m.Synced()
			if err := m.Check("j", "user", "u", "k", iat); err != nil {
				t.Fatalf("Check after resync: got %v, want nil", err)
			}
			if got := logs.count("in sync again"); got != 2 {
				t.Fatalf("recovery log lines: got %d, want 2", got)
			}
			if !m.LastSync().Equal(clock.Now()) {
				t.Fatalf("LastSync: got %s, want %s", m.LastSync(), clock.Now())
			}
		})
	}
}

func TestMirrorStaleStillRejectsRevoked(t *testing.T) {
	clock := storetest.NewClock(time.Now())
	m := revocation.NewMirror(revocation.MirrorConfig{Now: clock.Now})
	m.Apply(revocation.Update{Generation: "g", Entries: []revocation.Entry{
		must(t)(policy.Token("jti-revoked", time.Time{}, clock.Now(), "")),
	}})
	clock.Advance(2 * revocation.DefaultMaxStaleness)
	err := m.Check("jti-revoked", "", "", "", clock.Now())
	if err != revocation.ErrTokenRevoked {
		t.Fatalf("Check of a revoked token on a stale mirror: got %v, want ErrTokenRevoked", err)
	}
}

func TestMirrorGenerationChange(t *testing.T) {
	tests := []struct {
		name          string
		generations   []string
		wantIncidents int
	}{
		{"same generation", []string{"g1", "g1"}, 0},
		{"changed generation", []string{"g1", "g2"}, 1},
		{"marker missing then new", []string{"g1", "", "g2"}, 1},
		{"first sync without marker", []string{"", "g1"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := storetest.NewClock(time.Now())
			logger, logs := newLogger()
			m := revocation.NewMirror(revocation.MirrorConfig{Now: clock.Now, Logger: logger})
			start := clock.Now()
			revoked := must(t)(policy.Token("jti-revoked", time.Time{}, start, ""))
			m.Apply(revocation.Update{Generation: tt.generations[0], Full: true,
				Entries: []revocation.Entry{revoked}})
			clock.Advance(time.Second)
			for _, gen := range tt.generations[1:] {
				m.Apply(revocation.Update{Generation: gen, Full: true}) // the store lost revoked
			}
			if got := logs.count("incident=revocation_data_loss"); got != tt.wantIncidents {
				t.Fatalf("incidents: got %d, want %d", got, tt.wantIncidents)
			}
			later := clock.Now().Add(time.Second)
			if err := m.Check("jti-revoked", "", "", "", later); err != revocation.ErrTokenRevoked {
				t.Fatalf("Check of the revoked token: got %v, want ErrTokenRevoked", err)
			}
			wantOld := error(nil)
			if tt.wantIncidents > 0 {
				wantOld = revocation.ErrAllRevoked
			}
			if err := m.Check("jti-other", "", "", "", start); err != wantOld {
				t.Fatalf("Check of a token issued before the loss: got %v, want %v", err, wantOld)
			}
			if err := m.Check("jti-other", "", "", "", later); err != nil {
				t.Fatalf("Check of a token issued after the loss: got %v, want nil", err)
			}
		})
	}
}

func TestMirrorPrune(t *testing.T) {
	clock := storetest.NewClock(time.Now())
	now := clock.Now()
	m := revocation.NewMirror(revocation.MirrorConfig{Now: clock.Now})
	m.Apply(revocation.Update{Generation: "g", Entries: []revocation.Entry{
		must(t)(policy.Token("short", now.Add(time.Minute), now, "")),
		must(t)(policy.Key("kid", now.Add(3*time.Hour), now, "")),
		must(t)(policy.Subject("user", "u", now, now, "")),
	}})
	if got := m.Len(); got != 3 {
		t.Fatalf("Len: got %d, want 3", got)
	}
	if got := m.Prune(now.Add(2 * time.Minute)); got != 1 {
		t.Fatalf("Prune after 2 minutes: got %d removed, want 1", got)
	}
	if got := m.Prune(now.Add(2 * time.Hour)); got != 1 {
		t.Fatalf("Prune after 2 hours: got %d removed, want 1", got)
	}
	if got := m.Len(); got != 1 {
		t.Fatalf("Len after pruning: got %d, want 1", got)
	}
}

func TestMirrorFromStoreSource(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "hubjwt.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	store, err := boltstore.New(db, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	before := must(t)(policy.Token("jti-before", time.Time{}, now, ""))
	if err := store.Add(ctx, before); err != nil {
		t.Fatal(err)
	}
	poll := 20 * time.Millisecond
	m := revocation.NewMirror(revocation.MirrorConfig{
		Source: revocation.NewStoreSource(store, poll)})
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	eventually(t, 2*time.Second, "initial load", func() bool {
		return m.Check("jti-before", "", "", "", now) == revocation.ErrTokenRevoked
	})
	after := must(t)(policy.Subject("service", "svc", time.Now(), time.Now(), ""))
	if err := store.Add(ctx, after); err != nil {
		t.Fatal(err)
	}
	latency := eventually(t, 2*time.Second, "subject revocation", func() bool {
		return m.Check("", "service", "svc", "", now) == revocation.ErrSubjectRevoked
	})
	t.Logf("store source: revocation visible after %s (poll interval %s)", latency, poll)
	if latency > poll+200*time.Millisecond {
		t.Errorf("latency: got %s, want within one poll interval %s plus 200ms", latency, poll)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run after cancel: got %v, want nil", err)
	}
}

func TestMirrorAddAppliesAtOnce(t *testing.T) {
	now := time.Now()
	m := revocation.NewMirror(revocation.MirrorConfig{Source: staticSource{}})
	m.Synced()
	m.Add(must(t)(policy.Key("kid-now", time.Time{}, now, "")))
	if err := m.Check("", "", "", "kid-now", now); err != revocation.ErrKeyRevoked {
		t.Fatalf("Check after Add: got %v, want ErrKeyRevoked", err)
	}
}
