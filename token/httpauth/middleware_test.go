package httpauth_test

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/httpauth"
	"github.com/hubjwt/hubjwt/token/internal/authtest"
)

// whoami writes the subject of the verified token and the raw query it saw.
var whoami = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	c, ok := token.ClaimsFromContext(r.Context())
	if !ok {
		http.Error(w, "no claims in the context", http.StatusInternalServerError)
		return
	}
	if _, ok := token.AccessFromContext(r.Context()); !ok {
		http.Error(w, "no access in the context", http.StatusInternalServerError)
		return
	}
	fmt.Fprintln(w, c.Subject)
	if r.URL.RawQuery != "" {
		fmt.Fprintln(w, "query="+r.URL.RawQuery)
	}
})

// serve starts the table's route, /servers/{user}/{server...}, behind opts.
func serve(t *testing.T, opts httpauth.Options) string {
	t.Helper()
	if opts.Realm == "" {
		opts.Realm = authtest.Realm
	}
	if opts.Authorizer == nil {
		opts.Authorizer = httpauth.RequireScope(authtest.RequiredScope, authtest.ServerFromPath)
	}
	a, err := httpauth.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /servers/{user}/{server...}", a.Middleware(whoami))
	return authtest.NewLoopbackServer(t, mux).URL
}

func TestMiddlewareTable(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.Verifier, TokenScheme: true})
	for _, c := range authtest.Cases(t, f) {
		t.Run(c.Name, func(t *testing.T) { authtest.Check(t, url, c) })
	}
}

// get sends a GET with the given headers and returns status, headers and body.
func get(t *testing.T, url string, header http.Header) (int, http.Header, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func TestTokenSchemeOffByDefault(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.Verifier})
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	status, h, _ := get(t, url+"/servers/alice/", http.Header{"Authorization": {"token " + tok.Raw}})
	if status != http.StatusUnauthorized {
		t.Fatalf("status: got %d, want 401", status)
	}
	authtest.CheckChallenge(t, h.Get("WWW-Authenticate"), "", "")
}

func TestQueryToken(t *testing.T) {
	f := authtest.NewFixture(t)
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	always := serve(t, httpauth.Options{Verifier: f.Verifier, QueryToken: httpauth.QueryTokenAlways})
	wsOnly := serve(t, httpauth.Options{Verifier: f.Verifier,
		QueryToken: httpauth.QueryTokenWebSocket})
	never := serve(t, httpauth.Options{Verifier: f.Verifier})
	upgrade := http.Header{"Upgrade": {"websocket"}, "Connection": {"keep-alive, Upgrade"},
		"Sec-Websocket-Key": {"dGhlIHNhbXBsZSBub25jZQ=="}, "Sec-Websocket-Version": {"13"}}
	bearer := http.Header{"Authorization": {"Bearer " + tok.Raw}}
	cases := []struct {
		name       string
		url        string
		header     http.Header
		wantStatus int
		wantBody   string
	}{
		{"accepted and removed", always + "/servers/alice/?a=1&token=" + tok.Raw + "&b=%2F",
			nil, 200, "alice\nquery=a=1&b=%2F\n"},
		{"escaped name is removed too", always + "/servers/alice/?tok%65n=" + tok.Raw,
			nil, 200, "alice\n"},
		{"two query tokens", always + "/servers/alice/?token=" + tok.Raw + "&token=" + tok.Raw,
			nil, 400, ""},
		{"empty query token", always + "/servers/alice/?token=", nil, 400, ""},
		{"header and query", always + "/servers/alice/?token=" + tok.Raw,
			http.Header{"Authorization": {"Bearer " + tok.Raw}}, 400, ""},
		{"websocket policy ignores plain requests", wsOnly + "/servers/alice/?token=" + tok.Raw,
			nil, 401, ""},
		{"websocket policy accepts upgrades", wsOnly + "/servers/alice/?token=" + tok.Raw,
			upgrade, 200, "alice\n"},
		{"websocket policy needs a real upgrade", wsOnly + "/servers/alice/?token=" + tok.Raw,
			http.Header{"Upgrade": {"websocket"}}, 401, ""},
		{"unused query token is removed", never + "/servers/alice/?x=1&token=hub-secret",
			bearer, 200, "alice\nquery=x=1\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := get(t, c.url, c.header)
			if status != c.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", status, body, c.wantStatus)
			}
			if c.wantBody != "" && body != c.wantBody {
				t.Errorf("body: got %q, want %q", body, c.wantBody)
			}
		})
	}
}

func TestGroupFilterWithoutLookupDenies(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.NewVerifier(t)})
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!group=team"}})
	status, h, _ := get(t, url+"/servers/bob/", http.Header{"Authorization": {"Bearer " + tok.Raw}})
	if status != http.StatusForbidden {
		t.Fatalf("status: got %d, want 403", status)
	}
	authtest.CheckChallenge(t, h.Get("WWW-Authenticate"), "insufficient_scope",
		"access:servers!server=bob/")
}

func TestStaleRevocationListIsUnavailable(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.Verifier})
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}, TTL: time.Hour})
	f.Advance(2 * time.Minute) // past the mirror's one-minute staleness limit
	status, h, body := get(t, url+"/servers/alice/",
		http.Header{"Authorization": {"Bearer " + tok.Raw}})
	if status != http.StatusServiceUnavailable {
		t.Fatalf("status: got %d (%s), want 503", status, body)
	}
	if got := h.Get("Retry-After"); got != "5" {
		t.Errorf("Retry-After: got %q, want 5", got)
	}
	if !strings.Contains(body, `"error":"temporarily_unavailable"`) {
		t.Errorf("body: got %s, want error temporarily_unavailable", body)
	}
}

func TestUnfilteredRequirement(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.Verifier,
		Authorizer: httpauth.RequireScope("read:users", nil)})
	filtered := f.Mint(t, token.Request{Scopes: []string{"read:users!user=alice"}})
	unfiltered := f.Mint(t, token.Request{Scopes: []string{"read:users"}})
	for _, c := range []struct {
		name string
		raw  string
		want int
	}{{"filtered is not enough", filtered.Raw, 403}, {"unfiltered", unfiltered.Raw, 200}} {
		t.Run(c.name, func(t *testing.T) {
			status, h, _ := get(t, url+"/servers/alice/",
				http.Header{"Authorization": {"Bearer " + c.raw}})
			if status != c.want {
				t.Fatalf("status: got %d, want %d", status, c.want)
			}
			if status == 403 {
				authtest.CheckChallenge(t, h.Get("WWW-Authenticate"), "insufficient_scope",
					"read:users")
			}
		})
	}
}

func TestChallengeQuotesSafely(t *testing.T) {
	f := authtest.NewFixture(t)
	url := serve(t, httpauth.Options{Verifier: f.Verifier})
	tok := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	// The bob"x server name ends up in the scope attribute of the challenge.
	status, h, _ := get(t, url+`/servers/bob%22x/`, http.Header{"Authorization": {"Bearer " + tok.Raw}})
	if status != http.StatusForbidden {
		t.Fatalf("status: got %d, want 403", status)
	}
	authtest.CheckChallenge(t, h.Get("WWW-Authenticate"), "insufficient_scope",
		"access:servers!server=bob?x/")
}
