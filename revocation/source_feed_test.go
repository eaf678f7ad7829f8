package revocation_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/revocation/boltstore"
)

// feedServer serves GET /v1/revocations from a bbolt store, signed with key, as
// the issuer does: the full list, or the changes after ?since=, with an ETag.
type feedServer struct {
	store    *boltstore.Store
	key      signingKey
	now      func() time.Time
	served   atomic.Int64 // 200 responses
	notMod   atomic.Int64 // 304 responses
	mu       sync.Mutex   // guards override
	override []byte       // when set, served as the body of every request
}

func newFeedServer(t *testing.T, key signingKey) (*feedServer, *httptest.Server) {
	t.Helper()
	db, err := bbolt.Open(filepath.Join(t.TempDir(), "hubjwt.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	store, err := boltstore.New(db, boltstore.Options{})
	if err != nil {
		t.Fatal(err)
	}
	fs := &feedServer{store: store, key: key, now: time.Now}
	srv := httptest.NewServer(fs) // listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return fs, srv
}

func (fs *feedServer) serve(body []byte) {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	fs.override = body
}

func (fs *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fs.mu.Lock()
	override := fs.override
	fs.mu.Unlock()
	if override != nil {
		fs.served.Add(1)
		_, _ = w.Write(override)
		return
	}
	feed, err := fs.build(r.Context(), r.URL.Query().Get("since"))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	etag := fmt.Sprintf(`"%s:%s:%s"`, feed.Generation, r.URL.Query().Get("since"), feed.Cursor)
	if r.Header.Get("If-None-Match") == etag {
		fs.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	body, err := revocation.EncodeFeed(feed, fs.key.sign)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Content-Type", "application/jwt")
	fs.served.Add(1)
	_, _ = w.Write(body)
}

func (fs *feedServer) build(ctx context.Context, since string) (revocation.Feed, error) {
	feed := revocation.Feed{Issuer: issuer, IssuedAt: fs.now()}
	if since == "" {
		snap, err := fs.store.List(ctx)
		feed.Full, feed.Entries, feed.Cursor, feed.Generation = true, snap.Entries,
			snap.Cursor, snap.Generation
		return feed, err
	}
	set, err := fs.store.Changes(ctx, since, 1000)
	feed.Since, feed.Entries, feed.Cursor, feed.Generation = since, set.Entries, set.Cursor,
		set.Generation
	return feed, err
}

func staticKeys(set jwk.Set) func(context.Context) (jwk.Set, error) {
	return func(context.Context) (jwk.Set, error) { return set, nil }
}

func TestMirrorFromFeed(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	key := newSigningKey(t, "kid-1")
	fs, srv := newFeedServer(t, key)
	poll := 50 * time.Millisecond
	source, err := revocation.NewFeedSource(revocation.FeedSourceConfig{
		URL: srv.URL + "/v1/revocations", Issuer: issuer, Keys: staticKeys(key.public),
		PollInterval: poll,
	})
	if err != nil {
		t.Fatalf("NewFeedSource: %v", err)
	}
	m := revocation.NewMirror(revocation.MirrorConfig{Source: source})
	done := make(chan error, 1)
	go func() { done <- m.Run(ctx) }()
	eventually(t, 2*time.Second, "first sync", func() bool { return !m.LastSync().IsZero() })

	iat := time.Now().Add(-time.Second)
	e := must(t)(policy.Token("jti-feed", time.Time{}, time.Now(), ""))
	added := time.Now()
	if err := fs.store.Add(ctx, e); err != nil {
		t.Fatal(err)
	}
	eventually(t, 2*time.Second, "revocation through the feed", func() bool {
		return m.Check("jti-feed", "", "", "", iat) == revocation.ErrTokenRevoked
	})
	latency := time.Since(added)
	t.Logf("feed source: revocation visible after %s (poll interval %s)", latency, poll)
	if latency > poll+100*time.Millisecond {
		t.Errorf("latency: got %s, want within one poll interval %s plus 100ms", latency, poll)
	}
	eventually(t, 2*time.Second, "a 304 response", func() bool { return fs.notMod.Load() > 0 })
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run: got %v, want nil", err)
	}
}

// recordingSink counts what a source hands over.
type recordingSink struct {
	applied atomic.Int64
	synced  atomic.Int64
}

func (s *recordingSink) Apply(revocation.Update) { s.applied.Add(1) }
func (s *recordingSink) Synced()                 { s.synced.Add(1) }

func TestFeedSourceRejectsForgedFeed(t *testing.T) {
	key := newSigningKey(t, "kid-1")
	impostor := newSigningKey(t, "kid-1")
	now := time.Now().Truncate(time.Second)
	base := revocation.Feed{Issuer: issuer, IssuedAt: now, Cursor: "5", Generation: "g",
		Full: true}
	encode := func(f revocation.Feed, sign func([]byte, string) ([]byte, error)) []byte {
		b, err := revocation.EncodeFeed(f, sign)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	older := base
	older.IssuedAt = now.Add(-time.Minute)
	olderCursor := base
	olderCursor.Cursor = "3"
	wrongIss := base
	wrongIss.Issuer = "http://127.0.0.1:1"
	asToken := func(p []byte, _ string) ([]byte, error) { return key.sign(p, "at+jwt") }
	tests := []struct {
		name   string
		forged []byte
	}{
		{"bad signature", encode(base, impostor.sign)},
		{"wrong typ", encode(base, asToken)},
		{"wrong issuer", encode(wrongIss, key.sign)},
		{"replayed older iat", encode(older, key.sign)},
		{"replayed older cursor", encode(olderCursor, key.sign)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs, srv := newFeedServer(t, key)
			source, err := revocation.NewFeedSource(revocation.FeedSourceConfig{
				URL: srv.URL, Issuer: issuer, Keys: staticKeys(key.public),
				PollInterval: time.Millisecond,
			})
			if err != nil {
				t.Fatal(err)
			}
			sink := &recordingSink{}
			fs.serve(encode(base, key.sign))
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			first := make(chan error, 1)
			go func() { first <- source.Sync(ctx, sink) }()
			eventually(t, 2*time.Second, "genuine feed applied", func() bool {
				return sink.applied.Load() >= 2
			})
			fs.serve(tt.forged)
			err = <-first
			if !errors.Is(err, revocation.ErrInvalidFeed) {
				t.Fatalf("Sync with a forged feed: got %v, want ErrInvalidFeed", err)
			}
			applied := sink.applied.Load()
			if err := source.Sync(ctx, sink); !errors.Is(err, revocation.ErrInvalidFeed) {
				t.Fatalf("resync with a forged feed: got %v, want ErrInvalidFeed", err)
			}
			if got := sink.applied.Load(); got != applied {
				t.Fatalf("updates applied from forged feeds: got %d, want 0", got-applied)
			}
		})
	}
}

func TestFeedSourceStaleWhenServerDown(t *testing.T) {
	key := newSigningKey(t, "kid-1")
	_, srv := newFeedServer(t, key)
	clock := time.Now()
	var mu sync.Mutex
	now := func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	source, err := revocation.NewFeedSource(revocation.FeedSourceConfig{URL: srv.URL,
		Issuer: issuer, Keys: staticKeys(key.public), PollInterval: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	logger, logs := newLogger()
	m := revocation.NewMirror(revocation.MirrorConfig{Source: source, Now: now, Logger: logger,
		RetryInterval: 10 * time.Millisecond})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = m.Run(ctx) }()
	eventually(t, 2*time.Second, "first sync", func() bool { return !m.LastSync().IsZero() })
	srv.Close()
	// Once a failure is logged, no later poll can record a sync.
	eventually(t, 2*time.Second, "sync failure logged", func() bool {
		return logs.count("revocation mirror sync failed") > 0
	})
	if err := m.Check("j", "", "", "", time.Now()); err != nil {
		t.Fatalf("Check within MaxStaleness: got %v, want nil", err)
	}
	mu.Lock()
	clock = clock.Add(2 * revocation.DefaultMaxStaleness)
	mu.Unlock()
	if err := m.Check("j", "", "", "", time.Now()); err != revocation.ErrStale {
		t.Fatalf("Check past MaxStaleness with the feed down: got %v, want ErrStale", err)
	}
}
