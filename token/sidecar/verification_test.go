package sidecar_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/revocation"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/httpauth"
	"github.com/hubjwt/hubjwt/token/internal/authtest"
	"github.com/hubjwt/hubjwt/token/sidecar"
)

// feedServer serves a signed revocation feed of the entries it holds; every
// answer lists all of them, as a full feed or as the changes after ?since=.
type feedServer struct {
	f       *authtest.Fixture
	mu      sync.Mutex // guards entries, seq and failing
	entries []revocation.Entry
	seq     int
	failing bool
}

func (s *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failing {
		http.Error(w, "feed down", http.StatusInternalServerError)
		return
	}
	s.seq++
	since := r.URL.Query().Get("since")
	feed := revocation.Feed{Issuer: authtest.Issuer, IssuedAt: s.f.Now(),
		Cursor: strconv.Itoa(s.seq), Generation: "g1", Full: since == "", Since: since,
		Entries: append([]revocation.Entry(nil), s.entries...)}
	body, err := revocation.EncodeFeed(feed, s.f.Keys.Sign)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	_, _ = w.Write(body)
}

func (s *feedServer) revoke(tok *token.Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.entries = append(s.entries, revocation.Entry{Kind: revocation.KindToken,
		JTI: tok.Claims.ID, CreatedAt: s.f.Now(),
		ExpiresAt: tok.Claims.ExpiresAt.Time().Add(time.Minute)})
}

func (s *feedServer) setFailing(v bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failing = v
}

// eventually polls cond every 10 ms for up to 5 s. The mirror syncs over real
// HTTP in the background, so there is no clock to move instead.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: still false after 5 s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestVerificationFollowsRevocationFeed(t *testing.T) {
	f := authtest.NewFixture(t)
	feed := &feedServer{f: f}
	feedURL := authtest.NewLoopbackServer(t, feed).URL + "/v1/revocations"
	v, err := sidecar.StartVerification(context.Background(), sidecar.VerificationConfig{
		Issuer: authtest.Issuer, Audience: authtest.Audience, JWKSURL: f.ServeJWKS(t),
		RevocationsURL: feedURL, PollInterval: 10 * time.Millisecond,
		MaxStaleness: time.Minute, Now: f.Now, Logger: slog.New(slog.DiscardHandler),
	})
	if err != nil {
		t.Fatalf("StartVerification: %v", err)
	}
	t.Cleanup(v.Close)
	eventually(t, "mirror synced", func() bool { return v.Ready() == nil })

	up := startUpstream(t)
	target, _ := url.Parse(up.url)
	p, err := sidecar.New(sidecar.Config{Upstream: target,
		Access: scopes.ServerAccess{User: "alice"}, Ready: v.Ready,
		Logger: slog.New(slog.DiscardHandler),
		Auth:   httpauth.Options{Verifier: v.Verifier, Realm: authtest.Realm}})
	if err != nil {
		t.Fatal(err)
	}
	proxy := authtest.NewLoopbackServer(t, p).URL
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"},
		TTL: time.Hour})
	other := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"},
		TTL: time.Hour})
	statusOf := func(tok *token.Token) int {
		resp, _ := send(t, http.MethodGet, proxy+"/user/alice/",
			http.Header{"Authorization": {"Bearer " + tok.Raw}})
		return resp.StatusCode
	}
	status := func() int { return statusOf(tok) }
	if got := status(); got != http.StatusOK {
		t.Fatalf("before revocation: got %d, want 200", got)
	}

	feed.revoke(tok)
	eventually(t, "revoked token rejected", func() bool { return status() == 401 })
	if got := statusOf(other); got != http.StatusOK {
		t.Fatalf("another token after the revocation: got %d, want 200", got)
	}

	feed.setFailing(true)
	f.Advance(2 * time.Minute) // past MaxStaleness, with no sync since
	eventually(t, "stale mirror answers 503", func() bool { return statusOf(other) == 503 })
	if v.Ready() == nil {
		t.Error("Ready with a stale mirror: got nil, want an error")
	}
	resp, body := send(t, http.MethodGet, proxy+sidecar.HealthPath, nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("health with a stale mirror: got %d %s, want 503", resp.StatusCode, body)
	}
}

func TestSpawnerFromEnv(t *testing.T) {
	env := map[string]string{
		"JUPYTERHUB_USER":                "alice",
		"JUPYTERHUB_SERVER_NAME":         "lab",
		"JUPYTERHUB_SERVICE_PREFIX":      "/user/alice/lab/",
		"JUPYTERHUB_CLIENT_ID":           "jupyterhub-user-alice-lab",
		"JUPYTERHUB_OAUTH_ACCESS_SCOPES": `["access:servers!server=alice/lab", "access:servers!user=alice"]`,
		"JUPYTERHUB_OAUTH_SCOPES":        `["ignored"]`,
	}
	s, err := sidecar.SpawnerFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatal(err)
	}
	sa := s.ServerAccess()
	if sa.User != "alice" || sa.Server != "lab" || len(sa.AccessScopes) != 2 ||
		sa.AccessScopes[0] != "access:servers!server=alice/lab" {
		t.Errorf("ServerAccess: got %+v, want alice/lab with the two access scopes", sa)
	}
	if s.Prefix != "/user/alice/lab/" || s.ClientID != "jupyterhub-user-alice-lab" {
		t.Errorf("prefix %q client id %q: want the environment's", s.Prefix, s.ClientID)
	}

	env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"] = ""
	s, err = sidecar.SpawnerFromEnv(func(k string) string { return env[k] })
	if err != nil || len(s.AccessScopes) != 1 || s.AccessScopes[0] != "ignored" {
		t.Errorf("fallback to JUPYTERHUB_OAUTH_SCOPES: got %v, %v; want [ignored]",
			s.AccessScopes, err)
	}

	env["JUPYTERHUB_OAUTH_ACCESS_SCOPES"] = "access:servers!user=alice"
	if _, err := sidecar.SpawnerFromEnv(func(k string) string { return env[k] }); err == nil {
		t.Error("scopes that are not JSON: got nil error, want one")
	}
}
