package sidecar_test

import (
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/net/websocket"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/httpauth"
	"github.com/hubjwt/hubjwt/token/internal/authtest"
	"github.com/hubjwt/hubjwt/token/sidecar"
)

// seen is what the upstream received.
type seen struct {
	Path    string              `json:"path"`
	Query   string              `json:"query"`
	Host    string              `json:"host"`
	Headers map[string][]string `json:"headers"`
}

// upstream is a real single-user server stand-in on loopback: it reports each
// request as JSON, and /ws is a WebSocket echo that prefixes the identity.
type upstream struct {
	url  string
	hits atomic.Int64
}

func startUpstream(t testing.TB) *upstream {
	t.Helper()
	u := &upstream{}
	mux := http.NewServeMux()
	mux.Handle("/user/alice/ws", websocket.Handler(func(ws *websocket.Conn) {
		user := ws.Request().Header.Get("X-Forwarded-User")
		for {
			var msg string
			if err := websocket.Message.Receive(ws, &msg); err != nil {
				return
			}
			if err := websocket.Message.Send(ws, user+": "+msg); err != nil {
				return
			}
		}
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		u.hits.Add(1)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(seen{Path: r.URL.Path, Query: r.URL.RawQuery,
			Host: r.Host, Headers: r.Header})
	})
	u.url = authtest.NewLoopbackServer(t, mux).URL
	return u
}

// startProxy runs a sidecar for user's default server in front of up.
func startProxy(t testing.TB, f *authtest.Fixture, up string, user string,
	mutate func(*sidecar.Config)) string {
	t.Helper()
	target, err := url.Parse(up)
	if err != nil {
		t.Fatal(err)
	}
	cfg := sidecar.Config{
		Upstream: target,
		Access:   scopes.ServerAccess{User: user},
		Auth:     httpauth.Options{Verifier: f.Verifier, Realm: authtest.Realm},
		Prefix:   "/user/" + user + "/",
		Logger:   slog.New(slog.DiscardHandler),
	}
	if mutate != nil {
		mutate(&cfg)
	}
	p, err := sidecar.New(cfg)
	if err != nil {
		t.Fatalf("sidecar.New: %v", err)
	}
	return authtest.NewLoopbackServer(t, p).URL
}

func send(t *testing.T, method, target string, header http.Header) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, body
}

func decodeSeen(t *testing.T, body []byte) seen {
	t.Helper()
	var s seen
	if err := json.Unmarshal(body, &s); err != nil {
		t.Fatalf("upstream reply %s: %v", body, err)
	}
	return s
}

func TestProxyAllowsAndDenies(t *testing.T) {
	f := authtest.NewFixture(t)
	up := startUpstream(t)
	alice := startProxy(t, f, up.url, "alice", nil)
	bob := startProxy(t, f, up.url, "bob", nil)
	aliceTok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	bobTok := f.Mint(t, token.Request{Subject: "bob",
		Scopes: []string{"access:servers!server=bob/"}})
	aliceUser := f.Mint(t, token.Request{Scopes: []string{"access:servers!user=alice"}})
	unrelated := f.Mint(t, token.Request{Scopes: []string{"read:users!user=alice"}})
	cases := []struct {
		name      string
		proxy     string
		raw       string
		want      int
		wantCode  string
		wantScope string
	}{
		{"own server", alice, aliceTok.Raw, 200, "", ""},
		{"user filter", alice, aliceUser.Raw, 200, "", ""},
		{"no token", alice, "", 401, "", ""},
		{"garbage token", alice, "abc.def.ghi", 401, "invalid_token", ""},
		{"no access scope", alice, unrelated.Raw, 403, "insufficient_scope",
			"access:servers!server=alice/"},
		{"alice's token on bob's server", bob, aliceTok.Raw, 403, "insufficient_scope",
			"access:servers!server=bob/"},
		{"alice's user filter on bob's server", bob, aliceUser.Raw, 403, "insufficient_scope",
			"access:servers!server=bob/"},
		{"bob's token on alice's server", alice, bobTok.Raw, 403, "insufficient_scope",
			"access:servers!server=alice/"},
		{"bob's token on bob's server", bob, bobTok.Raw, 200, "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := up.hits.Load()
			h := http.Header{}
			if c.raw != "" {
				h.Set("Authorization", "Bearer "+c.raw)
			}
			resp, body := send(t, http.MethodGet, c.proxy+"/user/x/tree", h)
			if resp.StatusCode != c.want {
				t.Fatalf("status: got %d (%s), want %d", resp.StatusCode, body, c.want)
			}
			reached := up.hits.Load() > before
			if reached != (c.want == 200) {
				t.Errorf("upstream reached: got %v, want %v", reached, c.want == 200)
			}
			if c.want != 200 {
				authtest.CheckChallenge(t, resp.Header.Get("WWW-Authenticate"), c.wantCode,
					c.wantScope)
			}
		})
	}
}

