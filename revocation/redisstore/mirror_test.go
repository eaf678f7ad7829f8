package redisstore_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/revocation/storetest"
)

// eventually polls cond every 5 ms until it holds or the timeout passes. It waits
// for background loops, whose progress no test clock controls.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("%s: not reached within %s", what, timeout)
		}
		time.Sleep(5 * time.Millisecond)
	}
	return time.Since(start)
}

func mustEntry(t *testing.T) func(revocation.Entry, error) revocation.Entry {
	return func(e revocation.Entry, err error) revocation.Entry {
		t.Helper()
		if err != nil {
			t.Fatalf("build entry: %v", err)
		}
		return e
	}
}

// startMirror runs a mirror of list on srv until the test ends.
func startMirror(t *testing.T, srv *redistest.Server, list string,
	cfg revocation.MirrorConfig) *revocation.Mirror {
	t.Helper()
	cfg.Source = redisstore.NewSource(fastClient(t, srv), redisstore.SourceOptions{List: list,
		Block: 100 * time.Millisecond})
	if cfg.RetryInterval == 0 {
		cfg.RetryInterval = 20 * time.Millisecond
	}
	m := revocation.NewMirror(cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = m.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	eventually(t, 3*time.Second, "mirror first sync", func() bool { return !m.LastSync().IsZero() })
	return m
}

func TestMirrorFollowsStream(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	store, list := newStore(t, srv, nil, nil)
	m := startMirror(t, srv, list, revocation.MirrorConfig{})
	iat := time.Now().Add(-time.Second)
	tests := []struct {
		name  string
		entry revocation.Entry
		check func() error
		want  error
	}{
		{"token", mustEntry(t)(policy.Token("jti-s", time.Time{}, time.Now(), "")),
			func() error { return m.Check("jti-s", "", "", "", iat) }, revocation.ErrTokenRevoked},
		{"subject", mustEntry(t)(policy.Subject("user", "erin", time.Now(), time.Now(), "")),
			func() error { return m.Check("", "user", "erin", "", iat) }, revocation.ErrSubjectRevoked},
		{"key", mustEntry(t)(policy.Key("kid-s", time.Time{}, time.Now(), "")),
			func() error { return m.Check("", "", "", "kid-s", iat) }, revocation.ErrKeyRevoked},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.check(); err != nil {
				t.Fatalf("Check before revoking: got %v, want nil", err)
			}
			start := time.Now()
			if err := store.Add(ctx, tt.entry); err != nil {
				t.Fatalf("Add: %v", err)
			}
			eventually(t, time.Second, "revocation visible", func() bool { return tt.check() == tt.want })
			t.Logf("redis stream: %s revocation visible after %s", tt.name, time.Since(start))
		})
	}
}

func TestMirrorAcrossRedisOutage(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.WithAOF())
	store, list := newStore(t, srv, nil, nil)
	clock := storetest.NewClock(time.Now())
	logger, logs := newLogger()
	m := startMirror(t, srv, list, revocation.MirrorConfig{Now: clock.Now, Logger: logger})
	iat := time.Now().Add(-time.Second)
	revoked := mustEntry(t)(policy.Token("jti-before-outage", time.Time{}, time.Now(), ""))
	if err := store.Add(ctx, revoked); err != nil {
		t.Fatalf("Add: %v", err)
	}
	eventually(t, time.Second, "revocation visible", func() bool {
		return m.Check("jti-before-outage", "", "", "", iat) == revocation.ErrTokenRevoked
	})

	srv.Kill(t)
	during := mustEntry(t)(policy.Token("jti-during-outage", time.Time{}, time.Now(), ""))
	if err := store.Add(ctx, during); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("Add with Redis down: got %v, want ErrUnavailable", err)
	}
	eventually(t, 3*time.Second, "sync failure logged", func() bool {
		return logs.count("revocation mirror sync failed") > 0
	})
	if err := m.Check("jti-ok", "", "", "", iat); err != nil {
		t.Fatalf("Check within MaxStaleness: got %v, want nil", err)
	}
	clock.Advance(revocation.DefaultMaxStaleness + time.Second)
	if err := m.Check("jti-ok", "", "", "", iat); err != revocation.ErrStale {
		t.Fatalf("Check past MaxStaleness with Redis down: got %v, want ErrStale", err)
	}
	if err := m.Check("jti-before-outage", "", "", "", iat); err != revocation.ErrTokenRevoked {
		t.Fatalf("Check of a revoked token with Redis down: got %v, want ErrTokenRevoked", err)
	}

	srv.Restart(t)
	if err := store.Add(ctx, during); err != nil {
		t.Fatalf("Add after restart, same store: %v", err)
	}
	eventually(t, 3*time.Second, "mirror recovered", func() bool {
		return m.Check("jti-ok", "", "", "", iat) == nil
	})
	eventually(t, time.Second, "revocation after restart visible", func() bool {
		return m.Check("jti-during-outage", "", "", "", iat) == revocation.ErrTokenRevoked
	})
	if got := logs.count("in sync again"); got != 1 {
		t.Fatalf("recovery log lines: got %d, want 1", got)
	}
	if got := logs.count("incident=revocation_data_loss"); got != 0 {
		t.Fatalf("incidents after a restart with AOF: got %d, want 0", got)
	}
}

