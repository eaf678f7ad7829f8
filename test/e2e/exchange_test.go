package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/internal/servetest"
	"github.com/hubjwt/hubjwt/token"
)

const (
	formType         = "application/x-www-form-urlencoded"
	grantExchange    = "urn:ietf:params:oauth:grant-type:token-exchange"
	tokenTypeAccess  = "urn:ietf:params:oauth:token-type:access_token"
	confidentialID   = "notebook-service"
	confidentialKey  = "s3cret-for-tests"
	browserOrigin    = "http://127.0.0.1:9"
	browserClientID  = "jupyterlab"
	exchangeCacheTTL = "1m"
)

// exchangeHub is the hub of the exchange tests: alice leads team, which bob
// is in, until the role is taken away.
func exchangeHub(leads ...string) jhtest.Config {
	return jhtest.Config{
		Users:  []string{"alice", "bob"},
		Groups: map[string][]string{"team": {"bob"}},
		Roles: []jhtest.Role{{Name: "team-lead",
			Scopes: []string{"read:users!group=team", "access:servers!user=bob"},
			Users:  leads}},
	}
}

type exchangeResponse struct {
	AccessToken     string `json:"access_token"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in"`
	Scope           string `json:"scope"`
	IssuedTokenType string `json:"issued_token_type"`
	RefreshToken    string `json:"refresh_token"`
	Error           string `json:"error"`
	Description     string `json:"error_description"`
}

// postToken sends a form to /oauth2/token and decodes the JSON response.
func postToken(t *testing.T, p *servetest.Process, auth string, form url.Values) (int,
	http.Header, exchangeResponse) {
	t.Helper()
	status, h, body := call(t, "POST", p.URL+"/oauth2/token", formType, auth, form.Encode())
	var r exchangeResponse
	if err := json.Unmarshal(body, &r); err != nil {
		t.Fatalf("POST /oauth2/token: got %d with a body that is not JSON: %s", status, body)
	}
	return status, h, r
}

func exchangeForm(subject, scope string, extra ...string) url.Values {
	f := url.Values{"grant_type": {grantExchange}, "subject_token": {subject},
		"subject_token_type": {tokenTypeAccess}, "client_id": {"jupyterhub"}}
	if scope != "" {
		f.Set("scope", scope)
	}
	for i := 0; i+1 < len(extra); i += 2 {
		f.Add(extra[i], extra[i+1])
	}
	return f
}

func refreshForm(rt string) url.Values {
	return url.Values{"grant_type": {"refresh_token"}, "refresh_token": {rt},
		"client_id": {"jupyterhub"}}
}

// mustToken posts form and fails the test unless the status is 200.
func mustToken(t *testing.T, p *servetest.Process, form url.Values) exchangeResponse {
	t.Helper()
	status, h, r := postToken(t, p, "", form)
	if status != http.StatusOK {
		t.Fatalf("POST /oauth2/token: got %d %s: %s, want 200", status, r.Error, r.Description)
	}
	if h.Get("Cache-Control") != "no-store" {
		t.Errorf("Cache-Control: got %q, want no-store", h.Get("Cache-Control"))
	}
	return r
}

