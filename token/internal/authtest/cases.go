package authtest

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// RequiredScope is the scope the table's routes require on the server in
// their path.
const RequiredScope = "access:servers"

// ServerFromPath returns the server resource named by the path values user
// and server, for routes such as /servers/{user}/{server...}.
func ServerFromPath(r *http.Request) (scopes.Resource, error) {
	return scopes.ServerResource(r.PathValue("user"), r.PathValue("server"), nil), nil
}

// Case is one request of the middleware table and the response it must get.
type Case struct {
	Name   string
	Path   string
	Header http.Header
	// WantStatus is the status; 200 means the handler ran.
	WantStatus int
	// WantCode is the error attribute of the challenge; "" means none.
	WantCode string
	// WantScope is the scope attribute of the challenge; "" means none.
	WantScope string
	// WantUser is the subject the handler found in the context, for 200.
	WantUser string
}

func bearer(raw string) http.Header {
	return http.Header{"Authorization": {"Bearer " + raw}}
}

// Cases returns the table. Middleware under test must accept the `token`
// Authorization scheme, take the resource from ServerFromPath, require
// RequiredScope, use the fixture's verifier and realm, and respond 200 with
// the subject from token.ClaimsFromContext as the body.
func Cases(t testing.TB, f *Fixture) []Case {
	t.Helper()
	own := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	userWide := f.Mint(t, token.Request{Scopes: []string{"access:servers!user=alice"}})
	revoked := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"}})
	f.Revoke(revoked)
	otherAudience := f.Mint(t, token.Request{Scopes: []string{"access:servers!server=alice/"},
		Audience: []string{"jupyterhub-user-bob"}})
	noAccess := f.Mint(t, token.Request{Scopes: []string{"read:users!user=alice"}})
	group := f.Mint(t, token.Request{Scopes: []string{"access:servers!group=team"}})
	expired := f.MintExpired(t, "access:servers!server=alice/")
	return []Case{
		{Name: "no token", Path: "/servers/alice/", WantStatus: 401},
		{Name: "basic scheme counts as no token", Path: "/servers/alice/",
			Header: http.Header{"Authorization": {"Basic YWxpY2U6cHc="}}, WantStatus: 401},
		{Name: "malformed token", Path: "/servers/alice/", Header: bearer("not-a-jwt"),
			WantStatus: 401, WantCode: "invalid_token"},
		{Name: "empty bearer", Path: "/servers/alice/",
			Header: http.Header{"Authorization": {"Bearer "}}, WantStatus: 400,
			WantCode: "invalid_request"},
		{Name: "two authorization headers", Path: "/servers/alice/",
			Header:     http.Header{"Authorization": {"Bearer " + own.Raw, "Bearer " + own.Raw}},
			WantStatus: 400, WantCode: "invalid_request"},
		{Name: "expired", Path: "/servers/alice/", Header: bearer(expired.Raw),
			WantStatus: 401, WantCode: "invalid_token"},
		{Name: "revoked", Path: "/servers/alice/", Header: bearer(revoked.Raw),
			WantStatus: 401, WantCode: "invalid_token"},
		{Name: "wrong audience", Path: "/servers/alice/", Header: bearer(otherAudience.Raw),
			WantStatus: 401, WantCode: "invalid_token"},
		{Name: "missing scope", Path: "/servers/alice/", Header: bearer(noAccess.Raw),
			WantStatus: 403, WantCode: "insufficient_scope",
			WantScope: "access:servers!server=alice/"},
		{Name: "another user's server", Path: "/servers/bob/", Header: bearer(own.Raw),
			WantStatus: 403, WantCode: "insufficient_scope",
			WantScope: "access:servers!server=bob/"},
		{Name: "another server of the same user", Path: "/servers/alice/lab",
			Header: bearer(own.Raw), WantStatus: 403, WantCode: "insufficient_scope",
			WantScope: "access:servers!server=alice/lab"},
		{Name: "own server", Path: "/servers/alice/", Header: bearer(own.Raw),
			WantStatus: 200, WantUser: "alice"},
		{Name: "user filter opens every server of the user", Path: "/servers/alice/lab",
			Header: bearer(userWide.Raw), WantStatus: 200, WantUser: "alice"},
		{Name: "jupyterhub token scheme", Path: "/servers/alice/",
			Header:     http.Header{"Authorization": {"token " + own.Raw}},
			WantStatus: 200, WantUser: "alice"},
		{Name: "group filter grants a member's server", Path: "/servers/bob/",
			Header: bearer(group.Raw), WantStatus: 200, WantUser: "alice"},
		{Name: "group filter denies a non-member", Path: "/servers/dave/",
			Header: bearer(group.Raw), WantStatus: 403, WantCode: "insufficient_scope",
			WantScope: "access:servers!server=dave/"},
		{Name: "group filter denies a user the lookup lacks", Path: "/servers/erin/",
			Header: bearer(group.Raw), WantStatus: 403, WantCode: "insufficient_scope",
			WantScope: "access:servers!server=erin/"},
		{Name: "query token is off by default", Path: "/servers/alice/?token=" + own.Raw,
			WantStatus: 401},
	}
}

// Check sends c to baseURL and checks the status, the challenge and the body.
func Check(t *testing.T, baseURL string, c Case) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, baseURL+c.Path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range c.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", c.Path, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != c.WantStatus {
		t.Fatalf("status: got %d (%s), want %d", resp.StatusCode, body, c.WantStatus)
	}
	if c.WantStatus == http.StatusOK {
		if got := strings.TrimSpace(string(body)); got != c.WantUser {
			t.Errorf("user in context: got %q, want %q", got, c.WantUser)
		}
		return
	}
	CheckChallenge(t, resp.Header.Get("WWW-Authenticate"), c.WantCode, c.WantScope)
	if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type: got %q, want application/json", ct)
	}
}

// CheckChallenge checks a Bearer challenge: the realm, the error attribute
// (absent when wantCode is ""), error_description present exactly with an
// error, and the scope attribute.
func CheckChallenge(t *testing.T, header, wantCode, wantScope string) {
	t.Helper()
	attrs, ok := ParseChallenge(header)
	if !ok {
		t.Fatalf("WWW-Authenticate: got %q, want a Bearer challenge", header)
	}
	if attrs["realm"] != Realm {
		t.Errorf("realm: got %q, want %q", attrs["realm"], Realm)
	}
	if attrs["error"] != wantCode {
		t.Errorf("error: got %q, want %q (header %q)", attrs["error"], wantCode, header)
	}
	if _, has := attrs["error_description"]; has != (wantCode != "") {
		t.Errorf("error_description present: got %v, want %v (header %q)", has,
			wantCode != "", header)
	}
	if attrs["scope"] != wantScope {
		t.Errorf("scope: got %q, want %q", attrs["scope"], wantScope)
	}
}

// ParseChallenge parses `Bearer k="v", k="v"` into its attributes. Values must
// not contain a double quote, as RFC 6750 section 3 requires.
func ParseChallenge(h string) (map[string]string, bool) {
	rest, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		return nil, false
	}
	attrs := map[string]string{}
	for rest != "" {
		key, after, found := strings.Cut(rest, `="`)
		if !found {
			return nil, false
		}
		value, tail, found := strings.Cut(after, `"`)
		if !found {
			return nil, false
		}
		attrs[strings.TrimSpace(key)] = value
		rest = strings.TrimPrefix(strings.TrimSpace(tail), ",")
		rest = strings.TrimSpace(rest)
	}
	return attrs, true
}
