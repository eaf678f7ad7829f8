package server

import (
	"context"
	"encoding/base64"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/config"
	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/jwks"
	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// countingHub returns fixed identities for known tokens and counts calls.
type countingHub struct {
	mu    sync.Mutex
	calls int
	ids   map[string]hubapi.Identity
}

func (h *countingHub) WhoAmI(_ context.Context, tok string) (hubapi.Identity, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.calls++
	id, ok := h.ids[tok]
	if !ok {
		return hubapi.Identity{}, hubapi.ErrInvalidToken
	}
	return id, nil
}

// movingClock is a clock that tests move by hand.
type movingClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *movingClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *movingClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

func TestIdentityCache(t *testing.T) {
	hub := &countingHub{ids: map[string]hubapi.Identity{"tok-a": {Kind: "user", Name: "alice"}}}
	clock := &movingClock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)}
	cache := newIdentityCache(hub, 30*time.Second, clock.Now)
	ctx := context.Background()
	steps := []struct {
		name       string
		advance    time.Duration
		token      string
		wantCached bool
		wantCalls  int
		wantErr    error
	}{
		{"first lookup asks the hub", 0, "tok-a", false, 1, nil},
		{"second lookup is cached", 29 * time.Second, "tok-a", true, 1, nil},
		{"expired entry asks again", time.Second, "tok-a", false, 2, nil},
		{"rejected token", 0, "tok-x", false, 3, hubapi.ErrInvalidToken},
		{"rejected token is not cached", 0, "tok-x", false, 4, hubapi.ErrInvalidToken},
	}
	for _, st := range steps {
		clock.Advance(st.advance)
		id, cached, err := cache.WhoAmI(ctx, st.token)
		if !errors.Is(err, st.wantErr) {
			t.Fatalf("%s: got error %v, want %v", st.name, err, st.wantErr)
		}
		if cached != st.wantCached {
			t.Errorf("%s: got cached %v, want %v", st.name, cached, st.wantCached)
		}
		if hub.calls != st.wantCalls {
			t.Errorf("%s: got %d hub calls, want %d", st.name, hub.calls, st.wantCalls)
		}
		if err == nil && id.Name != "alice" {
			t.Errorf("%s: got name %q, want alice", st.name, id.Name)
		}
	}
	for key := range cache.entries {
		if strings.Contains(string(key[:]), "tok-a") {
			t.Error("the cache key contains the token, want only its hash")
		}
	}
}

func TestIdentityCacheDisabled(t *testing.T) {
	hub := &countingHub{ids: map[string]hubapi.Identity{"tok-a": {Kind: "user", Name: "alice"}}}
	cache := newIdentityCache(hub, 0, time.Now)
	for range 3 {
		if _, cached, err := cache.WhoAmI(context.Background(), "tok-a"); err != nil || cached {
			t.Fatalf("got cached %v error %v, want an uncached answer", cached, err)
		}
	}
	if hub.calls != 3 {
		t.Errorf("got %d hub calls, want 3 with the cache disabled", hub.calls)
	}
}

func TestClientAuthentication(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("right-secret\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	reg, err := newClientRegistry([]config.Client{
		{ID: "lab", Type: config.ClientPublic},
		{ID: "svc", Type: config.ClientConfidential, SecretFile: secretFile},
		{ID: "a:b", Type: config.ClientConfidential, SecretFile: secretFile},
	})
	if err != nil {
		t.Fatalf("newClientRegistry: %v", err)
	}
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
	}
	cases := []struct {
		name     string
		auth     string
		form     url.Values
		wantID   string
		wantCode string
	}{
		{"public by client_id", "", url.Values{"client_id": {"lab"}}, "lab", ""},
		{"public by basic without secret", basic("lab", ""), nil, "lab", ""},
		{"confidential by basic", basic("svc", "right-secret"), nil, "svc", ""},
		{"form-encoded id in basic", basic(url.QueryEscape("a:b"), "right-secret"), nil, "a:b", ""},
		{"wrong secret", basic("svc", "wrong"), nil, "", codeInvalidClient},
		{"secret prefix", basic("svc", "right"), nil, "", codeInvalidClient},
		{"public with a secret", basic("lab", "x"), nil, "", codeInvalidClient},
		{"confidential by client_id", "", url.Values{"client_id": {"svc"}}, "", codeInvalidClient},
		{"unknown client", "", url.Values{"client_id": {"nobody"}}, "", codeInvalidClient},
		{"missing client_id", "", url.Values{}, "", codeInvalidRequest},
		{"client_secret_post", "", url.Values{"client_id": {"svc"}, "client_secret": {"x"}}, "",
			codeInvalidClient},
		{"differing client_id", basic("svc", "right-secret"), url.Values{"client_id": {"lab"}}, "",
			codeInvalidRequest},
		{"not base64", "Basic %%%", nil, "", codeInvalidClient},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/oauth2/token", nil)
			if tc.auth != "" {
				req.Header.Set("Authorization", tc.auth)
			}
			form := tc.form
			if form == nil {
				form = url.Values{}
			}
			c, err := reg.authenticate(req, form)
			if tc.wantCode == "" {
				if err != nil || c.id != tc.wantID {
					t.Fatalf("got client %q error %v, want %q", c.id, err, tc.wantID)
				}
				return
			}
			if got := errorFor(err); got.Code != tc.wantCode {
				t.Errorf("got error %v, want code %s", err, tc.wantCode)
			}
		})
	}
}