// startExchangeServer writes a config file with the test clients and starts
// hubjwt serve against hub.
func startExchangeServer(t *testing.T, hub *jhtest.Hub, env ...string) *servetest.Process {
	t.Helper()
	dir := t.TempDir()
	secret := filepath.Join(dir, "client-secret")
	if err := os.WriteFile(secret, []byte(confidentialKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := fmt.Sprintf(`clients:
  - id: jupyterhub
    type: public
  - id: %s
    type: public
    origins: [%q]
  - id: %s
    type: confidential
    secret_file: %s
`, browserClientID, browserOrigin, confidentialID, secret)
	path := filepath.Join(dir, "hubjwt.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return servetest.Start(t, servetest.Options{
		Args: []string{"--config", path},
		Env: append([]string{
			"HUBJWT_JUPYTERHUB_API_URL=" + hub.APIURL(),
			"HUBJWT_JUPYTERHUB_API_TOKEN=" + hub.ServiceToken,
			"HUBJWT_JUPYTERHUB_TOKEN_CACHE_TTL=" + exchangeCacheTTL,
			"HUBJWT_SCOPES_JUPYTERHUB_VERSION=3.0",
			// The refresh after the role change must see the hub's new response.
			"HUBJWT_INHERIT_CACHE_TTL=10ms",
		}, env...),
	})
}

// verifyOffline verifies tok with the server's published keys and returns
// its claims.
func verifyOffline(t *testing.T, p *servetest.Process, tok string) *token.Claims {
	t.Helper()
	keys, err := token.NewRemoteKeys(context.Background(), p.URL+"/.well-known/jwks.json",
		token.RemoteOptions{})
	if err != nil {
		t.Fatalf("NewRemoteKeys: %v", err)
	}
	v, err := token.NewVerifier(token.VerifierConfig{Issuer: p.URL, Audience: "jupyterhub"}, keys)
	if err != nil {
		t.Fatalf("NewVerifier: %v", err)
	}
	claims, err := v.Verify(context.Background(), tok)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return claims
}

func hasScopes(t *testing.T, what, scope string, want, notWant []string) {
	t.Helper()
	got := strings.Fields(scope)
	for _, s := range want {
		if !slices.Contains(got, s) {
			t.Errorf("%s: scope %q lacks %s", what, scope, s)
		}
	}
	for _, s := range notWant {
		if slices.Contains(got, s) {
			t.Errorf("%s: scope %q contains %s, want it gone", what, scope, s)
		}
	}
}

var leadScopes = []string{"read:users!group=team", "access:servers!user=bob"}

// TestExchangeWithRealHub exchanges a JupyterHub 3.0 API token, verifies the
// JWT offline, refreshes it, and refreshes again after the hub took a role
// away from the token's owner.
func TestExchangeWithRealHub(t *testing.T) {
	hub := jhtest.Start(t, exchangeHub("alice"))
	p := startExchangeServer(t, hub)
	alice := hub.UserToken("alice")

	first := mustToken(t, p, exchangeForm(alice, "offline_access"))
	if first.IssuedTokenType != tokenTypeAccess || first.TokenType != "Bearer" {
		t.Errorf("got issued_token_type %q token_type %q, want %s Bearer",
			first.IssuedTokenType, first.TokenType, tokenTypeAccess)
	}
	if first.RefreshToken == "" {
		t.Fatal("got no refresh_token for offline_access")
	}
	hasScopes(t, "exchange", first.Scope, append(leadScopes, "read:users!user=alice"),
		[]string{"offline_access", "inherit"})
	claims := verifyOffline(t, p, first.AccessToken)
	if claims.Subject != "alice" || claims.Kind != "user" || claims.ClientID != "jupyterhub" {
		t.Errorf("got sub %q kind %q client_id %q, want alice user jupyterhub", claims.Subject,
			claims.Kind, claims.ClientID)
	}
	if claims.Scope != first.Scope {
		t.Errorf("got JWT scope %q, want the response's %q", claims.Scope, first.Scope)
	}

	t.Run("requested scope is intersected", func(t *testing.T) {
		r := mustToken(t, p, exchangeForm(alice, "read:users!user=alice"))
		hasScopes(t, "narrow exchange", r.Scope, []string{"read:users!user=alice"}, leadScopes)
		if r.RefreshToken != "" {
			t.Error("got a refresh_token without offline_access or refresh.enabled")
		}
	})
	t.Run("server audience", func(t *testing.T) {
		r := mustToken(t, p, exchangeForm(alice, "", "audience", "jupyterhub-user-bob"))
		if c := verifyAudience(t, r.AccessToken); !slices.Equal(c, []string{"jupyterhub-user-bob"}) {
			t.Errorf("got aud %v, want [jupyterhub-user-bob]", c)
		}
	})

	refreshed := mustToken(t, p, refreshForm(first.RefreshToken))
	if refreshed.RefreshToken == "" || refreshed.RefreshToken == first.RefreshToken {
		t.Fatal("refresh: got no new refresh_token, want a rotated one")
	}
	hasScopes(t, "refresh", refreshed.Scope, leadScopes, nil)
	verifyOffline(t, p, refreshed.AccessToken)

	hub.Stop(t)
	t.Run("cached hub answer while the hub is down", func(t *testing.T) {
		r := mustToken(t, p, exchangeForm(alice, ""))
		hasScopes(t, "cached exchange", r.Scope, leadScopes, nil)
	})
	t.Run("uncached token while the hub is down", func(t *testing.T) {
		status, h, r := postToken(t, p, "", exchangeForm(hub.UserToken("bob"), ""))
		if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
			t.Errorf("got %d %s with Retry-After %q, want 503 with Retry-After", status, r.Error,
				h.Get("Retry-After"))
		}
	})
	t.Run("refresh while the hub is down keeps the token", func(t *testing.T) {
		status, _, r := postToken(t, p, "", refreshForm(refreshed.RefreshToken))
		if status != http.StatusServiceUnavailable || r.Error != "temporarily_unavailable" {
			t.Errorf("got %d %s, want 503 temporarily_unavailable", status, r.Error)
		}
	})

	hub.Restart(t, exchangeHub())
	after := mustToken(t, p, refreshForm(refreshed.RefreshToken))
	hasScopes(t, "refresh after the role was removed", after.Scope,
		[]string{"read:users!user=alice"}, leadScopes)
	if c := verifyOffline(t, p, after.AccessToken); c.Scope != after.Scope {
		t.Errorf("got JWT scope %q, want %q", c.Scope, after.Scope)
	}
}

