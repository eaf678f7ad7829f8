package token_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwa"
	"github.com/lestrrat-go/jwx/v3/jwk"

	"github.com/hubjwt/hubjwt/token"
)

// jwksServer serves a JWK Set that a test can change, with an ETag and a
// max-age, and counts requests.
type jwksServer struct {
	mu       sync.Mutex
	body     []byte
	etag     string
	maxAge   int
	down     bool
	delay    time.Duration
	requests atomic.Int64
	notMod   atomic.Int64
	srv      *httptest.Server
}

func newJWKSServer(t *testing.T, maxAge int, kids ...string) *jwksServer {
	t.Helper()
	s := &jwksServer{maxAge: maxAge}
	s.setKeys(t, kids...)
	s.srv = httptest.NewServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.srv.Close)
	return s
}

func (s *jwksServer) serve(w http.ResponseWriter, r *http.Request) {
	s.requests.Add(1)
	s.mu.Lock()
	body, etag, maxAge, down, delay := s.body, s.etag, s.maxAge, s.down, s.delay
	s.mu.Unlock()
	time.Sleep(delay)
	if down {
		http.Error(w, "down", http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("ETag", etag)
	w.Header().Set("Cache-Control", fmt.Sprintf("public, max-age=%d", maxAge))
	if r.Header.Get("If-None-Match") == etag {
		s.notMod.Add(1)
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(body)
}

// setKeys publishes one new ES256 key per kid.
func (s *jwksServer) setKeys(t *testing.T, kids ...string) {
	t.Helper()
	set := jwk.NewSet()
	for _, kid := range kids {
		priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		k, err := jwk.Import(&priv.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		_ = k.Set(jwk.KeyIDKey, kid)
		_ = k.Set(jwk.AlgorithmKey, jwa.ES256())
		_ = k.Set(jwk.KeyUsageKey, "sig")
		if err := set.AddKey(k); err != nil {
			t.Fatal(err)
		}
	}
	body, err := json.Marshal(set)
	if err != nil {
		t.Fatal(err)
	}
	s.mu.Lock()
	s.body, s.etag = body, fmt.Sprintf(`"%d"`, time.Now().UnixNano())
	s.mu.Unlock()
}

func (s *jwksServer) set(f func(s *jwksServer)) {
	s.mu.Lock()
	f(s)
	s.mu.Unlock()
}

func remote(t *testing.T, url string, opts token.RemoteOptions) *token.RemoteKeys {
	t.Helper()
	r, err := token.NewRemoteKeys(context.Background(), url, opts)
	if err != nil {
		t.Fatalf("NewRemoteKeys: %v", err)
	}
	t.Cleanup(r.Close)
	return r
}

// eventually polls cond every 10 ms for up to 5 s.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within 5 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestRemoteKeysRevalidatesWithETag(t *testing.T) {
	s := newJWKSServer(t, 1, "a")
	r := remote(t, s.srv.URL, token.RemoteOptions{MinInterval: 200 * time.Millisecond,
		MaxInterval: time.Hour})
	eventually(t, "a 304 revalidation", func() bool { return s.notMod.Load() >= 1 })
	if _, err := r.Key(context.Background(), "a"); err != nil {
		t.Fatalf("Key after 304: got %v, want the key", err)
	}
	// max-age=1 bounded below by 200 ms: about one request a second.
	time.Sleep(1500 * time.Millisecond)
	if got := s.requests.Load(); got > 3 {
		t.Fatalf("requests in 2.5 s at max-age=1: got %d, want at most 3", got)
	}
}

func TestRemoteKeysMaxAgeBounds(t *testing.T) {
	cases := []struct {
		name           string
		maxAge         int
		floor, ceil    time.Duration
		window         time.Duration
		minReq, maxReq int64
	}{
		{"floor raises max-age 0", 0, 300 * time.Millisecond, time.Hour, time.Second, 2, 5},
		{"ceiling lowers max-age 3600", 3600, 50 * time.Millisecond, 200 * time.Millisecond,
			time.Second, 4, 7},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newJWKSServer(t, c.maxAge, "a")
			remote(t, s.srv.URL, token.RemoteOptions{MinInterval: c.floor, MaxInterval: c.ceil})
			time.Sleep(c.window)
			if got := s.requests.Load(); got < c.minReq || got > c.maxReq {
				t.Fatalf("requests in %s: got %d, want %d to %d", c.window, got, c.minReq,
					c.maxReq)
			}
		})
	}
}

func TestRemoteKeysRandomKidsCostNoWaiting(t *testing.T) {
	s := newJWKSServer(t, 3600, "a")
	r := remote(t, s.srv.URL, token.RemoteOptions{UnknownKeyRefresh: time.Minute})
	s.set(func(s *jwksServer) { s.delay = 300 * time.Millisecond })
	var wg sync.WaitGroup
	var slowest atomic.Int64
	for i := 0; i < 1000; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			start := time.Now()
			_, err := r.Key(context.Background(), fmt.Sprintf("random-%d", i))
			if !errors.Is(err, token.ErrUnknownKey) {
				t.Errorf("Key(random-%d): got %v, want ErrUnknownKey", i, err)
			}
			if d := int64(time.Since(start)); d > slowest.Load() {
				slowest.Store(d)
			}
		}(i)
	}
	wg.Wait()
	if got := time.Duration(slowest.Load()); got > 100*time.Millisecond {
		t.Errorf("slowest Key call: got %s, want no wait on the 300 ms fetch", got)
	}
	time.Sleep(500 * time.Millisecond)
	if got := s.requests.Load(); got > 2 {
		t.Errorf("JWKS requests for 1,000 random kids: got %d, want at most 2", got)
	}
}

