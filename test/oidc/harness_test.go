package oidc

import (
	"context"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/internal/servetest"
)

// Relying parties registered in the test configuration. Their redirect URIs
// are never served: the browser stops at the redirect to them.
const (
	publicClient   = "rp-public"
	secretClient   = "rp-secret"
	clientSecret   = "rp-secret-value-0123456789"
	publicRedirect = "http://127.0.0.1:9/callback"
	secretRedirect = "http://127.0.0.1:9/secret/callback"
)

// env is one hub and one hubjwt wired to each other.
type env struct {
	hub    *jhtest.Hub
	hubjwt *servetest.Process
}

// start runs a hub with the user alice in group team, and hubjwt as its
// OAuth client. The hub starts twice: the first start gives hubjwt the
// hub's ports, the second registers hubjwt's callback URL.
func start(t *testing.T, extraEnv ...string) *env {
	t.Helper()
	cfg := jhtest.Config{Users: []string{"alice", "bob"},
		Groups: map[string][]string{"team": {"alice"}},
		// JupyterHub lets a user sign in to a service only with
		// access:services on it.
		Roles: []jhtest.Role{{Name: "hubjwt-login", Scopes: []string{"access:services!service=hubjwt"},
			Users: []string{"alice", "bob"}}}}
	hub := jhtest.Start(t, cfg)
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "rp-secret")
	if err := os.WriteFile(secretFile, []byte(clientSecret), 0o600); err != nil {
		t.Fatal(err)
	}
	configFile := filepath.Join(dir, "hubjwt.yaml")
	yaml := fmt.Sprintf(`clients:
  - id: %s
    type: public
    redirect_uris: [%q]
  - id: %s
    type: confidential
    secret_file: %s
    redirect_uris: [%q]
`, publicClient, publicRedirect, secretClient, secretFile, secretRedirect)
	if err := os.WriteFile(configFile, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := servetest.Start(t, servetest.Options{
		Args: []string{"--config", configFile},
		Env: append([]string{
			"HUBJWT_JUPYTERHUB_API_URL=" + hub.APIURL(),
			"HUBJWT_JUPYTERHUB_API_TOKEN=" + hub.ServiceToken,
			"HUBJWT_OIDC_HUB_URL=" + hub.PublicURL(),
			"HUBJWT_REFRESH_ENABLED=false",
		}, extraEnv...),
	})
	cfg.OAuthRedirectURI = srv.URL + "/oauth2/callback"
	hub.Restart(t, cfg)
	return &env{hub: hub, hubjwt: srv}
}

// browser is an HTTP client that keeps cookies and stops at the first
// redirect to a relying party.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Port() == "9" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// signIn opens authURL, logs user in at the hub's login form and returns the
// URL hubjwt redirects to at the end: the relying party's redirect URI with
// code and state, or with an error.
func signIn(t *testing.T, b *http.Client, authURL, user string) *url.URL {
	t.Helper()
	resp, err := b.Get(authURL)
	if err != nil {
		t.Fatalf("GET %s: %v", authURL, err)
	}
	resp.Body.Close()
	if loc := rpRedirect(resp); loc != nil {
		return loc // already signed in, or an error sent back at once
	}
	if !strings.HasSuffix(resp.Request.URL.Path, "/hub/login") {
		t.Fatalf("after the authorization request: got %d at %s, want the hub's login page",
			resp.StatusCode, resp.Request.URL)
	}
	form := url.Values{"username": {user}, "password": {"any"}}
	resp, err = b.PostForm(resp.Request.URL.String(), form)
	if err != nil {
		t.Fatalf("POST the hub's login form: %v", err)
	}
	resp.Body.Close()
	loc := rpRedirect(resp)
	if loc == nil {
		t.Fatalf("after login: got %d at %s, want a redirect to the relying party",
			resp.StatusCode, resp.Request.URL)
	}
	return loc
}

// rpRedirect returns the Location of a redirect to a relying party, or nil.
func rpRedirect(resp *http.Response) *url.URL {
	if resp.StatusCode != http.StatusFound && resp.StatusCode != http.StatusSeeOther {
		return nil
	}
	loc, err := resp.Location()
	if err != nil || loc.Port() != "9" {
		return nil
	}
	return loc
}

func ctx(t *testing.T) context.Context { return t.Context() }
