package oidc

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// rpDir is the folder with rp.mjs and the package-lock.json that pins its
// openid-client version.
const rpDir = "js"

// rpScope is the scope rp.mjs requests.
const rpScope = "openid profile groups"

// requireOpenIDClient fails the test with install instructions when node or
// the pinned openid-client package is missing.
func requireOpenIDClient(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("node"); err != nil {
		t.Fatal("node not found in PATH: install Node.js 20 or later with " +
			"`apt-get install nodejs npm`, or run `make test-deps`")
	}
	var lock struct {
		Packages map[string]struct {
			Version string `json:"version"`
		} `json:"packages"`
	}
	readJSON(t, filepath.Join(rpDir, "package-lock.json"), &lock)
	want := lock.Packages["node_modules/openid-client"].Version
	if want == "" {
		t.Fatalf("%s/package-lock.json pins no openid-client version", rpDir)
	}
	installed := filepath.Join(rpDir, "node_modules", "openid-client", "package.json")
	if _, err := os.Stat(installed); err != nil {
		t.Fatalf("openid-client %s is not installed: run `npm ci` in test/oidc/js "+
			"or `make test-deps`", want)
	}
	var pkg struct {
		Version string `json:"version"`
	}
	readJSON(t, installed, &pkg)
	if pkg.Version != want {
		t.Fatalf("openid-client %s is installed, but package-lock.json pins %s: run `npm ci` "+
			"in test/oidc/js or `make test-deps`", pkg.Version, want)
	}
}

func readJSON(t *testing.T, path string, v any) {
	t.Helper()
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("parse %s: %v", path, err)
	}
}

// rpProcess is a running rp.mjs.
type rpProcess struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stdout *bufio.Scanner
	stderr bytes.Buffer
}

// startRP runs rp.mjs against issuer as the public client, and returns once
// it printed the authorization URL.
func startRP(t *testing.T, issuer string) (*rpProcess, *url.URL) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	cmd := exec.CommandContext(ctx, "node", "rp.mjs", issuer, publicClient, publicRedirect,
		rpScope)
	cmd.Dir = rpDir
	rp := &rpProcess{cmd: cmd}
	cmd.Stderr = &rp.stderr
	var err error
	if rp.stdin, err = cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	rp.stdout = bufio.NewScanner(stdout)
	rp.stdout.Buffer(nil, 1<<20)
	if err := cmd.Start(); err != nil {
		t.Fatalf("start rp.mjs: %v", err)
	}
	// The cleanup kills the script when the test fails before finish has
	// waited for it.
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
	})

	if !rp.stdout.Scan() {
		_ = cmd.Wait()
		t.Fatalf("rp.mjs printed no authorization URL: %s", rp.stderr.String())
	}
	var first struct {
		AuthorizationURL string `json:"authorization_url"`
	}
	if err := json.Unmarshal(rp.stdout.Bytes(), &first); err != nil {
		t.Fatalf("rp.mjs first line is not JSON: %q", rp.stdout.Text())
	}
	authURL, err := url.Parse(first.AuthorizationURL)
	if err != nil {
		t.Fatalf("authorization URL %q: %v", first.AuthorizationURL, err)
	}
	return rp, authURL
}

// finish writes the callback URL to the script's stdin and waits for it to
// exit. It returns the script's last stdout line, its stderr, and whether it
// exited 0.
func (rp *rpProcess) finish(t *testing.T, callback *url.URL) (string, string, bool) {
	t.Helper()
	if _, err := io.WriteString(rp.stdin, callback.String()+"\n"); err != nil {
		t.Fatalf("write the callback URL to rp.mjs: %v", err)
	}
	rp.stdin.Close()
	var out string
	for rp.stdout.Scan() {
		out = rp.stdout.Text()
	}
	err := rp.cmd.Wait()
	if err != nil {
		if _, ok := err.(*exec.ExitError); !ok {
			t.Fatalf("rp.mjs: %v", err)
		}
	}
	return out, strings.TrimSpace(rp.stderr.String()), err == nil
}