func TestRemoteKeysUnknownKidRefetches(t *testing.T) {
	s := newJWKSServer(t, 3600, "a")
	r := remote(t, s.srv.URL, token.RemoteOptions{UnknownKeyRefresh: time.Minute})
	s.setKeys(t, "b")
	if _, err := r.Key(context.Background(), "b"); !errors.Is(err, token.ErrUnknownKey) {
		t.Fatalf("first Key(b): got %v, want ErrUnknownKey at once", err)
	}
	eventually(t, "kid b after the background refetch", func() bool {
		_, err := r.Key(context.Background(), "b")
		return err == nil
	})
	if _, err := r.Key(context.Background(), "a"); !errors.Is(err, token.ErrUnknownKey) {
		t.Fatalf("Key(a) after a left the set: got %v, want ErrUnknownKey", err)
	}
}

func TestRemoteKeysServerDown(t *testing.T) {
	var nowNanos atomic.Int64
	nowNanos.Store(time.Now().UnixNano())
	now := func() time.Time { return time.Unix(0, nowNanos.Load()) }
	s := newJWKSServer(t, 0, "a")
	r := remote(t, s.srv.URL, token.RemoteOptions{MinInterval: 50 * time.Millisecond,
		RetryInterval: 50 * time.Millisecond, MaxStale: time.Hour, Now: now})
	s.set(func(s *jwksServer) { s.down = true })
	before := s.requests.Load()
	eventually(t, "failed refreshes", func() bool { return s.requests.Load() >= before+2 })
	if _, err := r.Key(context.Background(), "a"); err != nil {
		t.Fatalf("Key while the server is down: got %v, want the last good key", err)
	}
	nowNanos.Add(int64(2 * time.Hour))
	if _, err := r.Key(context.Background(), "a"); !errors.Is(err, token.ErrKeysStale) {
		t.Fatalf("Key past MaxStale: got %v, want ErrKeysStale", err)
	}
	s.set(func(s *jwksServer) { s.down = false })
	nowNanos.Add(int64(time.Second))
	eventually(t, "recovery after the server is back", func() bool {
		_, err := r.Key(context.Background(), "a")
		return err == nil
	})
}
