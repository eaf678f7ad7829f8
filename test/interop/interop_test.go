package interop

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"

	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/internal/servetest"
)

const (
	python   = "/usr/bin/python3"
	node     = "/usr/bin/node"
	audience = "jupyterhub"
	clientID = "jupyterhub"
)

// tokens is the response of the token exchange the tests verify.
type tokens struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Scope        string `json:"scope"`
}

// requireTools fails the test with install instructions when a verifier's
// runtime or library is missing.
func requireTools(t *testing.T) {
	t.Helper()
	if err := exec.Command(python, "-c", "import jwt, cryptography").Run(); err != nil {
		t.Fatalf("%s cannot import jwt and cryptography: install them with "+
			"`apt-get install python3-jwt python3-cryptography` or run `make test-deps`", python)
	}
	if _, err := os.Stat(node); err != nil {
		t.Fatalf("%s not found: install Node.js 20 or later", node)
	}
	if _, err := os.Stat(filepath.Join("node_modules", "jose", "package.json")); err != nil {
		t.Fatal("the jose package is not installed: run `npm ci` in test/interop " +
			"or `make test-deps`")
	}
}

// exchange trades alice's hub token for an access and a refresh token.
func exchange(t *testing.T, p *servetest.Process, hubToken string) tokens {
	t.Helper()
	form := url.Values{
		"grant_type":         {"urn:ietf:params:oauth:grant-type:token-exchange"},
		"subject_token":      {hubToken},
		"subject_token_type": {"urn:ietf:params:oauth:token-type:access_token"},
		"client_id":          {clientID},
		"scope":              {"offline_access"},
	}
	resp, err := http.PostForm(p.URL+"/oauth2/token", form)
	if err != nil {
		t.Fatalf("POST /oauth2/token: %v", err)
	}
	defer resp.Body.Close()
	var out tokens
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatalf("decode token response: %v", err)
	}
	if resp.StatusCode != http.StatusOK || out.AccessToken == "" || out.RefreshToken == "" {
		t.Fatalf("token exchange: got %d with access token set %v, refresh token set %v; "+
			"want 200 with both", resp.StatusCode, out.AccessToken != "", out.RefreshToken != "")
	}
	return out
}

// run runs a verifier script and returns its stdout, stderr and whether it
// exited 0.
func run(t *testing.T, name string, args ...string) (string, string, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("run %s: %v", name, err)
		}
	}
	return stdout.String(), stderr.String(), err == nil
}

// tamper flips one character of the signature.
func tamper(jwt string) string {
	last := jwt[len(jwt)-2]
	repl := byte('A')
	if last == 'A' {
		repl = 'B'
	}
	return jwt[:len(jwt)-2] + string(repl) + jwt[len(jwt)-1:]
}

func TestVerifiersAgainstServe(t *testing.T) {
	requireTools(t)
	hub := jhtest.Start(t, jhtest.Config{Users: []string{"alice"}})
	p := servetest.Start(t, servetest.Options{Env: []string{
		"HUBJWT_JUPYTERHUB_API_URL=" + hub.APIURL(),
		"HUBJWT_JUPYTERHUB_API_TOKEN=" + hub.ServiceToken,
		"HUBJWT_SCOPES_JUPYTERHUB_VERSION=3.0",
	}})
	tok := exchange(t, p, hub.UserToken("alice"))

	t.Run("PyJWT PyJWKClient", func(t *testing.T) { testPyJWT(t, p, tok) })
	t.Run("jose createRemoteJWKSet", func(t *testing.T) { testJose(t, p, tok) })
	t.Run("go-oidc discovery", func(t *testing.T) { testGoOIDC(t, p, tok) })
}

func testPyJWT(t *testing.T, p *servetest.Process, tok tokens) {
	jwksURL := p.URL + "/.well-known/jwks.json"
	stdout, stderr, ok := run(t, python, "verify_pyjwt.py", jwksURL, p.URL, audience,
		tok.AccessToken)
	if !ok {
		t.Fatalf("PyJWT rejected the token: %s", stderr)
	}
	var claims map[string]any
	if err := json.Unmarshal([]byte(stdout), &claims); err != nil {
		t.Fatalf("PyJWT output is not JSON: %q", stdout)
	}
	want := map[string]any{"sub": "alice", "iss": p.URL, "typ": "at+jwt", "scope": tok.Scope,
		"kind": "user"}
	for k, v := range want {
		if claims[k] != v {
			t.Errorf("claim %s: got %v, want %v", k, claims[k], v)
		}
	}
	cases := []struct{ name, issuer, audience, token, mention string }{
		{"wrong audience", p.URL, "jupyterhub-user-bob", tok.AccessToken, "InvalidAudience"},
		{"wrong issuer", "http://127.0.0.1:1", audience, tok.AccessToken, "InvalidIssuer"},
		{"tampered signature", p.URL, audience, tamper(tok.AccessToken), "InvalidSignature"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, stderr, ok := run(t, python, "verify_pyjwt.py", jwksURL, tc.issuer, tc.audience,
				tc.token)
			if ok {
				t.Fatal("PyJWT accepted the token, want a rejection")
			}
			if !strings.Contains(stderr, tc.mention) {
				t.Errorf("PyJWT error %q does not mention %s", stderr, tc.mention)
			}
		})
	}
}