func TestProxyIdentityHeaderNotSpoofable(t *testing.T) {
	f := authtest.NewFixture(t)
	up := startUpstream(t)
	proxy := startProxy(t, f, up.url, "alice", nil)
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	svc := f.Mint(t, token.Request{Subject: "alice", Kind: token.KindService,
		Scopes: []string{"access:servers!server=alice/"}})
	spoof := http.Header{
		"X-Forwarded-User":    {"mallory"},
		"x-forwarded-user":    {"mallory"}, // a raw key that skips canonicalization
		"X_Forwarded_User":    {"mallory"},
		"X_forwarded_user":    {"mallory"},
		"X-Forwarded-Service": {"hub"},
		"Connection":          {"X-Forwarded-User"},
	}
	cases := []struct {
		name        string
		raw         string
		wantUser    []string
		wantService []string
	}{
		{"user token", tok.Raw, []string{"alice"}, nil},
		{"service token of the same name", svc.Raw, nil, []string{"alice"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := spoof.Clone()
			h.Set("Authorization", "Bearer "+c.raw)
			resp, body := send(t, http.MethodGet, proxy+"/user/alice/api/status", h)
			if resp.StatusCode != 200 {
				t.Fatalf("status: got %d (%s), want 200", resp.StatusCode, body)
			}
			s := decodeSeen(t, body)
			for name, values := range s.Headers {
				folded := strings.ReplaceAll(strings.ToLower(name), "_", "-")
				switch folded {
				case "x-forwarded-user":
					if !equal(values, c.wantUser) || name != "X-Forwarded-User" {
						t.Errorf("upstream header %s: got %q, want %q", name, values, c.wantUser)
					}
				case "x-forwarded-service":
					if !equal(values, c.wantService) || name != "X-Forwarded-Service" {
						t.Errorf("upstream header %s: got %q, want %q", name, values,
							c.wantService)
					}
				case "authorization":
					t.Errorf("upstream got the Authorization header %q, want it removed", values)
				}
			}
			if got := s.Headers["X-Forwarded-User"]; !equal(got, c.wantUser) {
				t.Errorf("X-Forwarded-User: got %q, want %q", got, c.wantUser)
			}
			if got := s.Headers["X-Forwarded-Service"]; !equal(got, c.wantService) {
				t.Errorf("X-Forwarded-Service: got %q, want %q", got, c.wantService)
			}
		})
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestProxyForwardsPathQueryAndHost(t *testing.T) {
	f := authtest.NewFixture(t)
	up := startUpstream(t)
	proxy := startProxy(t, f, up.url, "alice", func(c *sidecar.Config) {
		c.Auth.QueryToken = httpauth.QueryTokenAlways
		c.UserHeader = "X-Remote-User"
	})
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	resp, body := send(t, http.MethodGet,
		proxy+"/user/alice/lab?reset&token="+tok.Raw+"&x=%2F", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status: got %d (%s), want 200", resp.StatusCode, body)
	}
	s := decodeSeen(t, body)
	if s.Path != "/user/alice/lab" {
		t.Errorf("path: got %q, want /user/alice/lab", s.Path)
	}
	if s.Query != "reset&x=%2F" {
		t.Errorf("query: got %q, want reset&x=%%2F (token removed)", s.Query)
	}
	if want := strings.TrimPrefix(proxy, "http://"); s.Host != want {
		t.Errorf("Host: got %q, want the inbound %q", s.Host, want)
	}
	if got := s.Headers["X-Remote-User"]; !equal(got, []string{"alice"}) {
		t.Errorf("X-Remote-User: got %q, want [alice]", got)
	}
	if got := s.Headers["X-Forwarded-For"]; len(got) != 1 || got[0] != "127.0.0.1" {
		t.Errorf("X-Forwarded-For: got %q, want [127.0.0.1]", got)
	}
}

// dialWebSocket opens a WebSocket through the proxy with header.
func dialWebSocket(proxy, path string, header http.Header) (*websocket.Conn, error) {
	cfg, err := websocket.NewConfig(strings.Replace(proxy, "http://", "ws://", 1)+path, proxy)
	if err != nil {
		return nil, err
	}
	cfg.Header = header
	return websocket.DialConfig(cfg)
}

func TestProxyWebSocket(t *testing.T) {
	f := authtest.NewFixture(t)
	up := startUpstream(t)
	proxy := startProxy(t, f, up.url, "alice", func(c *sidecar.Config) {
		c.Auth.QueryToken = httpauth.QueryTokenWebSocket
	})
	own := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	bobs := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=bob/"}})
	cases := []struct {
		name   string
		path   string
		header http.Header
		ok     bool
	}{
		{"bearer header", "/user/alice/ws",
			http.Header{"Authorization": {"Bearer " + own.Raw}}, true},
		{"query token", "/user/alice/ws?token=" + url.QueryEscape(own.Raw), nil, true},
		{"no token", "/user/alice/ws", nil, false},
		{"token for bob's server", "/user/alice/ws",
			http.Header{"Authorization": {"Bearer " + bobs.Raw}}, false},
		{"spoofed identity without a token", "/user/alice/ws",
			http.Header{"X-Forwarded-User": {"alice"}}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ws, err := dialWebSocket(proxy, c.path, c.header)
			if !c.ok {
				var de *websocket.DialError
				if err == nil {
					ws.Close()
					t.Fatal("dial: got a connection, want the handshake rejected")
				}
				if !errors.As(err, &de) {
					t.Fatalf("dial: got %v, want a handshake error", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("dial: %v", err)
			}
			defer ws.Close()
			for _, msg := range []string{"hello", "kernel message 2"} {
				if err := websocket.Message.Send(ws, msg); err != nil {
					t.Fatalf("send: %v", err)
				}
				var got string
				if err := websocket.Message.Receive(ws, &got); err != nil {
					t.Fatalf("receive: %v", err)
				}
				if want := "alice: " + msg; got != want {
					t.Errorf("echo: got %q, want %q", got, want)
				}
			}
		})
	}
}

func TestProxyHealth(t *testing.T) {
	f := authtest.NewFixture(t)
	up := startUpstream(t)
	var ready atomic.Pointer[error]
	proxy := startProxy(t, f, up.url, "alice", func(c *sidecar.Config) {
		c.Ready = func() error {
			if err := ready.Load(); err != nil {
				return *err
			}
			return nil
		}
	})
	for _, path := range []string{"/_hubjwt/health", "/user/alice/_hubjwt/health"} {
		t.Run(path, func(t *testing.T) {
			before := up.hits.Load()
			resp, body := send(t, http.MethodGet, proxy+path, nil)
			if resp.StatusCode != 200 || !strings.Contains(string(body), `"ok"`) {
				t.Fatalf("got %d %s, want 200 with status ok", resp.StatusCode, body)
			}
			if up.hits.Load() != before {
				t.Error("health request reached the upstream, want it answered by the proxy")
			}
		})
	}
	notSynced := errors.New("revocation feed not synced")
	ready.Store(&notSynced)
	resp, body := send(t, http.MethodGet, proxy+"/_hubjwt/health", nil)
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("not ready: got %d %s, want 503", resp.StatusCode, body)
	}
}

func TestProxyUpstreamDown(t *testing.T) {
	f := authtest.NewFixture(t)
	down := authtest.NewLoopbackServer(t, http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	proxy := startProxy(t, f, downURL, "alice", nil)
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	resp, body := send(t, http.MethodGet, proxy+"/user/alice/",
		http.Header{"Authorization": {"Bearer " + tok.Raw}})
	if resp.StatusCode != http.StatusBadGateway {
		t.Fatalf("got %d %s, want 502", resp.StatusCode, body)
	}
}

func TestNewRejectsBadConfig(t *testing.T) {
	f := authtest.NewFixture(t)
	up, _ := url.Parse("http://127.0.0.1:1")
	auth := httpauth.Options{Verifier: f.Verifier}
	cases := []struct {
		name string
		cfg  sidecar.Config
	}{
		{"no upstream", sidecar.Config{Access: scopes.ServerAccess{User: "alice"}, Auth: auth}},
		{"no user", sidecar.Config{Upstream: up, Auth: auth}},
		{"no verifier", sidecar.Config{Upstream: up, Access: scopes.ServerAccess{User: "alice"}}},
		{"same header twice", sidecar.Config{Upstream: up, Access: scopes.ServerAccess{User: "a"},
			Auth: auth, UserHeader: "X-Id", ServiceHeader: "x_id"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if _, err := sidecar.New(c.cfg); err == nil {
				t.Fatal("New: got nil error, want one")
			}
		})
	}
}
