package e2e

import (
	"context"
	"crypto"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	jose "github.com/go-jose/go-jose/v4"
	josejwt "github.com/go-jose/go-jose/v4/jwt"
	"github.com/golang-jwt/jwt/v5"

	"github.com/hubjwt/hubjwt/internal/servetest"
	"github.com/hubjwt/hubjwt/token"
)

// fetchJWKS fetches the JWK Set over HTTP and parses it with go-jose.
func fetchJWKS(t *testing.T, p *servetest.Process) (jose.JSONWebKeySet, http.Header) {
	t.Helper()
	status, h, body := call(t, "GET", p.URL+"/.well-known/jwks.json", "", "", "")
	if status != http.StatusOK {
		t.Fatalf("GET jwks.json: got %d, want 200", status)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		t.Fatalf("go-jose could not parse the JWK Set: %v", err)
	}
	return set, h
}

func TestMintThenVerifyOffline(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	before := time.Now().Add(-time.Second).Unix()
	resp := mint(t, p, map[string]any{
		"subject": "alice", "kind": "user", "audience": []string{"jupyterhub"},
		"scopes":     []string{"read:users!user=alice", "access:servers!server=alice/"},
		"expires_in": 300,
	})
	if resp.TokenType != "Bearer" || resp.ExpiresIn != 300 {
		t.Errorf("token_type %q expires_in %d: want Bearer 300", resp.TokenType, resp.ExpiresIn)
	}
	for _, want := range []string{"read:users!user=alice", "access:servers!server=alice/"} {
		if !slices.Contains(strings.Fields(resp.Scope), want) {
			t.Errorf("scope %q lacks %q", resp.Scope, want)
		}
	}
	set, _ := fetchJWKS(t, p)

	t.Run("hubjwt Verifier with the remote JWKS", func(t *testing.T) {
		keys, err := token.NewRemoteKeys(context.Background(), p.URL+"/.well-known/jwks.json",
			token.RemoteOptions{})
		if err != nil {
			t.Fatalf("NewRemoteKeys: %v", err)
		}
		defer keys.Close()
		v, err := token.NewVerifier(token.VerifierConfig{Issuer: p.URL, Audience: "jupyterhub"}, keys)
		if err != nil {
			t.Fatal(err)
		}
		c, err := v.Verify(context.Background(), resp.AccessToken)
		if err != nil {
			t.Fatalf("Verify: %v", err)
		}
		if c.Subject != "alice" || c.Kind != "user" || c.Scope != resp.Scope {
			t.Errorf("claims: got sub %q kind %q scope %q", c.Subject, c.Kind, c.Scope)
		}
		other, err := token.NewVerifier(token.VerifierConfig{Issuer: p.URL,
			Audience: "jupyterhub-user-bob"}, keys)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := other.Verify(context.Background(), resp.AccessToken); !errors.Is(err, token.ErrAudience) {
			t.Errorf("bob's server accepted a hub token: got %v, want ErrAudience", err)
		}
	})

	t.Run("go-jose", func(t *testing.T) {
		jws, err := jose.ParseSignedCompact(resp.AccessToken,
			[]jose.SignatureAlgorithm{jose.ES256, jose.EdDSA, jose.RS256, jose.PS256})
		if err != nil {
			t.Fatalf("ParseSigned: %v", err)
		}
		hdr := jws.Signatures[0].Protected
		if typ := hdr.ExtraHeaders[jose.HeaderType]; typ != "at+jwt" {
			t.Errorf("typ: got %v, want at+jwt", typ)
		}
		keys := set.Key(hdr.KeyID)
		if len(keys) != 1 {
			t.Fatalf("kid %q: got %d keys in the JWK Set, want 1", hdr.KeyID, len(keys))
		}
		sum, err := keys[0].Thumbprint(crypto.SHA256)
		if err != nil {
			t.Fatal(err)
		}
		if want := base64.RawURLEncoding.EncodeToString(sum); hdr.KeyID != want {
			t.Errorf("kid: got %s, want the RFC 7638 thumbprint %s", hdr.KeyID, want)
		}
		if hdr.Algorithm != keys[0].Algorithm {
			t.Errorf("alg: header %s, JWK %s", hdr.Algorithm, keys[0].Algorithm)
		}
		payload, err := jws.Verify(keys[0])
		if err != nil {
			t.Fatalf("go-jose Verify: %v", err)
		}
		var c map[string]any
		if err := json.Unmarshal(payload, &c); err != nil {
			t.Fatal(err)
		}
		checkClaims(t, c, p.URL, resp.Scope, before)
		parsed, err := josejwt.ParseSigned(resp.AccessToken, []jose.SignatureAlgorithm{jose.ES256})
		if err != nil {
			t.Fatal(err)
		}
		var std josejwt.Claims
		if err := parsed.Claims(keys[0], &std); err != nil {
			t.Fatal(err)
		}
		if err := std.ValidateWithLeeway(josejwt.Expected{Issuer: p.URL,
			AnyAudience: josejwt.Audience{"jupyterhub"}, Time: time.Now()}, time.Second); err != nil {
			t.Errorf("go-jose jwt validation: %v", err)
		}
	})

	t.Run("golang-jwt", func(t *testing.T) {
		parsed, err := jwt.Parse(resp.AccessToken, func(tok *jwt.Token) (any, error) {
			kid, _ := tok.Header["kid"].(string)
			keys := set.Key(kid)
			if len(keys) != 1 {
				return nil, errors.New("unknown kid")
			}
			if tok.Header["typ"] != "at+jwt" {
				return nil, errors.New("typ is not at+jwt")
			}
			return keys[0].Key, nil
		}, jwt.WithValidMethods([]string{"ES256"}), jwt.WithIssuer(p.URL),
			jwt.WithAudience("jupyterhub"), jwt.WithExpirationRequired(), jwt.WithIssuedAt())
		if err != nil {
			t.Fatalf("golang-jwt Parse: %v", err)
		}
		checkClaims(t, map[string]any(parsed.Claims.(jwt.MapClaims)), p.URL, resp.Scope, before)
	})
}

