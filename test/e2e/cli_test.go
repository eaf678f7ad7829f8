package e2e

import (
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/servetest"
)

// runCLI runs the hubjwt binary with env added and returns stdout, stderr and
// the exit status.
func runCLI(t *testing.T, env []string, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(servetest.Binary(t), args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		return out.String(), errb.String(), ee.ExitCode()
	case err != nil:
		t.Fatal(err)
	}
	return out.String(), errb.String(), 0
}

func TestCommandLineEdges(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	empty := filepath.Join(t.TempDir(), "nothing-here")

	t.Run("mint without a store creates none", func(t *testing.T) {
		_, stderr, code := runCLI(t, []string{"HUBJWT_DATA_DIR=" + empty}, "",
			"mint", "--subject", "alice", "--scope", "read:users!user=alice")
		if code == 0 || !strings.Contains(stderr, "no key store") {
			t.Errorf("got exit %d, stderr %q; want an error naming the missing store", code, stderr)
		}
		if _, err := os.Stat(filepath.Join(empty, "hubjwt.db")); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("mint created a key store in %s", empty)
		}
	})
	t.Run("mint with --url uses the server", func(t *testing.T) {
		out, stderr, code := runCLI(t, []string{"HUBJWT_DATA_DIR=" + empty}, "",
			"mint", "--url", p.URL, "--admin-token", p.AdminToken(), "--subject", "alice",
			"--scope", "read:users!user=alice")
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		if !active(t, p, strings.TrimSpace(out)) {
			t.Error("the server does not accept the token minted through --url")
		}
	})
	t.Run("mint requires a scope", func(t *testing.T) {
		_, stderr, code := runCLI(t, []string{"HUBJWT_DATA_DIR=" + p.DataDir}, "", "mint", "--subject", "alice")
		if code != 1 || !strings.Contains(stderr, "--scope inherit") {
			t.Errorf("got exit %d, stderr %q; want exit 1 naming --scope inherit", code, stderr)
		}
	})

	short := mint(t, p, map[string]any{"subject": "alice", "expires_in": 1}).AccessToken
	time.Sleep(2100 * time.Millisecond) // exp has one-second precision
	verify := []string{"verify", "-", "--jwks", p.URL + "/.well-known/jwks.json", "--issuer", p.URL,
		"--audience", "jupyterhub"}
	t.Run("leeway zero means none", func(t *testing.T) {
		if _, stderr, code := runCLI(t, nil, short, append(verify, "--leeway", "0")...); code != 1 ||
			!strings.Contains(stderr, "expired") {
			t.Errorf("expired token with --leeway 0: exit %d, stderr %q", code, stderr)
		}
		if _, stderr, code := runCLI(t, nil, short, verify...); code != 0 {
			t.Errorf("expired 1 s ago with the default 30 s leeway: exit %d, stderr %q", code, stderr)
		}
		if _, _, code := runCLI(t, nil, short, append(verify, "--leeway", "-5m")...); code != 1 {
			t.Errorf("negative leeway: exit %d, want 1", code)
		}
	})
	t.Run("stdin is bounded", func(t *testing.T) {
		_, stderr, code := runCLI(t, nil, strings.Repeat("A", 100<<10), verify...)
		if code != 1 || !strings.Contains(stderr, "exceeds") {
			t.Errorf("100 KiB on stdin: exit %d, stderr %q", code, stderr)
		}
	})
}

func TestRotateWaitsForPrepublication(t *testing.T) {
	p := servetest.Start(t, servetest.Options{})
	admin := "Bearer " + p.AdminToken()
	status, _, body := call(t, "POST", p.URL+"/v1/keys/rotate", "", admin, "")
	if status != 409 || !strings.Contains(string(body), "keys.prepublish") {
		t.Errorf("rotate right after start: got %d %s, want 409 naming keys.prepublish", status, body)
	}
	env := []string{"HUBJWT_DATA_DIR=" + p.DataDir, "HUBJWT_LISTEN=" + p.Addr}
	keys := keyStates(t, p)
	if _, stderr, code := runCLI(t, env, "", "keys", "retire", keys["active"]); code != 1 ||
		!strings.Contains(stderr, "force") {
		t.Errorf("hubjwt keys retire of the active key: exit %d, stderr %q; want exit 1 naming --force",
			code, stderr)
	}
	status, _, body = call(t, "POST", p.URL+"/v1/revocations", "application/json", admin,
		`{"kid":"`+keys["active"]+`"}`)
	if status != 400 || !strings.Contains(string(body), "keys revoke") {
		t.Errorf("key revocation of the active key: got %d %s, want 400 naming keys revoke", status, body)
	}
	if _, stderr, code := runCLI(t, env, "", "keys", "rotate"); code != 1 || !strings.Contains(stderr, "force") {
		t.Errorf("hubjwt keys rotate: exit %d, stderr %q; want exit 1 naming --force", code, stderr)
	}
	if out, stderr, code := runCLI(t, env, "", "keys", "rotate", "--force", "--json"); code != 0 ||
		!strings.Contains(out, `"state": "retired"`) {
		t.Errorf("hubjwt keys rotate --force: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
}

// keyStates returns the kid of each key state from GET /v1/keys.
func keyStates(t *testing.T, p *servetest.Process) map[string]string {
	t.Helper()
	status, _, body := call(t, "GET", p.URL+"/v1/keys", "", "Bearer "+p.AdminToken(), "")
	if status != 200 {
		t.Fatalf("GET /v1/keys: %d %s", status, body)
	}
	var list struct {
		Keys []struct {
			ID    string `json:"kid"`
			State string `json:"state"`
		} `json:"keys"`
	}
	if err := json.Unmarshal(body, &list); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, k := range list.Keys {
		out[k.State] = k.ID
	}
	return out
}
