package oidc

import (
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"

	"golang.org/x/oauth2"
)

// TestCallbackFromAnotherBrowser checks that a callback arriving without the
// cookie of the browser that started the sign-in gets an error page and that
// hubjwt then stops: it must not redeem the hub's code or issue its own.
func TestCallbackFromAnotherBrowser(t *testing.T) {
	e := start(t)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	// A browser that stops at the hub's redirect to hubjwt's callback.
	victim := &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/oauth2/callback" {
			return http.ErrUseLastResponse
		}
		return nil
	}}
	q := url.Values{"client_id": {publicClient}, "redirect_uri": {publicRedirect},
		"response_type": {"code"}, "scope": {"openid"}, "state": {"s"},
		"code_challenge":        {oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())},
		"code_challenge_method": {"S256"}}
	resp, err := victim.Get(e.hubjwt.URL + "/oauth2/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	resp, err = victim.PostForm(resp.Request.URL.String(),
		url.Values{"username": {"alice"}, "password": {"any"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	callback, err := resp.Location()
	if err != nil || callback.Path != "/oauth2/callback" {
		t.Fatalf("after the hub login: got %d %v, want a redirect to /oauth2/callback",
			resp.StatusCode, err)
	}

	other, err := http.Get(callback.String()) // no cookie
	if err != nil {
		t.Fatal(err)
	}
	other.Body.Close()
	if other.StatusCode != http.StatusBadRequest || other.Header.Get("Location") != "" {
		t.Errorf("callback without the cookie: got %d, Location %q; want 400 and no redirect",
			other.StatusCode, other.Header.Get("Location"))
	}
	e.hubjwt.Stop() // flush the process output before reading it
	if strings.Contains(e.hubjwt.Logs(), "authorization code issued") {
		t.Error("hubjwt issued a code for a callback it rejected")
	}
}
