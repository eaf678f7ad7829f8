package redisstore_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/revocation/storetest"
)

var policy = revocation.Policy{MaxTTL: storetest.MaxTTL}

var listSeq atomic.Int64

// newStore returns a store on its own list of srv, so stores share one server.
func newStore(t *testing.T, srv *redistest.Server, now revocation.Clock,
	logger *slog.Logger) (*redisstore.Store, string) {
	t.Helper()
	list := fmt.Sprintf("test-%d", listSeq.Add(1))
	client := fastClient(t, srv)
	s, err := redisstore.New(client, redisstore.Options{List: list, Policy: policy, Now: now,
		Logger: logger})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s, list
}

// fastClient is a client that fails at once, without retries, when Redis is down.
func fastClient(t *testing.T, srv *redistest.Server) *redis.Client {
	t.Helper()
	c := redis.NewClient(&redis.Options{Addr: srv.Addr(), MaxRetries: -1,
		DialTimeout: 200 * time.Millisecond, ReadTimeout: 2 * time.Second})
	t.Cleanup(func() { _ = c.Close() })
	return c
}

// logBuffer collects log output; it is safe for concurrent use.
type logBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) count(substr string) int {
	return strings.Count(b.String(), substr)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func newLogger() (*slog.Logger, *logBuffer) {
	buf := &logBuffer{}
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: slog.LevelDebug})), buf
}

func TestConformance(t *testing.T) {
	srv := redistest.Start(t)
	t.Run("manual clock", func(t *testing.T) {
		storetest.RunWithClock(t, func(t *testing.T, now revocation.Clock) revocation.Store {
			s, _ := newStore(t, srv, now, nil)
			return s
		})
	})
	t.Run("real clock", func(t *testing.T) {
		storetest.Run(t, func(t *testing.T) revocation.Store {
			s, _ := newStore(t, srv, nil, nil)
			return s
		})
	})
}

func TestKeysNamespaced(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	store, list := newStore(t, srv, nil, nil)
	e, err := policy.Token("jti-ns", time.Time{}, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, e); err != nil {
		t.Fatalf("Add: %v", err)
	}
	keys, err := srv.Client(t).Keys(ctx, "*").Result()
	if err != nil {
		t.Fatalf("KEYS: %v", err)
	}
	prefix := "hubjwt:revocation:{" + list + "}:"
	for _, k := range keys {
		if !strings.HasPrefix(k, prefix) {
			t.Errorf("key %q: want prefix %q", k, prefix)
		}
	}
	ttl, err := srv.Client(t).PTTL(ctx, prefix+"entry:"+e.ID()).Result()
	if err != nil {
		t.Fatalf("PTTL: %v", err)
	}
	if ttl <= 0 || ttl > storetest.MaxTTL {
		t.Errorf("entry TTL: got %s, want within (0, %s]", ttl, storetest.MaxTTL)
	}
}

func TestAddUnavailableThenRecovers(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t, redistest.WithAOF())
	store, _ := newStore(t, srv, nil, nil)
	first, err := policy.Token("before-kill", time.Time{}, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, first); err != nil {
		t.Fatalf("Add: %v", err)
	}

	srv.Kill(t)
	second, err := policy.Token("during-outage", time.Time{}, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, second); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("Add with Redis down: got %v, want ErrUnavailable", err)
	}
	if err := store.Ping(ctx); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("Ping with Redis down: got %v, want ErrUnavailable", err)
	}
	if _, err := store.List(ctx); !errors.Is(err, revocation.ErrUnavailable) {
		t.Fatalf("List with Redis down: got %v, want ErrUnavailable", err)
	}

	srv.Restart(t)
	if err := store.Add(ctx, second); err != nil {
		t.Fatalf("Add after restart: %v", err)
	}
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatalf("List after restart: %v", err)
	}
	ids := map[string]bool{}
	for _, e := range snap.Entries {
		ids[e.ID()] = true
	}
	for _, id := range []string{first.ID(), second.ID()} {
		if !ids[id] {
			t.Errorf("List after restart with AOF: entry %s missing", id)
		}
	}
	if ids["global"] {
		t.Error("List after restart with AOF: got a global cut-off, want none (no data lost)")
	}
}

