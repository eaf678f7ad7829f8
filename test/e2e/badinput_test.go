package e2e

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/internal/servetest"
)

func TestBadHTTPInput(t *testing.T) {
	p := servetest.Start(t, servetest.Options{Env: []string{"HUBJWT_HTTP_MAX_BODY_BYTES=4096"}})
	admin := "Bearer " + p.AdminToken()
	const jsonType = "application/json"
	cases := []struct {
		name        string
		method      string
		path        string
		contentType string
		auth        string
		body        string
		status      int
		code        string
		mention     string
	}{
		{"malformed JSON", "POST", "/v1/tokens", jsonType, admin, `{"subject":`, 400, "invalid_request", "malformed JSON"},
		{"unknown field", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a","scope":"x"}`, 400, "invalid_request", "scope"},
		{"missing subject", "POST", "/v1/tokens", jsonType, admin, `{"scopes":["read:users"]}`, 400, "invalid_request", "subject"},
		{"empty body", "POST", "/v1/tokens", jsonType, admin, ``, 400, "invalid_request", "empty"},
		{"trailing data", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a"} {}`, 400, "invalid_request", "trailing"},
		{"wrong field type", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a","expires_in":"5m"}`, 400, "invalid_request", "expires_in"},
		{"negative expires_in", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a","expires_in":-5}`, 400, "invalid_request", "expires_in -5"},
		{"zero expires_in", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a","expires_in":0}`, 400, "invalid_request", "expires_in 0"},
		{"too long expires_in", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a","expires_in":86400}`, 400, "invalid_request", "token.max_ttl"},
		{"unknown kind", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a","kind":"robot"}`, 400, "invalid_request", "robot"},
		{"control character in subject", "POST", "/v1/tokens", jsonType, admin, `{"subject":"a\u0000b"}`, 400, "invalid_request", "control"},
		{"wrong admin token", "POST", "/v1/tokens", jsonType, "Bearer nope", `{"subject":"a"}`, 401, "invalid_token", "admin token"},
		{"missing admin token", "POST", "/v1/tokens", jsonType, "", `{"subject":"a"}`, 401, "invalid_request", "Authorization"},
		{"basic instead of bearer", "POST", "/v1/tokens", jsonType, "Basic YTpi", `{"subject":"a"}`, 401, "invalid_request", "Bearer"},
		{"wrong content type", "POST", "/v1/tokens", "text/plain", admin, `{"subject":"a"}`, 415, "unsupported_media_type", "application/json"},
		{"no content type", "POST", "/v1/tokens", "", admin, `{"subject":"a"}`, 415, "unsupported_media_type", "application/json"},
		{"oversized body", "POST", "/v1/tokens", jsonType, admin, `{"subject":"` + strings.Repeat("a", 5000) + `"}`, 413, "request_too_large", "max_body_bytes"},
		{"GET on a POST route", "GET", "/v1/tokens", "", admin, ``, 405, "method_not_allowed", "method"},
		{"unknown route", "GET", "/v1/nothing", "", "", ``, 404, "not_found", "route"},
		{"introspect without token", "POST", "/oauth2/introspect", formType, admin, `token_type_hint=access_token`, 400, "invalid_request", "token"},
		{"introspect as JSON", "POST", "/oauth2/introspect", jsonType, admin, `{"token":"x"}`, 415, "unsupported_media_type", "x-www-form-urlencoded"},
		{"keys without admin token", "GET", "/v1/keys", "", "", ``, 401, "invalid_request", "admin"},
		{"duplicate JSON field", "POST", "/v1/tokens", jsonType, admin, `{"subject":"alice","subject":"bob"}`, 400, "invalid_request", "twice"},
		{"case-variant JSON field", "POST", "/v1/tokens", jsonType, admin, `{"SUBJECT":"alice"}`, 400, "invalid_request", "case-sensitive"},
		{"UTF-16 charset", "POST", "/v1/tokens", jsonType + "; charset=utf-16", admin, `{"subject":"a"}`, 415, "unsupported_media_type", "UTF-8"},
		{"repeated form parameter", "POST", "/oauth2/introspect", formType, admin, `token=a&token=b`, 400, "invalid_request", "appears 2 times"},
		{"POST on the JWK Set", "POST", "/.well-known/jwks.json", jsonType, "", `{}`, 405, "method_not_allowed", "method"},
		{"owner holds none of the scopes", "POST", "/v1/tokens", jsonType, admin, `{"subject":"alice","scopes":["admin:users!user=bob"]}`, 400, "invalid_scope", "none of the requested"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			status, h, body := call(t, tc.method, p.URL+tc.path, tc.contentType, tc.auth, tc.body)
			if status != tc.status {
				t.Fatalf("status: got %d %s, want %d", status, body, tc.status)
			}
			if ct := h.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type: got %q, want application/json", ct)
			}
			var e struct {
				Error       string `json:"error"`
				Description string `json:"error_description"`
			}
			if err := json.Unmarshal(body, &e); err != nil {
				t.Fatalf("body is not JSON: %s", body)
			}
			if e.Error != tc.code {
				t.Errorf("error: got %q, want %q", e.Error, tc.code)
			}
			if !strings.Contains(e.Description, tc.mention) {
				t.Errorf("error_description %q does not mention %q", e.Description, tc.mention)
			}
			if status == http.StatusUnauthorized && !strings.HasPrefix(h.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("401 without a Bearer WWW-Authenticate challenge: %q", h.Get("WWW-Authenticate"))
			}
		})
	}
	t.Run("gzip content encoding", func(t *testing.T) {
		req, _ := http.NewRequest("POST", p.URL+"/v1/tokens", strings.NewReader(`{"subject":"a"}`))
		req.Header.Set("Content-Type", jsonType)
		req.Header.Set("Content-Encoding", "gzip")
		req.Header.Set("Authorization", admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType {
			t.Errorf("gzip body: got %d, want 415", resp.StatusCode)
		}
	})
	t.Run("two Authorization headers", func(t *testing.T) {
		req, _ := http.NewRequest("POST", p.URL+"/v1/tokens", strings.NewReader(`{"subject":"a"}`))
		req.Header.Set("Content-Type", jsonType)
		req.Header.Add("Authorization", "Bearer nope")
		req.Header.Add("Authorization", admin)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("two Authorization headers: got %d, want 401", resp.StatusCode)
		}
	})
	t.Run("HEAD on the JWK Set", func(t *testing.T) {
		resp, err := http.Head(p.URL + "/.well-known/jwks.json")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			t.Errorf("HEAD: got %d, ETag %q; want 200 with the ETag", resp.StatusCode, resp.Header.Get("ETag"))
		}
	})
	t.Run("mint response is not cached", func(t *testing.T) {
		_, h, _ := call(t, "POST", p.URL+"/v1/tokens", jsonType, admin, `{"subject":"alice","scopes":["read:users!user=alice"]}`)
		if got := h.Get("Cache-Control"); got != "no-store" {
			t.Errorf("Cache-Control: got %q, want no-store (RFC 6749 section 5.1)", got)
		}
	})
	if status, _, _ := call(t, "GET", p.URL+"/healthz", "", "", ""); status != http.StatusOK {
		t.Fatalf("healthz after bad input: got %d, want 200", status)
	}
	mint(t, p, map[string]any{"subject": "alice"})
	admin = p.AdminToken()
	p.Stop() // flush the process output before reading it
	if strings.Contains(p.Logs(), admin) || strings.Contains(p.Logs(), "Bearer nope") {
		t.Error("the log contains a credential")
	}
	if strings.Contains(p.Logs(), "level=ERROR") {
		t.Errorf("bad input produced server errors:\n%s", p.Logs())
	}
}