func testJose(t *testing.T, p *servetest.Process, tok tokens) {
	stdout, stderr, ok := run(t, node, "verify_jose.mjs", p.URL, audience, clientID,
		tok.AccessToken, tok.RefreshToken)
	if !ok {
		t.Fatalf("jose failed: %s", stderr)
	}
	var got struct {
		Sub            string `json:"sub"`
		Typ            string `json:"typ"`
		Scope          string `json:"scope"`
		RefreshedSub   string `json:"refreshed_sub"`
		RefreshedScope string `json:"refreshed_scope"`
		Rotated        bool   `json:"rotated"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("jose output is not JSON: %q", stdout)
	}
	if got.Sub != "alice" || got.Typ != "at+jwt" || got.Scope != tok.Scope {
		t.Errorf("got sub %q typ %q scope %q, want alice at+jwt %q", got.Sub, got.Typ,
			got.Scope, tok.Scope)
	}
	if got.RefreshedSub != "alice" || got.RefreshedScope != tok.Scope || !got.Rotated {
		t.Errorf("refresh: got sub %q scope %q rotated %v, want alice %q true",
			got.RefreshedSub, got.RefreshedScope, got.Rotated, tok.Scope)
	}
	// A wrong audience fails at the first jwtVerify, before any refresh.
	_, stderr, ok = run(t, node, "verify_jose.mjs", p.URL, "jupyterhub-user-bob", clientID,
		tok.AccessToken, tok.RefreshToken)
	if ok || !strings.Contains(stderr, "ERR_JWT_CLAIM_VALIDATION_FAILED") {
		t.Errorf("wrong audience: got success %v, stderr %q; want a claim validation error",
			ok, stderr)
	}
}

// testGoOIDC discovers the issuer from /.well-known/openid-configuration and
// verifies the access token with the IDTokenVerifier. go-oidc checks the
// signature against the discovered JWKS with the algorithms the discovery
// document lists, the iss claim, exp, and that aud contains ClientID. It
// does not check the typ header, which the test checks itself.
func testGoOIDC(t *testing.T, p *servetest.Process, tok tokens) {
	ctx := context.Background()
	provider, err := oidc.NewProvider(ctx, p.URL)
	if err != nil {
		t.Fatalf("NewProvider(%s): %v", p.URL, err)
	}
	verifier := provider.Verifier(&oidc.Config{ClientID: audience})
	idt, err := verifier.Verify(ctx, tok.AccessToken)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	if idt.Subject != "alice" || idt.Issuer != p.URL {
		t.Errorf("got sub %q iss %q, want alice %q", idt.Subject, idt.Issuer, p.URL)
	}
	var claims struct {
		Scope string `json:"scope"`
	}
	if err := idt.Claims(&claims); err != nil || claims.Scope != tok.Scope {
		t.Errorf("got scope %q (err %v), want %q", claims.Scope, err, tok.Scope)
	}
	if typ := headerType(t, tok.AccessToken); typ != "at+jwt" {
		t.Errorf("typ header: got %q, want at+jwt", typ)
	}

	other := provider.Verifier(&oidc.Config{ClientID: "jupyterhub-user-bob"})
	if _, err := other.Verify(ctx, tok.AccessToken); err == nil {
		t.Error("wrong audience: got nil error, want a rejection")
	}
	if _, err := verifier.Verify(ctx, tamper(tok.AccessToken)); err == nil {
		t.Error("tampered signature: got nil error, want a rejection")
	}
}

func headerType(t *testing.T, jwt string) string {
	t.Helper()
	head, _, _ := strings.Cut(jwt, ".")
	raw, err := base64.RawURLEncoding.DecodeString(head)
	if err != nil {
		t.Fatalf("decode JWS header: %v", err)
	}
	var h struct {
		Typ string `json:"typ"`
	}
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatalf("parse JWS header: %v", err)
	}
	return h.Typ
}
