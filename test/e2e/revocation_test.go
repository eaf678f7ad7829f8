package e2e

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/redistest"
	"github.com/hubjwt/hubjwt/internal/servetest"
	"github.com/hubjwt/hubjwt/revocation"
	revredisstore "github.com/hubjwt/hubjwt/revocation/redisstore"
	"github.com/hubjwt/hubjwt/token"
)

const revFormType = "application/x-www-form-urlencoded"

func active(t *testing.T, p *servetest.Process, tok string) bool {
	t.Helper()
	return introspect(t, p, tok)["active"] == true
}

func revokeJSON(t *testing.T, p *servetest.Process, body string) (int, http.Header, []byte) {
	t.Helper()
	return call(t, "POST", p.URL+"/v1/revocations", "application/json", "Bearer "+p.AdminToken(), body)
}

func TestRevokeByHolderAndAdmin(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	tok := mint(t, p, map[string]any{"subject": "alice"}).AccessToken
	status, _, body := call(t, "POST", p.URL+"/oauth2/revoke", revFormType, "", "token="+url.QueryEscape(tok))
	if status != http.StatusOK {
		t.Fatalf("RFC 7009 revoke by the holder: got %d %s, want 200", status, body)
	}
	if active(t, p, tok) {
		t.Error("introspection reports a revoked token as active")
	}
	for name, form := range map[string]string{
		"unknown token":   "token=not-a-token",
		"malformed token": "token=a.b.c",
		"foreign token":   "token=" + strings.Repeat("eyJ", 10) + ".e30.AAAA",
	} {
		if status, _, body := call(t, "POST", p.URL+"/oauth2/revoke", revFormType, "", form); status != http.StatusOK {
			t.Errorf("%s: got %d %s, want 200 (RFC 7009 section 2.2)", name, status, body)
		}
	}
	status, _, body = call(t, "POST", p.URL+"/oauth2/revoke", revFormType, "",
		"token=x&token_type_hint=id_token")
	if status != http.StatusBadRequest || !strings.Contains(string(body), "unsupported_token_type") {
		t.Errorf("unknown hint: got %d %s, want 400 unsupported_token_type", status, body)
	}
	status, _, _ = call(t, "POST", p.URL+"/oauth2/revoke", revFormType, "Bearer wrong", "token=x")
	if status != http.StatusUnauthorized {
		t.Errorf("wrong admin bearer: got %d, want 401", status)
	}

	bob := mint(t, p, map[string]any{"subject": "bob"}).AccessToken
	svcBob := mint(t, p, map[string]any{"subject": "bob", "kind": "service"}).AccessToken
	if status, _, body := revokeJSON(t, p, `{"subject":"bob","kind":"user"}`); status != http.StatusOK {
		t.Fatalf("revoke subject: got %d %s", status, body)
	}
	if active(t, p, bob) {
		t.Error("user bob's token is active after a subject revocation")
	}
	if !active(t, p, svcBob) {
		t.Error("service bob's token was revoked by user bob's cut-off")
	}
	time.Sleep(1100 * time.Millisecond) // iat has one-second precision
	if later := mint(t, p, map[string]any{"subject": "bob"}).AccessToken; !active(t, p, later) {
		t.Error("a token minted after the cut-off is inactive")
	}

	carol := mint(t, p, map[string]any{"subject": "carol"}).AccessToken
	if status, _, body := revokeJSON(t, p, `{"token":"`+carol+`"}`); status != http.StatusOK {
		t.Fatalf("revoke by token: got %d %s", status, body)
	}
	if active(t, p, carol) {
		t.Error("carol's token is active after revocation by token")
	}
	for name, body := range map[string]string{
		"nothing":       `{}`,
		"two kinds":     `{"jti":"a","kid":"b"}`,
		"future before": `{"subject":"bob","before":"2099-01-01T00:00:00Z"}`,
		"bad kind":      `{"subject":"bob","kind":"robot"}`,
		"foreign token": `{"token":"a.b.c"}`,
	} {
		if status, _, out := revokeJSON(t, p, body); status != http.StatusBadRequest {
			t.Errorf("%s: got %d %s, want 400", name, status, out)
		}
	}
}

