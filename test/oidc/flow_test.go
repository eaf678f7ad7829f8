package oidc

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"golang.org/x/oauth2"
)

// TestGoOIDCFlow signs alice in with go-oidc and x/oauth2: discovery, PKCE,
// code exchange, ID token verification with nonce and at_hash, userinfo.
func TestGoOIDCFlow(t *testing.T) {
	e := start(t)
	provider, err := oidc.NewProvider(ctx(t), e.hubjwt.URL)
	if err != nil {
		t.Fatalf("discovery: %v", err)
	}
	conf := oauth2.Config{ClientID: publicClient, Endpoint: provider.Endpoint(),
		RedirectURL: publicRedirect, Scopes: []string{oidc.ScopeOpenID, "profile", "groups",
			"read:users:name!user=alice", "admin:users"}}
	verifier := oauth2.GenerateVerifier()
	state, nonce := "st&te with spaces=1", "n-0S6_WzA2Mj"
	authURL := conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oidc.Nonce(nonce))
	loc := signIn(t, browser(t), authURL, "alice")
	if got := loc.Query().Get("state"); got != state {
		t.Fatalf("state: got %q, want %q", got, state)
	}
	if got := loc.Query().Get("iss"); got != e.hubjwt.URL {
		t.Errorf("iss: got %q, want %q", got, e.hubjwt.URL)
	}
	code := loc.Query().Get("code")
	if code == "" {
		t.Fatalf("redirect: got %s, want a code", loc)
	}
	tok, err := conf.Exchange(ctx(t), code, oauth2.VerifierOption(verifier))
	if err != nil {
		t.Fatalf("code exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: publicClient}).Verify(ctx(t), raw)
	if err != nil {
		t.Fatalf("ID token: %v", err)
	}
	if idt.Nonce != nonce {
		t.Errorf("nonce: got %q, want %q", idt.Nonce, nonce)
	}
	if err := idt.VerifyAccessToken(tok.AccessToken); err != nil {
		t.Errorf("at_hash: %v", err)
	}
	var claims struct {
		Sub      string   `json:"sub"`
		Name     string   `json:"preferred_username"`
		Groups   []string `json:"groups"`
		AuthTime int64    `json:"auth_time"`
	}
	if err := idt.Claims(&claims); err != nil {
		t.Fatal(err)
	}
	if claims.Sub != "alice" || claims.Name != "alice" {
		t.Errorf("sub, preferred_username: got %q, %q, want alice, alice", claims.Sub, claims.Name)
	}
	if !slices.Equal(claims.Groups, []string{"team"}) {
		t.Errorf("groups: got %v, want [team]", claims.Groups)
	}
	if claims.AuthTime == 0 {
		t.Errorf("auth_time: got 0, want the sign-in time")
	}
	// alice lacks admin:users, so it is left out of the grant.
	scope, _ := tok.Extra("scope").(string)
	if !strings.Contains(scope, "read:users:name!user=alice") ||
		strings.Contains(scope, "admin:users") {
		t.Errorf("granted scope: got %q, want read:users:name!user=alice without admin:users",
			scope)
	}
	info, err := provider.UserInfo(ctx(t), oauth2.StaticTokenSource(tok))
	if err != nil {
		t.Fatalf("userinfo: %v", err)
	}
	if info.Subject != "alice" {
		t.Errorf("userinfo sub: got %q, want alice", info.Subject)
	}
	// The ID token is no access token.
	req, _ := http.NewRequest(http.MethodGet, e.hubjwt.URL+"/oauth2/userinfo", nil)
	req.Header.Set("Authorization", "Bearer "+raw)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("userinfo with the ID token: got %d, want 401", resp.StatusCode)
	}

	// A replay of the code fails and revokes the access token it issued.
	if _, err := conf.Exchange(ctx(t), code, oauth2.VerifierOption(verifier)); err == nil ||
		!strings.Contains(err.Error(), "invalid_grant") {
		t.Errorf("code replay: got %v, want invalid_grant", err)
	}
	// The server's revocation mirror syncs in the background, so the
	// revocation takes effect within its sync interval.
	deadline := time.Now().Add(10 * time.Second)
	for {
		_, err := provider.UserInfo(ctx(t), oauth2.StaticTokenSource(tok))
		if err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Errorf("userinfo after the replay: got success for 10s, want the token revoked")
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestNonceMismatchSeenByRP checks that the relying party detects an ID
// token whose nonce is not the one it sent.
func TestNonceMismatchSeenByRP(t *testing.T) {
	e := start(t)
	provider, err := oidc.NewProvider(ctx(t), e.hubjwt.URL)
	if err != nil {
		t.Fatal(err)
	}
	conf := oauth2.Config{ClientID: secretClient, ClientSecret: clientSecret,
		Endpoint: provider.Endpoint(), RedirectURL: secretRedirect,
		Scopes: []string{oidc.ScopeOpenID}}
	loc := signIn(t, browser(t), conf.AuthCodeURL("s", oidc.Nonce("sent-nonce")), "bob")
	tok, err := conf.Exchange(ctx(t), loc.Query().Get("code"))
	if err != nil {
		t.Fatalf("confidential client exchange: %v", err)
	}
	raw, _ := tok.Extra("id_token").(string)
	idt, err := provider.Verifier(&oidc.Config{ClientID: secretClient}).Verify(ctx(t), raw)
	if err != nil {
		t.Fatal(err)
	}
	if idt.Nonce == "another-nonce" || idt.Nonce != "sent-nonce" {
		t.Errorf("nonce: got %q, want sent-nonce, which an RP expecting another-nonce rejects",
			idt.Nonce)
	}
}

// TestBadAuthorization covers requests hubjwt rejects before or after the
// hub leg, against the running pair.
func TestBadAuthorization(t *testing.T) {
	e := start(t)
	challenge := oauth2.S256ChallengeFromVerifier(oauth2.GenerateVerifier())
	base := url.Values{"client_id": {publicClient}, "redirect_uri": {publicRedirect},
		"response_type": {"code"}, "scope": {"openid"}, "state": {"x y"},
		"code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	cases := []struct {
		name      string
		change    func(q url.Values)
		wantPage  bool   // an HTML error page, no redirect
		wantError string // the error sent to the redirect URI
	}{
		{"unknown client", func(q url.Values) { q.Set("client_id", "nobody") }, true, ""},
		{"redirect off by one character", func(q url.Values) {
			q.Set("redirect_uri", publicRedirect+"x")
		}, true, ""},
		{"plain challenge", func(q url.Values) {
			q.Set("code_challenge_method", "plain")
		}, false, "invalid_request"},
		{"missing challenge", func(q url.Values) {
			q.Del("code_challenge")
			q.Del("code_challenge_method")
		}, false, "invalid_request"},
		{"missing openid", func(q url.Values) { q.Set("scope", "profile") }, false,
			"invalid_scope"},
		{"token response type", func(q url.Values) { q.Set("response_type", "token") }, false,
			"unsupported_response_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			q := url.Values{}
			for k, v := range base {
				q[k] = slices.Clone(v)
			}
			tc.change(q)
			resp, err := browser(t).Get(e.hubjwt.URL + "/oauth2/authorize?" + q.Encode())
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if tc.wantPage {
				if resp.StatusCode != http.StatusBadRequest ||
					!strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") {
					t.Errorf("got %d %s, want 400 text/html", resp.StatusCode,
						resp.Header.Get("Content-Type"))
				}
				return
			}
			loc := rpRedirect(resp)
			if loc == nil {
				t.Fatalf("got %d, want a redirect to the relying party", resp.StatusCode)
			}
			if got := loc.Query().Get("error"); got != tc.wantError {
				t.Errorf("error: got %q, want %q", got, tc.wantError)
			}
			if got := loc.Query().Get("state"); got != "x y" {
				t.Errorf("state: got %q, want %q", got, "x y")
			}
		})
	}
}