// TestOpenIDClientFlow signs alice in with the openid-client npm package:
// discovery, PKCE with S256, state and nonce checks, code exchange, ID token
// validation and userinfo.
func TestOpenIDClientFlow(t *testing.T) {
	requireOpenIDClient(t)
	e := start(t)

	t.Run("code flow", func(t *testing.T) {
		rp, authURL := startRP(t, e.hubjwt.URL)
		q := authURL.Query()
		if !strings.HasPrefix(authURL.String(), e.hubjwt.URL+"/oauth2/authorize?") {
			t.Errorf("authorization URL: got %s, want the discovered %s/oauth2/authorize",
				authURL, e.hubjwt.URL)
		}
		if got := q.Get("code_challenge_method"); got != "S256" {
			t.Errorf("code_challenge_method: got %q, want S256", got)
		}
		for _, name := range []string{"code_challenge", "state", "nonce"} {
			if q.Get(name) == "" {
				t.Errorf("authorization URL %s has no %s", authURL, name)
			}
		}
		nonce := q.Get("nonce")

		loc := signIn(t, browser(t), authURL.String(), "alice")
		if loc.Query().Get("code") == "" {
			t.Fatalf("redirect: got %s, want a code", loc)
		}
		stdout, stderr, ok := rp.finish(t, loc)
		if !ok {
			t.Fatalf("openid-client failed: %s", stderr)
		}
		var got struct {
			Claims   map[string]any `json:"claims"`
			Userinfo map[string]any `json:"userinfo"`
			Scope    string         `json:"scope"`
		}
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("rp.mjs output is not JSON: %q", stdout)
		}

		want := map[string]any{"sub": "alice", "preferred_username": "alice", "nonce": nonce,
			"iss": e.hubjwt.URL}
		for name, value := range want {
			if got.Claims[name] != value {
				t.Errorf("ID token %s: got %v, want %v", name, got.Claims[name], value)
			}
		}
		if aud := stringList(got.Claims["aud"]); !slices.Equal(aud, []string{publicClient}) {
			t.Errorf("ID token aud: got %v, want [%s]", got.Claims["aud"], publicClient)
		}
		for _, name := range []string{"sub", "preferred_username"} {
			if got.Userinfo[name] != got.Claims[name] {
				t.Errorf("userinfo %s: got %v, want %v as in the ID token", name,
					got.Userinfo[name], got.Claims[name])
			}
		}
		if groups := stringList(got.Userinfo["groups"]); !slices.Equal(groups, []string{"team"}) {
			t.Errorf("userinfo groups: got %v, want [team]", got.Userinfo["groups"])
		}
		if !slices.Contains(strings.Fields(got.Scope), "openid") {
			t.Errorf("granted scope: got %q, want it to contain openid", got.Scope)
		}
	})

	t.Run("tampered state", func(t *testing.T) {
		rp, authURL := startRP(t, e.hubjwt.URL)
		loc := signIn(t, browser(t), authURL.String(), "alice")
		q := loc.Query()
		q.Set("state", q.Get("state")+"x")
		loc.RawQuery = q.Encode()
		stdout, stderr, ok := rp.finish(t, loc)
		if ok {
			t.Fatalf("openid-client accepted a tampered state, printed %q", stdout)
		}
		if stdout != "" {
			t.Errorf("stdout after the failure: got %q, want nothing", stdout)
		}
		if !strings.Contains(stderr, `"state"`) {
			t.Errorf("stderr %q does not mention the state parameter", stderr)
		}
		if strings.Count(stderr, "\n") != 0 {
			t.Errorf("stderr: got %d lines, want 1: %q", strings.Count(stderr, "\n")+1, stderr)
		}
	})
}

// stringList converts a JSON array of strings decoded into any to []string.
func stringList(v any) []string {
	items, _ := v.([]any)
	out := make([]string, 0, len(items))
	for _, item := range items {
		s, _ := item.(string)
		out = append(out, s)
	}
	return out
}