// verifyAudience returns the aud claim of a JWT without verifying it; the
// signature is checked elsewhere.
func verifyAudience(t *testing.T, jwt string) []string {
	t.Helper()
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		t.Fatalf("got %d JWS parts, want 3", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	var c struct {
		Aud []string `json:"aud"`
	}
	if err := json.Unmarshal(payload, &c); err != nil {
		t.Fatal(err)
	}
	return c.Aud
}

// TestTokenEndpoint runs the token endpoint cases that leave the hub as it
// is against one hub, because a hub takes seconds to start.
func TestTokenEndpoint(t *testing.T) {
	hub := jhtest.Start(t, exchangeHub("alice"))
	p := startExchangeServer(t, hub, "HUBJWT_HTTP_MAX_BODY_BYTES=4096")
	t.Run("bad requests", func(t *testing.T) { testBadRequests(t, hub, p) })
	t.Run("CORS", func(t *testing.T) { testCORS(t, hub, p) })
	t.Run("refresh rotation", func(t *testing.T) { testRefreshRotation(t, hub, p) })
	t.Run("reuse without grace", func(t *testing.T) { testReuseWithoutGrace(t, hub) })
	t.Run("forged token revokes nothing", func(t *testing.T) { testForgedFamilyRevoke(t, hub, p) })
	t.Run("revocation bound to the client", func(t *testing.T) { testRevokeBoundToClient(t, hub, p) })
	// Last, because it revokes every token alice holds.
	t.Run("subject revocation ends refresh", func(t *testing.T) { testSubjectEndsRefresh(t, hub, p) })
	p.Stop()
	if strings.Contains(p.Logs(), hub.UserToken("alice")) ||
		strings.Contains(p.Logs(), confidentialKey) {
		t.Error("the log contains a hub token or a client secret")
	}
}

// testBadRequests checks each malformed token request against its RFC 6749
// or RFC 8693 error code.
func testBadRequests(t *testing.T, hub *jhtest.Hub, p *servetest.Process) {
	alice := hub.UserToken("alice")
	basic := func(id, secret string) string {
		return "Basic " + base64.StdEncoding.EncodeToString([]byte(id+":"+secret))
	}
	valid := exchangeForm(alice, "").Encode()
	cases := []struct {
		name        string
		contentType string
		auth        string
		body        string
		status      int
		code        string
		mention     string
	}{
		{"missing grant_type", formType, "", "client_id=jupyterhub", 400, "invalid_request", "grant_type"},
		{"unsupported grant", formType, "", "client_id=jupyterhub&grant_type=password", 400, "unsupported_grant_type", "password"},
		{"client_credentials grant", formType, "", "client_id=jupyterhub&grant_type=client_credentials", 400, "unsupported_grant_type", "client_credentials"},
		{"missing subject_token", formType, "", "client_id=jupyterhub&grant_type=" + url.QueryEscape(grantExchange) + "&subject_token_type=" + url.QueryEscape(tokenTypeAccess), 400, "invalid_request", "subject_token"},
		{"wrong token type", formType, "", exchangeForm(alice, "", "subject_token_type", "urn:ietf:params:oauth:token-type:id_token").Encode(), 400, "invalid_request", "subject_token_type"},
		{"missing token type", formType, "", strings.Replace(valid, "subject_token_type=", "x=", 1), 400, "invalid_request", "subject_token_type"},
		{"actor token", formType, "", exchangeForm(alice, "", "actor_token", "x", "actor_token_type", tokenTypeAccess).Encode(), 400, "invalid_request", "actor_token"},
		{"resource", formType, "", exchangeForm(alice, "", "resource", "http://127.0.0.1:1/").Encode(), 400, "invalid_target", "resource"},
		{"scope the hub token lacks", formType, "", exchangeForm(alice, "admin:users").Encode(), 400, "invalid_scope", "admin:users"},
		{"unknown scope", formType, "", exchangeForm(alice, "no-such-scope").Encode(), 400, "invalid_scope", "no-such-scope"},
		{"audience not opened", formType, "", exchangeForm(alice, "", "audience", "jupyterhub-user-carol").Encode(), 400, "invalid_target", "jupyterhub-user-carol"},
		{"audience unknown", formType, "", exchangeForm(alice, "", "audience", "https://elsewhere").Encode(), 400, "invalid_target", "elsewhere"},
		{"invalid hub token", formType, "", exchangeForm("not-a-hub-token", "").Encode(), 400, "invalid_grant", "hub rejected"},
		{"missing client_id", formType, "", strings.Replace(valid, "client_id=jupyterhub", "x=y", 1), 400, "invalid_request", "client_id"},
		{"unknown client", formType, "", strings.Replace(valid, "client_id=jupyterhub", "client_id=nobody", 1), 401, "invalid_client", "nobody"},
		{"confidential client without secret", formType, "", strings.Replace(valid, "client_id=jupyterhub", "client_id="+confidentialID, 1), 401, "invalid_client", "Basic"},
		{"bad client secret", formType, basic(confidentialID, "wrong"), strings.Replace(valid, "client_id=jupyterhub&", "", 1), 401, "invalid_client", "authentication failed"},
		{"client_secret in body", formType, "", valid + "&client_secret=x", 401, "invalid_client", "client_secret_basic"},
		{"bearer instead of basic", formType, "Bearer x", valid, 401, "invalid_client", "Basic"},
		{"parameter twice", formType, "", valid + "&grant_type=refresh_token", 400, "invalid_request", "grant_type"},
		{"JSON body", "application/json", "", `{"grant_type":"refresh_token"}`, 400, "invalid_request", "x-www-form-urlencoded"},
		{"no content type", "", "", valid, 400, "invalid_request", "x-www-form-urlencoded"},
		{"oversized body", formType, "", valid + "&pad=" + strings.Repeat("a", 5000), 413, "request_too_large", "max_body_bytes"},
		{"missing refresh_token", formType, "", "client_id=jupyterhub&grant_type=refresh_token", 400, "invalid_request", "refresh_token"},
		{"malformed refresh_token", formType, "", refreshForm("abc").Encode(), 400, "invalid_grant", "malformed"},
		{"unknown refresh_token", formType, "", refreshForm(strings.Repeat("A", 64)).Encode(), 400, "invalid_grant", "not found"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := call(t, "POST", p.URL+"/oauth2/token", tc.contentType, tc.auth, tc.body)
			if status != tc.status {
				t.Fatalf("status: got %d %s, want %d", status, body, tc.status)
			}
			var e exchangeResponse
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("body is not JSON: %s", body)
			}
			if e.Error != tc.code {
				t.Errorf("error: got %q, want %q", e.Error, tc.code)
			}
			if !strings.Contains(e.Description, tc.mention) {
				t.Errorf("error_description %q does not mention %q", e.Description, tc.mention)
			}
			if status == http.StatusUnauthorized && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Basic") {
				t.Errorf("401 without a Basic challenge: %q", h.Get("WWW-Authenticate"))
			}
			if e.AccessToken != "" {
				t.Error("an error response carries an access_token")
			}
		})
	}

	t.Run("confidential client with basic", func(t *testing.T) {
		status, _, r := postToken(t, p, basic(confidentialID, confidentialKey),
			url.Values{"grant_type": {grantExchange}, "subject_token": {alice},
				"subject_token_type": {tokenTypeAccess}})
		if status != http.StatusOK {
			t.Fatalf("got %d %s: %s, want 200", status, r.Error, r.Description)
		}
		if c := verifyOffline(t, p, r.AccessToken); c.ClientID != confidentialID {
			t.Errorf("got client_id %q, want %q", c.ClientID, confidentialID)
		}
	})
	t.Run("refresh by another client", func(t *testing.T) {
		r := mustToken(t, p, exchangeForm(alice, "offline_access"))
		form := refreshForm(r.RefreshToken)
		form.Set("client_id", browserClientID)
		status, _, e := postToken(t, p, "", form)
		if status != http.StatusBadRequest || e.Error != "invalid_grant" {
			t.Errorf("got %d %s, want 400 invalid_grant", status, e.Error)
		}
		mustToken(t, p, refreshForm(r.RefreshToken))
	})
	t.Run("refresh with a wider scope", func(t *testing.T) {
		r := mustToken(t, p, exchangeForm(alice, "read:users!user=alice offline_access"))
		form := refreshForm(r.RefreshToken)
		form.Set("scope", "read:users!group=team")
		status, _, e := postToken(t, p, "", form)
		if status != http.StatusBadRequest || e.Error != "invalid_scope" {
			t.Errorf("got %d %s, want 400 invalid_scope", status, e.Error)
		}
	})
}

