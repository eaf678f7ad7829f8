package e2e

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hubjwt/hubjwt/internal/servetest"
)

// call sends a request and returns the status, headers and body.
func call(t *testing.T, method, url, contentType, auth, body string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

type tokenResponse struct {
	AccessToken     string `json:"access_token"`
	TokenType       string `json:"token_type"`
	ExpiresIn       int64  `json:"expires_in"`
	Scope           string `json:"scope"`
	IssuedTokenType string `json:"issued_token_type"`
}

// mint mints through POST /v1/tokens and fails the test on any error.
func mint(t *testing.T, p *servetest.Process, body any) tokenResponse {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	status, _, out := call(t, "POST", p.URL+"/v1/tokens", "application/json",
		"Bearer "+p.AdminToken(), string(b))
	if status != http.StatusOK {
		t.Fatalf("POST /v1/tokens: got %d %s, want 200", status, out)
	}
	var tr tokenResponse
	if err := json.NewDecoder(bytes.NewReader(out)).Decode(&tr); err != nil {
		t.Fatalf("decode token response: %v", err)
	}
	return tr
}