// checkClaims checks every claim of a minted token, decoded by another library.
func checkClaims(t *testing.T, c map[string]any, issuer, scope string, notBefore int64) {
	t.Helper()
	if c["iss"] != issuer || c["sub"] != "alice" || c["kind"] != "user" {
		t.Errorf("iss/sub/kind: got %v %v %v", c["iss"], c["sub"], c["kind"])
	}
	aud, _ := c["aud"].([]any)
	if len(aud) != 1 || aud[0] != "jupyterhub" {
		t.Errorf("aud: got %v, want [jupyterhub]", c["aud"])
	}
	exp, _ := c["exp"].(float64)
	iat, _ := c["iat"].(float64)
	nbf, _ := c["nbf"].(float64)
	if exp-iat != 300 || nbf != iat || int64(iat) < notBefore || int64(iat) > time.Now().Unix()+1 {
		t.Errorf("times: exp %v iat %v nbf %v, want exp = iat + 300 = nbf + 300, iat now", exp, iat, nbf)
	}
	jti, _ := c["jti"].(string)
	if raw, err := base64.RawURLEncoding.DecodeString(jti); err != nil || len(raw) != 16 {
		t.Errorf("jti %q: want 128 bits base64url", jti)
	}
	if c["scope"] != scope {
		t.Errorf("scope: got %v, want %q", c["scope"], scope)
	}
	if c["client_id"] == "" || c["client_id"] == nil {
		t.Errorf("client_id missing")
	}
}

func TestRestartKeepsKeys(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	resp := mint(t, p, map[string]any{"subject": "alice", "scopes": []string{"read:users!user=alice"}})
	_, h := fetchJWKS(t, p)
	etag := h.Get("ETag")
	p.Restart()
	_, h2 := fetchJWKS(t, p)
	if got := h2.Get("ETag"); got != etag {
		t.Fatalf("ETag after restart: got %s, want %s", got, etag)
	}
	status, _, _ := call(t, "GET", p.URL+"/.well-known/jwks.json", "", "", "")
	if status != http.StatusOK {
		t.Fatalf("JWKS after restart: %d", status)
	}
	req, _ := http.NewRequest("GET", p.URL+"/.well-known/jwks.json", nil)
	req.Header.Set("If-None-Match", etag)
	r, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	r.Body.Close()
	if r.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match with the old ETag: got %d, want 304", r.StatusCode)
	}
	keys, err := token.NewRemoteKeys(context.Background(), p.URL+"/.well-known/jwks.json",
		token.RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	v, _ := token.NewVerifier(token.VerifierConfig{Issuer: p.URL, Audience: "jupyterhub"}, keys)
	if _, err := v.Verify(context.Background(), resp.AccessToken); err != nil {
		t.Fatalf("token minted before the restart: %v", err)
	}
}