// testCORS checks that only registered origins get CORS headers, on the
// preflight and on the request.
func testCORS(t *testing.T, hub *jhtest.Hub, p *servetest.Process) {
	cases := []struct {
		name, method, origin, wantAllow string
	}{
		{"preflight from a registered origin", "OPTIONS", browserOrigin, browserOrigin},
		{"preflight from another origin", "OPTIONS", "http://127.0.0.1:8", ""},
		{"request from a registered origin", "POST", browserOrigin, browserOrigin},
		{"request from another origin", "POST", "http://127.0.0.1:8", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequest(tc.method, p.URL+"/oauth2/token",
				strings.NewReader(exchangeForm(hub.UserToken("alice"), "").Encode()))
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Origin", tc.origin)
			req.Header.Set("Content-Type", formType)
			req.Header.Set("Access-Control-Request-Method", "POST")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Access-Control-Allow-Origin"); got != tc.wantAllow {
				t.Errorf("Access-Control-Allow-Origin: got %q, want %q", got, tc.wantAllow)
			}
			if tc.method == "OPTIONS" && resp.StatusCode != http.StatusNoContent {
				t.Errorf("preflight: got %d, want 204", resp.StatusCode)
			}
			if tc.method == "POST" && resp.StatusCode != http.StatusOK {
				t.Errorf("request: got %d, want 200", resp.StatusCode)
			}
		})
	}
}