func TestMirrorSurvivesFlushAll(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	logger, logs := newLogger()
	store, list := newStore(t, srv, nil, logger)
	m := startMirror(t, srv, list, revocation.MirrorConfig{Logger: logger})
	iat := time.Now().Add(-time.Second)
	revoked := mustEntry(t)(policy.Token("jti-flushed", time.Time{}, time.Now(), ""))
	if err := store.Add(ctx, revoked); err != nil {
		t.Fatalf("Add: %v", err)
	}
	eventually(t, time.Second, "revocation visible", func() bool {
		return m.Check("jti-flushed", "", "", "", iat) == revocation.ErrTokenRevoked
	})

	srv.FlushAll(t)
	eventually(t, 3*time.Second, "mirror detects the loss", func() bool {
		return logs.count("incident=revocation_data_loss") > 0
	})
	if err := m.Check("jti-flushed", "", "", "", iat); err != revocation.ErrTokenRevoked {
		t.Fatalf("mirror Check of the revoked token after FLUSHALL: got %v, want ErrTokenRevoked", err)
	}
	if err := m.Check("jti-other", "", "", "", iat); err != revocation.ErrAllRevoked {
		t.Fatalf("mirror Check of a token issued before FLUSHALL: got %v, want ErrAllRevoked", err)
	}

	// The store detects the loss too and writes the global cut-off back to Redis,
	// so a mirror started afterwards, with no memory of the loss, also rejects.
	if _, err := store.Generation(ctx); err != nil {
		t.Fatalf("Generation: %v", err)
	}
	fresh := startMirror(t, srv, list, revocation.MirrorConfig{})
	if err := fresh.Check("jti-flushed", "", "", "", iat); err != revocation.ErrAllRevoked {
		t.Fatalf("new mirror Check of the revoked token: got %v, want ErrAllRevoked", err)
	}
	after := time.Now().Add(time.Second)
	for name, mirror := range map[string]*revocation.Mirror{"old": m, "new": fresh} {
		eventually(t, 3*time.Second, name+" mirror accepts new tokens", func() bool {
			return mirror.Check("jti-new", "", "", "", after) == nil
		})
	}
}

// gateSink holds the first change set after the full load until released, so
// the test can trim the stream behind the source's cursor.
type gateSink struct {
	revocation.Sink
	loaded  chan struct{}
	release chan struct{}
	calls   int
}

func (g *gateSink) Apply(u revocation.Update) {
	g.calls++
	g.Sink.Apply(u)
	if g.calls == 1 {
		close(g.loaded)
		<-g.release
	}
}

func TestSourceResyncsAfterTrim(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := fastClient(t, srv)
	store, err := redisstore.New(client, redisstore.Options{List: "trim", Policy: policy,
		StreamMaxLen: 10})
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, mustEntry(t)(policy.Token("t-first", time.Time{}, time.Now(), ""))); err != nil {
		t.Fatal(err)
	}
	source := redisstore.NewSource(client, redisstore.SourceOptions{List: "trim"})
	m := revocation.NewMirror(revocation.MirrorConfig{})
	gate := &gateSink{Sink: m, loaded: make(chan struct{}), release: make(chan struct{})}
	result := make(chan error, 1)
	go func() { result <- source.Sync(ctx, gate) }()
	<-gate.loaded
	const total = 300
	for i := range total {
		e := mustEntry(t)(policy.Token(fmt.Sprintf("t-%d", i), time.Time{}, time.Now(), ""))
		if err := store.Add(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	close(gate.release)
	if err := <-result; !errors.Is(err, revocation.ErrCursorExpired) {
		t.Fatalf("Sync behind a trimmed stream: got %v, want ErrCursorExpired", err)
	}
	ctx2, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- source.Sync(ctx2, m) }()
	eventually(t, 3*time.Second, "full resync", func() bool { return m.Len() == total+1 })
	cancel()
	<-done
}