func TestDataDirFileModes(t *testing.T) {
	p := servetest.Start(t, servetest.Options{DataDir: filepath.Join(t.TempDir(), "fresh")})
	for _, name := range []string{"hubjwt.db", "admin-token"} {
		fi, err := os.Stat(filepath.Join(p.DataDir, name))
		if err != nil {
			t.Fatalf("stat %s: %v", name, err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s mode: got %o, want 600", name, mode)
		}
	}
	admin := p.AdminToken()
	p.Stop() // flush the process output before reading it
	if strings.Contains(p.Logs(), admin) {
		t.Error("the log contains the admin token")
	}
}

func TestJWKSAndMetadataDocuments(t *testing.T) {
	p := servetest.Start(t, servetest.Options{Env: []string{"HUBJWT_JWKS_MAX_AGE=2m"}})
	_, h := fetchJWKS(t, p)
	if got := h.Get("Cache-Control"); got != "public, max-age=120" {
		t.Errorf("Cache-Control: got %q, want public, max-age=120", got)
	}
	if got := h.Get("Access-Control-Allow-Origin"); got != "*" {
		t.Errorf("CORS: got %q, want *", got)
	}
	if h.Get("ETag") == "" {
		t.Error("no ETag")
	}
	for _, path := range []string{"/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"} {
		status, _, body := call(t, "GET", p.URL+path, "", "", "")
		if status != http.StatusOK {
			t.Fatalf("%s: got %d", path, status)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatal(err)
		}
		for key, want := range map[string]string{
			"issuer": p.URL, "jwks_uri": p.URL + "/.well-known/jwks.json",
			"token_endpoint":         p.URL + "/oauth2/token",
			"introspection_endpoint": p.URL + "/oauth2/introspect",
			"revocation_endpoint":    p.URL + "/oauth2/revoke",
		} {
			if m[key] != want {
				t.Errorf("%s %s: got %v, want %s", path, key, m[key], want)
			}
		}
		if algs, _ := m["access_token_signing_alg_values_supported"].([]any); len(algs) == 0 || algs[0] != "ES256" {
			t.Errorf("%s algorithms: got %v, want ES256 first", path, algs)
		}
	}
}

func TestIntrospect(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	resp := mint(t, p, map[string]any{"subject": "grader", "kind": "service", "audience": []string{"service-grader"}})
	admin := "Bearer " + p.AdminToken()
	status, _, body := call(t, "POST", p.URL+"/oauth2/introspect", "application/x-www-form-urlencoded",
		admin, "token="+resp.AccessToken)
	var got map[string]any
	if err := json.Unmarshal(body, &got); err != nil || status != http.StatusOK {
		t.Fatalf("introspect: %d %s", status, body)
	}
	if got["active"] != true || got["sub"] != "grader" || got["kind"] != "service" || got["iss"] != p.URL {
		t.Errorf("introspection: got %v", got)
	}
	_, _, body = call(t, "POST", p.URL+"/oauth2/introspect", "application/x-www-form-urlencoded",
		admin, "token="+resp.AccessToken[:len(resp.AccessToken)-4]+"AAAA")
	if string(body) != `{"active":false}`+"\n" {
		t.Errorf("tampered token: got %s, want only active false", body)
	}
	status, _, _ = call(t, "POST", p.URL+"/oauth2/introspect", "application/x-www-form-urlencoded",
		"", "token="+resp.AccessToken)
	if status != http.StatusUnauthorized {
		t.Errorf("introspection without credentials: got %d, want 401", status)
	}
}

func TestCommandLineAgainstServer(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	resp := mint(t, p, map[string]any{"subject": "alice", "scopes": []string{"read:users!user=alice"}})
	bin := servetest.Binary(t)
	run := func(stdin string, args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = append(os.Environ(), "HUBJWT_DATA_DIR="+p.DataDir, "HUBJWT_LISTEN="+p.Addr)
		cmd.Stdin = strings.NewReader(stdin)
		var out, errb strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	jwksURL := p.URL + "/.well-known/jwks.json"
	out, _, code := run("", "verify", resp.AccessToken, "--jwks", jwksURL, "--issuer", p.URL,
		"--audience", "jupyterhub", "--require", "read:users", "--resource", "user=alice")
	if code != 0 || !strings.Contains(out, `"sub": "alice"`) {
		t.Errorf("verify: exit %d, output %q", code, out)
	}
	out, _, code = run(resp.AccessToken+"\n", "verify", "-", "--jwks", jwksURL, "--issuer", p.URL,
		"--audience", "jupyterhub")
	if code != 0 || !strings.Contains(out, `"iss": "`+p.URL+`"`) {
		t.Errorf("verify from stdin: exit %d", code)
	}
	for name, args := range map[string][]string{
		"wrong audience": {"--audience", "jupyterhub-user-bob"},
		"wrong issuer":   {"--issuer", "http://127.0.0.1:1", "--audience", "jupyterhub"},
		"scope denied":   {"--audience", "jupyterhub", "--require", "read:users", "--resource", "user=bob"},
	} {
		full := append([]string{"verify", resp.AccessToken, "--jwks", jwksURL, "--issuer", p.URL}, args...)
		out, stderr, code := run("", full...)
		lines := strings.Split(strings.TrimSpace(stderr), "\n")
		if code != 1 || out != "" || len(lines) != 1 || lines[0] == "" {
			t.Errorf("%s: exit %d, stdout %q, stderr %q; want exit 1 and one line", name, code, out, stderr)
		}
	}
	out, _, code = run("", "keys", "list", "--json")
	if code != 0 || !strings.Contains(out, `"state": "active"`) {
		t.Errorf("keys list through the admin API: exit %d, output %q", code, out)
	}
	out, stderr, code := run("", "mint", "--subject", "bob", "--scope", "read:users!user=bob")
	if code != 0 || strings.Count(strings.TrimSpace(out), ".") != 2 {
		t.Errorf("mint through the admin API: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}