// TestBadTokenRequests covers code redemptions hubjwt rejects.
func TestBadTokenRequests(t *testing.T) {
	e := start(t)
	provider, err := oidc.NewProvider(ctx(t), e.hubjwt.URL)
	if err != nil {
		t.Fatal(err)
	}
	public := oauth2.Config{ClientID: publicClient, Endpoint: provider.Endpoint(),
		RedirectURL: publicRedirect, Scopes: []string{oidc.ScopeOpenID}}
	b := browser(t)
	newCode := func(t *testing.T) (code, verifier string) {
		verifier = oauth2.GenerateVerifier()
		loc := signIn(t, b, public.AuthCodeURL("s", oauth2.S256ChallengeOption(verifier)), "alice")
		return loc.Query().Get("code"), verifier
	}
	basic := provider.Endpoint()
	basic.AuthStyle = oauth2.AuthStyleInHeader
	other := oauth2.Config{ClientID: secretClient, ClientSecret: clientSecret,
		Endpoint: basic, RedirectURL: publicRedirect}
	offByOne := public
	offByOne.RedirectURL = publicRedirect + "x"
	cases := []struct {
		name string
		conf oauth2.Config
		opts func(verifier string) []oauth2.AuthCodeOption
	}{
		{"missing verifier", public, func(string) []oauth2.AuthCodeOption { return nil }},
		{"wrong verifier", public, func(string) []oauth2.AuthCodeOption {
			return []oauth2.AuthCodeOption{oauth2.VerifierOption(oauth2.GenerateVerifier())}
		}},
		{"code from another client", other, func(v string) []oauth2.AuthCodeOption {
			return []oauth2.AuthCodeOption{oauth2.VerifierOption(v)}
		}},
		{"redirect off by one character", offByOne, func(v string) []oauth2.AuthCodeOption {
			return []oauth2.AuthCodeOption{oauth2.VerifierOption(v)}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, verifier := newCode(t)
			_, err := tc.conf.Exchange(ctx(t), code, tc.opts(verifier)...)
			if err == nil || !strings.Contains(err.Error(), "invalid_grant") {
				t.Errorf("got %v, want invalid_grant", err)
			}
		})
	}
}