// testRefreshRotation covers reuse detection, the grace window and
// concurrent refreshes through the HTTP API.
func testRefreshRotation(t *testing.T, hub *jhtest.Hub, p *servetest.Process) {
	alice := hub.UserToken("alice")
	start := func(t *testing.T) string {
		t.Helper()
		return mustToken(t, p, exchangeForm(alice, "offline_access")).RefreshToken
	}

	t.Run("previous token within the grace window", func(t *testing.T) {
		rt0 := start(t)
		rt1 := mustToken(t, p, refreshForm(rt0)).RefreshToken
		again := mustToken(t, p, refreshForm(rt0))
		if again.RefreshToken != rt1 {
			t.Errorf("retry within the grace window: got a different refresh_token, want the same successor")
		}
		mustToken(t, p, refreshForm(rt1))
	})
	t.Run("older token within the grace window", func(t *testing.T) {
		rt0 := start(t)
		rt1 := mustToken(t, p, refreshForm(rt0)).RefreshToken
		rt2 := mustToken(t, p, refreshForm(rt1)).RefreshToken
		status, _, e := postToken(t, p, "", refreshForm(rt0))
		if status != http.StatusBadRequest || e.Error != "invalid_grant" {
			t.Fatalf("older token: got %d %s, want 400 invalid_grant", status, e.Error)
		}
		status, _, e = postToken(t, p, "", refreshForm(rt2))
		if status != http.StatusBadRequest || !strings.Contains(e.Description, "revoked") {
			t.Errorf("current token after reuse: got %d %s %q, want 400 naming the revocation",
				status, e.Error, e.Description)
		}
		if !p.WaitForLog("suspected refresh token replay") {
			t.Error("the log lacks the suspected replay warning")
		}
	})
	t.Run("revoked at the revocation endpoint", func(t *testing.T) {
		rt := start(t)
		status, _, body := call(t, "POST", p.URL+"/oauth2/revoke", formType, "",
			url.Values{"token": {rt}, "token_type_hint": {"refresh_token"}}.Encode())
		if status != http.StatusOK {
			t.Fatalf("POST /oauth2/revoke: got %d %s, want 200", status, body)
		}
		status, _, e := postToken(t, p, "", refreshForm(rt))
		if status != http.StatusBadRequest || !strings.Contains(e.Description, "revoked") {
			t.Errorf("refresh after revocation: got %d %s %q, want 400 naming the revocation",
				status, e.Error, e.Description)
		}
	})
	t.Run("10 concurrent refreshes with one token", func(t *testing.T) {
		rt0 := start(t)
		const n = 10
		var wg sync.WaitGroup
		got := make([]exchangeResponse, n)
		statuses := make([]int, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				statuses[i], _, got[i] = postToken(t, p, "", refreshForm(rt0))
			}()
		}
		wg.Wait()
		for i := range n {
			if statuses[i] != http.StatusOK {
				t.Fatalf("refresh %d: got %d %s: %s, want 200", i, statuses[i], got[i].Error,
					got[i].Description)
			}
			if got[i].RefreshToken != got[0].RefreshToken {
				t.Errorf("refresh %d: got a second successor, want one successor for all", i)
			}
		}
		mustToken(t, p, refreshForm(got[0].RefreshToken))
	})
}