func TestRevocationsSurviveRestart(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	tok := mint(t, p, map[string]any{"subject": "alice"}).AccessToken
	other := mint(t, p, map[string]any{"subject": "dave"}).AccessToken
	if status, _, body := revokeJSON(t, p, `{"token":"`+tok+`"}`); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if status, _, body := revokeJSON(t, p, `{"subject":"dave"}`); status != http.StatusOK {
		t.Fatalf("revoke subject: %d %s", status, body)
	}
	p.Restart()
	if active(t, p, tok) || active(t, p, other) {
		t.Fatal("a revocation was lost across a restart of the embedded store")
	}
}

func TestFeedAndRemoteMirror(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	keys, err := token.NewRemoteKeys(context.Background(), p.URL+"/.well-known/jwks.json",
		token.RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()

	status, h, body := call(t, "GET", p.URL+"/v1/revocations", "", "", "")
	if status != http.StatusOK {
		t.Fatalf("feed: %d %s", status, body)
	}
	set, err := keys.Set(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	feed, err := revocation.VerifyFeed(body, set, p.URL)
	if err != nil || !feed.Full {
		t.Fatalf("VerifyFeed: %v (full %v)", err, feed.Full)
	}
	req, _ := http.NewRequest("GET", p.URL+"/v1/revocations", nil)
	req.Header.Set("If-None-Match", h.Get("ETag"))
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusNotModified {
		t.Errorf("If-None-Match on an unchanged feed: %v %v, want 304", err, resp.StatusCode)
	}
	if _, err := revocation.VerifyFeed(body, set, "http://other.example"); err == nil {
		t.Error("a feed verified under another issuer")
	}

	const poll = 200 * time.Millisecond
	source, err := revocation.NewFeedSource(revocation.FeedSourceConfig{URL: p.URL + "/v1/revocations",
		Issuer: p.URL, Keys: keys.Set, PollInterval: poll})
	if err != nil {
		t.Fatal(err)
	}
	mirror := revocation.NewMirror(revocation.MirrorConfig{Source: source, MaxTTL: time.Hour})
	ctx, v := mirroredVerifier(t, p, keys, mirror)
	tok, lag := revokeAndWait(t, ctx, p, v)
	t.Logf("HTTP feed mirror: revocation seen after %s (poll interval %s)", lag, poll)
	if lag > poll+300*time.Millisecond {
		t.Errorf("revocation reached the feed mirror after %s, want within one poll interval (%s)",
			lag, poll)
	}

	feedURL := p.URL + "/v1/revocations"
	cmd := exec.Command(servetest.Binary(t), "verify", tok, "--jwks", p.URL+"/.well-known/jwks.json",
		"--issuer", p.URL, "--audience", "jupyterhub", "--revocations", feedURL)
	out, err := cmd.CombinedOutput()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != 1 || !strings.Contains(string(out), "revoked") {
		t.Errorf("hubjwt verify --revocations on a revoked token: %v %s", err, out)
	}
}

func TestRevokeCommand(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	tok := mint(t, p, map[string]any{"subject": "alice"})
	claims := introspect(t, p, tok.AccessToken)
	cmd := exec.Command(servetest.Binary(t), "revoke", "--jti", claims["jti"].(string))
	cmd.Env = append(os.Environ(), "HUBJWT_DATA_DIR="+p.DataDir, "HUBJWT_LISTEN="+p.Addr)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hubjwt revoke: %v %s", err, out)
	}
	if active(t, p, tok.AccessToken) {
		t.Error("token active after hubjwt revoke --jti")
	}
	bad := exec.Command(servetest.Binary(t), "revoke", "--jti", "x", "--kid", "y")
	bad.Env = cmd.Env
	out, err := bad.CombinedOutput()
	if err == nil || strings.Count(strings.TrimSpace(string(out)), "\n") != 0 {
		t.Errorf("two revocation kinds: got %v %q, want exit 1 and one line", err, out)
	}
}

func TestRevocationOnRedis(t *testing.T) {
	redis := redistest.Start(t, redistest.WithAOF())
	p := servetest.Start(t, servetest.Options{Env: []string{
		"HUBJWT_REDIS_URL=" + redis.URL(), "HUBJWT_KEYS_ALLOW_PLAINTEXT=true",
		"HUBJWT_REVOCATION_MAX_STALENESS=2s"}})
	keys, err := token.NewRemoteKeys(context.Background(), p.URL+"/.well-known/jwks.json",
		token.RemoteOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer keys.Close()
	client := redis.Client(t)
	mirror := revocation.NewMirror(revocation.MirrorConfig{
		Source:       revredisstore.NewSource(client, revredisstore.SourceOptions{Block: 200 * time.Millisecond}),
		MaxStaleness: 2 * time.Second, MaxTTL: time.Hour, RetryInterval: 200 * time.Millisecond})
	ctx, v := mirroredVerifier(t, p, keys, mirror)
	tok, lag := revokeAndWait(t, ctx, p, v)
	t.Logf("Redis stream mirror: revocation seen after %s", lag)
	if lag > time.Second {
		t.Errorf("revocation reached the Redis mirror after %s, want within 1 s", lag)
	}

	t.Run("redis killed", func(t *testing.T) {
		other := mint(t, p, map[string]any{"subject": "bob"}).AccessToken
		redis.Kill(t)
		status, h, body := revokeJSON(t, p, `{"token":"`+other+`"}`)
		if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
			t.Errorf("revoke with Redis down: got %d %s, want 503 with Retry-After", status, body)
		}
		status, _, _ = call(t, "POST", p.URL+"/oauth2/revoke", revFormType, "", "token="+other)
		if status != http.StatusServiceUnavailable {
			t.Errorf("RFC 7009 revoke with Redis down: got %d, want 503", status)
		}
		waitUntil(t, 6*time.Second, func() bool {
			_, err := v.Verify(ctx, other)
			return errors.Is(err, token.ErrRevocationStale)
		})
		redis.Restart(t)
		waitUntil(t, 10*time.Second, func() bool {
			status, _, _ := revokeJSON(t, p, `{"token":"`+other+`"}`)
			return status == http.StatusOK
		})
		waitUntil(t, 5*time.Second, func() bool {
			_, err := v.Verify(ctx, other)
			return errors.Is(err, token.ErrRevoked)
		})
		if _, err := v.Verify(ctx, tok); !errors.Is(err, token.ErrRevoked) {
			t.Errorf("after the Redis restart the first revoked token: got %v, want ErrRevoked", err)
		}
	})

	t.Run("flushall", func(t *testing.T) {
		redis.FlushAll(t)
		time.Sleep(500 * time.Millisecond)
		if active(t, p, tok) {
			t.Error("the service reports a revoked token active after FLUSHALL")
		}
		if _, err := v.Verify(ctx, tok); err == nil {
			t.Error("the mirror accepts a revoked token after FLUSHALL")
		}
	})
}

// waitFor polls cond every 20 ms until it holds or timeout passes.
func waitUntil(t *testing.T, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s", timeout)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// mirroredVerifier runs mirror until the test ends and returns a verifier for
// p's tokens that checks it, with the context the test should use.
func mirroredVerifier(t *testing.T, p *servetest.Process, keys token.KeySource,
	mirror *revocation.Mirror) (context.Context, *token.Verifier) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	go mirror.Run(ctx)
	v, err := token.NewVerifier(token.VerifierConfig{Issuer: p.URL, Audience: "jupyterhub"}, keys,
		token.WithRevocationList(mirror))
	if err != nil {
		t.Fatal(err)
	}
	return ctx, v
}

// revokeAndWait mints a token, waits until v accepts it, revokes it through
// the admin API and returns it with the time v took to reject it.
func revokeAndWait(t *testing.T, ctx context.Context, p *servetest.Process,
	v *token.Verifier) (string, time.Duration) {
	t.Helper()
	tok := mint(t, p, map[string]any{"subject": "alice"}).AccessToken
	waitUntil(t, 5*time.Second, func() bool { _, err := v.Verify(ctx, tok); return err == nil })
	start := time.Now()
	if status, _, body := revokeJSON(t, p, `{"token":"`+tok+`"}`); status != http.StatusOK {
		t.Fatalf("revoke: %d %s", status, body)
	}
	waitUntil(t, 5*time.Second, func() bool {
		_, err := v.Verify(ctx, tok)
		return errors.Is(err, token.ErrRevoked)
	})
	return tok, time.Since(start)
}
