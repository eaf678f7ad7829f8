package e2e

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/servetest"
	"github.com/hubjwt/hubjwt/token"
)

// testEncryptionKey is a fixed keys.encryption_key for tests only.
const testEncryptionKey = "dGVzdCBrZXkgZm9yIGh1Ymp3dCBlMmUgdGVzdHMgb25seSEhIQ=="

// shortSchedule is a key lifecycle of seconds that passes config validation:
// tokens live at most 2 s with 1 s leeway, a key signs for 4 s, and the next
// key is published 2 s (twice jwks.max_age) before it signs.
var shortSchedule = []string{
	"HUBJWT_TOKEN_MAX_TTL=2s", "HUBJWT_TOKEN_DEFAULT_TTL=2s", "HUBJWT_TOKEN_LEEWAY=1s",
	"HUBJWT_KEYS_ROTATION_PERIOD=4s", "HUBJWT_KEYS_PREPUBLISH=2s", "HUBJWT_JWKS_MAX_AGE=1s",
}

// redisEnv is the environment of a serve process on the Redis at url.
func redisEnv(url string) []string {
	return []string{"HUBJWT_REDIS_URL=" + url, "HUBJWT_KEYS_ENCRYPTION_KEY=" + testEncryptionKey}
}

// keysList is the body of GET /v1/keys.
type keysList struct {
	Active string `json:"active_kid"`
	Keys   []struct {
		ID    string `json:"kid"`
		State string `json:"state"`
	} `json:"keys"`
}

// listKeys calls GET /v1/keys.
func listKeys(t *testing.T, p *servetest.Process) keysList {
	t.Helper()
	status, _, body := call(t, "GET", p.URL+"/v1/keys", "", "Bearer "+p.AdminToken(), "")
	if status != http.StatusOK {
		t.Fatalf("GET /v1/keys: got %d %s, want 200", status, body)
	}
	var l keysList
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatalf("decode /v1/keys: %v", err)
	}
	return l
}

// jwksBody returns the JWK Set body and ETag p serves now.
func jwksBody(t *testing.T, p *servetest.Process) (string, string) {
	t.Helper()
	status, h, body := call(t, "GET", p.URL+"/.well-known/jwks.json", "", "", "")
	if status != http.StatusOK {
		t.Fatalf("GET jwks.json: got %d, want 200", status)
	}
	return string(body), h.Get("ETag")
}

// remoteVerifier returns a Verifier of p's tokens over its remote JWK Set.
func remoteVerifier(t *testing.T, p *servetest.Process, opts token.RemoteOptions,
	vopts ...token.VerifierOption) (*token.Verifier, *token.RemoteKeys) {
	t.Helper()
	keys, err := token.NewRemoteKeys(context.Background(), p.URL+"/.well-known/jwks.json", opts)
	if err != nil {
		t.Fatalf("NewRemoteKeys: %v", err)
	}
	t.Cleanup(keys.Close)
	v, err := token.NewVerifier(token.VerifierConfig{Issuer: p.URL, Audience: "jupyterhub",
		Leeway: time.Second}, keys, vopts...)
	if err != nil {
		t.Fatal(err)
	}
	return v, keys
}

// kidOf returns the kid header of a compact JWS.
func kidOf(t *testing.T, raw string) string {
	t.Helper()
	hdr, _, _ := strings.Cut(raw, ".")
	var h struct {
		KID string `json:"kid"`
	}
	if err := json.Unmarshal(decodeSegment(t, hdr), &h); err != nil {
		t.Fatalf("decode JWS header: %v", err)
	}
	return h.KID
}

// countLines returns how many lines of logs contain every one of parts.
func countLines(logs string, parts ...string) int {
	n := 0
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(line, p)
		}
		if all {
			n++
		}
	}
	return n
}

// decodeSegment decodes one base64url part of a compact JWS.
func decodeSegment(t *testing.T, seg string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(seg)
	if err != nil {
		t.Fatalf("decode JWS segment: %v", err)
	}
	return b
}