// testReuseWithoutGrace checks that without a grace window the previous
// token revokes the family at once.
func testReuseWithoutGrace(t *testing.T, hub *jhtest.Hub) {
	p := startExchangeServer(t, hub, "HUBJWT_REFRESH_REUSE_GRACE=0s", "HUBJWT_REFRESH_ENABLED=true")
	first := mustToken(t, p, exchangeForm(hub.UserToken("alice"), ""))
	if first.RefreshToken == "" {
		t.Fatal("got no refresh_token with refresh.enabled")
	}
	next := mustToken(t, p, refreshForm(first.RefreshToken))
	status, _, e := postToken(t, p, "", refreshForm(first.RefreshToken))
	if status != http.StatusBadRequest || e.Error != "invalid_grant" {
		t.Fatalf("reuse: got %d %s, want 400 invalid_grant", status, e.Error)
	}
	status, _, e = postToken(t, p, "", refreshForm(next.RefreshToken))
	if status != http.StatusBadRequest || e.Error != "invalid_grant" {
		t.Errorf("successor after reuse: got %d %s, want 400 invalid_grant", status, e.Error)
	}
}

// testForgedFamilyRevoke checks that a made-up refresh token with a real
// family id, as a log line shows it, cannot revoke that family.
func testForgedFamilyRevoke(t *testing.T, hub *jhtest.Hub, p *servetest.Process) {
	rt := mustToken(t, p, exchangeForm(hub.UserToken("alice"), "offline_access")).RefreshToken
	forged := rt[:22] + base64.RawURLEncoding.EncodeToString(make([]byte, 32))
	status, _, body := call(t, "POST", p.URL+"/oauth2/revoke", formType, "",
		url.Values{"token": {forged}, "token_type_hint": {"refresh_token"}}.Encode())
	if status != http.StatusOK {
		t.Fatalf("POST /oauth2/revoke with a forged token: got %d %s, want 200", status, body)
	}
	mustToken(t, p, refreshForm(rt))
}

// testSubjectEndsRefresh checks that revoking a subject also ends the refresh
// token families that subject already holds.
func testSubjectEndsRefresh(t *testing.T, hub *jhtest.Hub, p *servetest.Process) {
	rt := mustToken(t, p, exchangeForm(hub.UserToken("alice"), "offline_access")).RefreshToken
	status, _, body := call(t, "POST", p.URL+"/v1/revocations", "application/json",
		"Bearer "+p.AdminToken(), `{"subject":"alice","kind":"user"}`)
	if status != http.StatusOK {
		t.Fatalf("revoke alice: got %d %s", status, body)
	}
	status, _, e := postToken(t, p, "", refreshForm(rt))
	if status != http.StatusBadRequest || e.Error != "invalid_grant" {
		t.Errorf("refresh after the subject revocation: got %d %s %q, want 400 invalid_grant",
			status, e.Error, e.Description)
	}
}

// testRevokeBoundToClient checks RFC 7009 section 2.1: a client that
// identifies itself may revoke only refresh tokens issued to it.
func testRevokeBoundToClient(t *testing.T, hub *jhtest.Hub, p *servetest.Process) {
	rt := mustToken(t, p, exchangeForm(hub.UserToken("alice"), "offline_access")).RefreshToken
	form := url.Values{"token": {rt}, "client_id": {browserClientID}}.Encode()
	status, _, body := call(t, "POST", p.URL+"/oauth2/revoke", formType, "", form)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "unauthorized_client") {
		t.Fatalf("revoke by another client: got %d %s, want 400 unauthorized_client", status, body)
	}
	mustToken(t, p, refreshForm(rt))
}