func TestClientRegistryDefaultAndSecretErrors(t *testing.T) {
	reg, err := newClientRegistry(nil)
	if err != nil {
		t.Fatalf("newClientRegistry(nil): %v", err)
	}
	if c, ok := reg.byID[config.DefaultClientID]; !ok || c.confidential {
		t.Errorf("got default client %+v present %v, want a public %s", c, ok,
			config.DefaultClientID)
	}
	empty := filepath.Join(t.TempDir(), "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, file := range map[string]string{"missing": empty + ".nope", "empty": empty} {
		_, err := newClientRegistry([]config.Client{{ID: "svc", Type: config.ClientConfidential,
			SecretFile: file}})
		if err == nil || !strings.Contains(err.Error(), "svc") {
			t.Errorf("%s secret file: got error %v, want one naming the client", name, err)
		}
	}
}

// newExchangeServer returns a Server whose token exchange calls hub, caching
// its responses for cacheTTL.
func newExchangeServer(tb testing.TB, hub HubIdentifier, cacheTTL time.Duration) *Server {
	tb.Helper()
	cfg := config.Default()
	cfg.JupyterHub.TokenCacheTTL = cacheTTL
	keys, err := jwks.NewManager(&jwks.MemoryStore{}, jwks.Config{Algorithm: "ES256",
		Retention: cfg.Token.MaxTTL})
	if err != nil {
		tb.Fatal(err)
	}
	if err := keys.Load(context.Background()); err != nil {
		tb.Fatal(err)
	}
	model, err := scopes.NewModel(scopes.V30, nil)
	if err != nil {
		tb.Fatal(err)
	}
	minter := token.NewMinter(token.MinterConfig{Issuer: cfg.Issuer,
		DefaultTTL: cfg.Token.DefaultTTL, MaxTTL: cfg.Token.MaxTTL,
		DefaultAudience: []string{cfg.Token.DefaultAudience}}, keys, nil)
	s, err := New(Deps{Config: cfg, Keys: keys, Minter: minter, AdminToken: "admin-for-tests",
		Logger: slog.New(slog.DiscardHandler), Hub: hub, Scopes: model})
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func exchangeBody(subject string) string {
	return url.Values{"grant_type": {grantTokenExchange}, "subject_token": {subject},
		"subject_token_type": {tokenTypeAccessToken}, "client_id": {config.DefaultClientID},
	}.Encode()
}

func TestExchangeScopesAndAudience(t *testing.T) {
	hub := &countingHub{ids: map[string]hubapi.Identity{"tok-a": {Kind: "user", Name: "alice",
		Groups: []string{"team"},
		Scopes: []string{"inherit", "read:users!user=alice", "access:servers!group=team"}}}}
	s := newExchangeServer(t, hub, time.Minute)
	cases := []struct {
		name   string
		extra  string
		status int
		scope  string
		code   string
	}{
		{"all scopes", "", 200, "access:servers!group=team read:users!user=alice " +
			"read:users:activity!user=alice read:users:groups!user=alice read:users:name!user=alice", ""},
		{"one scope", "&scope=read:users:name!user%3Dalice", 200, "read:users:name!user=alice", ""},
		{"group member's server", "&audience=jupyterhub-user-alice", 200, "", ""},
		{"server outside the group", "&audience=jupyterhub-user-bob", 400, "", codeInvalidTarget},
		{"service without access", "&audience=service-x", 400, "", codeInvalidTarget},
		{"wider scope", "&scope=read:users", 400, "", codeInvalidScope},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodPost, "/oauth2/token",
				strings.NewReader(exchangeBody("tok-a")+tc.extra))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Fatalf("got %d %s, want %d", rec.Code, rec.Body, tc.status)
			}
			body := rec.Body.String()
			if tc.scope != "" && !strings.Contains(body, `"scope":"`+tc.scope+`"`) {
				t.Errorf("got body %s, want scope %q", body, tc.scope)
			}
			if tc.code != "" && !strings.Contains(body, `"error":"`+tc.code+`"`) {
				t.Errorf("got body %s, want error %s", body, tc.code)
			}
		})
	}
}