func TestFlushAllWritesGlobalCutOff(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	logger, logs := newLogger()
	clock := storetest.NewClock(time.Now().Truncate(time.Second))
	store, _ := newStore(t, srv, clock.Now, logger)
	issued := clock.Now().Add(-time.Minute)
	e, err := policy.Token("revoked-jti", time.Time{}, clock.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, e); err != nil {
		t.Fatalf("Add: %v", err)
	}
	genBefore, err := store.Generation(ctx)
	if err != nil {
		t.Fatal(err)
	}

	srv.FlushAll(t)
	clock.Advance(time.Second)
	genAfter, err := store.Generation(ctx)
	if err != nil {
		t.Fatalf("Generation after FLUSHALL: %v", err)
	}
	if genAfter == genBefore || genAfter == "" {
		t.Fatalf("Generation after FLUSHALL: got %q, want a new one (was %q)", genAfter, genBefore)
	}
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	if len(snap.Entries) != 1 || snap.Entries[0].Kind != revocation.KindGlobal {
		t.Fatalf("List after FLUSHALL: got %v, want one global cut-off", snap.Entries)
	}
	if cut := snap.Entries[0].Before; !issued.Before(cut) {
		t.Fatalf("cut-off before: got %s, want after the token's iat %s", cut, issued)
	}
	if !strings.Contains(logs.String(), "incident=revocation_data_loss") {
		t.Fatalf("log: got %q, want a data-loss incident", logs.String())
	}
}

func TestAddAfterFlushAllRecovers(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	store, _ := newStore(t, srv, nil, nil)
	other, _ := newStore(t, srv, nil, nil) // first use after the flush: adopts, no cut-off
	e, err := policy.Key("kid-x", time.Time{}, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, e); err != nil {
		t.Fatalf("Add: %v", err)
	}
	srv.FlushAll(t)
	next, err := policy.Key("kid-y", time.Time{}, time.Now(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, next); err != nil {
		t.Fatalf("Add after FLUSHALL: %v", err)
	}
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatalf("List: %v", err)
	}
	kinds := map[revocation.Kind]int{}
	for _, e := range snap.Entries {
		kinds[e.Kind]++
	}
	if kinds[revocation.KindGlobal] != 1 || kinds[revocation.KindKey] != 1 {
		t.Fatalf("List after FLUSHALL and Add: got %v, want one global and one key entry",
			snap.Entries)
	}
	if _, err := other.Generation(ctx); err != nil {
		t.Fatalf("Generation of a second store: %v", err)
	}
}

func TestChangesTrimmedStream(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	client := fastClient(t, srv)
	store, err := redisstore.New(client, redisstore.Options{List: "trim", Policy: policy,
		StreamMaxLen: 10})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	first, err := policy.Token("t-0", time.Time{}, now, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Add(ctx, first); err != nil {
		t.Fatal(err)
	}
	early, err := store.Changes(ctx, "", 10)
	if err != nil {
		t.Fatalf("Changes: %v", err)
	}
	for i := 1; i < 500; i++ {
		e, err := policy.Token(fmt.Sprintf("t-%d", i), time.Time{}, now, "")
		if err != nil {
			t.Fatal(err)
		}
		if err := store.Add(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name   string
		cursor string
	}{
		{"from start", ""},
		{"from the first record", early.Cursor},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := store.Changes(ctx, tt.cursor, 10)
			if !errors.Is(err, revocation.ErrCursorExpired) {
				t.Fatalf("Changes(%q) after trimming: got %v, want ErrCursorExpired", tt.cursor, err)
			}
		})
	}
	snap, err := store.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Entries) != 500 {
		t.Fatalf("List after trimming the stream: got %d entries, want 500", len(snap.Entries))
	}
}

func TestNewClient(t *testing.T) {
	ctx := context.Background()
	srv := redistest.Start(t)
	tests := []struct {
		name    string
		url     string
		addrs   []string
		wantErr bool
	}{
		{name: "url", url: srv.URL()},
		{name: "one address", addrs: []string{srv.Addr()}},
		{name: "nothing", wantErr: true},
		{name: "invalid url", url: "http://127.0.0.1:1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, err := redisstore.NewClient(tt.url, tt.addrs, "", "")
			if tt.wantErr {
				if err == nil {
					t.Fatal("NewClient: got nil error, want one")
				}
				return
			}
			if err != nil {
				t.Fatalf("NewClient: %v", err)
			}
			defer client.Close()
			if err := client.Ping(ctx).Err(); err != nil {
				t.Fatalf("PING: %v", err)
			}
		})
	}
}
