package e2e

import (
	"bytes"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/net/websocket"

	"github.com/hubjwt/hubjwt/internal/servetest"
)

// proxyProcess is a running `hubjwt proxy`.
type proxyProcess struct {
	url  string
	cmd  *exec.Cmd
	logs *lockedBuffer
	done chan struct{}
}

// lockedBuffer collects the output of a process.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// freeLoopbackAddr returns a loopback address whose port was free a moment ago.
func freeLoopbackAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// startProxy runs `hubjwt proxy` with the spawner environment env and args,
// waits for its health route and stops it by PID when the test ends.
func startProxy(t *testing.T, env []string, args ...string) *proxyProcess {
	t.Helper()
	addr := freeLoopbackAddr(t)
	cmd := exec.Command(servetest.Binary(t), append([]string{"proxy", "--listen", addr},
		args...)...)
	cmd.Env = append(cleanEnv(), env...)
	p := &proxyProcess{url: "http://" + addr, cmd: cmd, logs: &lockedBuffer{},
		done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		t.Fatalf("start hubjwt proxy: %v", err)
	}
	go func() { _ = cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-p.done
		}
	})
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("hubjwt proxy exited during start:\n%s", p.logs.String())
		default:
		}
		if resp, err := http.Get(p.url + "/_hubjwt/health"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("hubjwt proxy did not answer its health route within 30 s:\n%s", p.logs.String())
	return nil
}

// notebookServer replaces a single-user server: it reports the identity
// header and the query it got, and /user/alice/api/kernels/ws echoes WebSocket
// messages prefixed with the identity.
func notebookServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/user/alice/api/kernels/ws", websocket.Handler(func(ws *websocket.Conn) {
		user := ws.Request().Header.Get("X-Forwarded-User")
		var msg string
		for websocket.Message.Receive(ws, &msg) == nil {
			if websocket.Message.Send(ws, user+": "+msg) != nil {
				return
			}
		}
	}))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{
			"user": r.Header.Values("X-Forwarded-User"), "query": r.URL.RawQuery,
			"underscored":   r.Header.Values("X_forwarded_user"),
			"authorization": r.Header.Get("Authorization"),
		})
	})
	srv := httptest.NewServer(mux) // httptest listens on 127.0.0.1
	t.Cleanup(srv.Close)
	return srv
}

func TestProxyGuardsSingleUserServer(t *testing.T) {
	hub := servetest.Start(t, servetest.Options{})
	nb := notebookServer(t)
	spawnerEnv := func(user string) []string {
		return []string{
			"JUPYTERHUB_USER=" + user, "JUPYTERHUB_SERVER_NAME=",
			"JUPYTERHUB_SERVICE_PREFIX=/user/" + user + "/",
			"JUPYTERHUB_CLIENT_ID=jupyterhub-user-" + user,
			`JUPYTERHUB_OAUTH_ACCESS_SCOPES=["access:servers!server=` + user +
				`/", "access:servers!user=` + user + `"]`,
			"HUBJWT_ISSUER=" + hub.URL,
		}
	}
	alice := startProxy(t, spawnerEnv("alice"), "--upstream", nb.URL,
		"--query-token", "websocket")
	bob := startProxy(t, spawnerEnv("bob"), "--upstream", nb.URL)
	mintFor := func(sub, aud string, scopes ...string) string {
		return mint(t, hub, map[string]any{"subject": sub, "audience": []string{aud},
			"scopes": scopes, "expires_in": 300}).AccessToken
	}
	aliceTok := mintFor("alice", "jupyterhub-user-alice", "access:servers!server=alice/")
	hubTok := mintFor("alice", "jupyterhub", "access:servers!server=alice/")
	noAccess := mintFor("alice", "jupyterhub-user-alice", "read:users!user=alice")
	aliceForBob := mintFor("alice", "jupyterhub-user-bob", "access:servers!server=alice/")

	cases := []struct {
		name       string
		proxy      *proxyProcess
		auth       string
		wantStatus int
		wantError  string
	}{
		{"alice on her server", alice, "Bearer " + aliceTok, 200, ""},
		{"jupyterhub token scheme", alice, "token " + aliceTok, 200, ""},
		{"no token", alice, "", 401, ""},
		{"token for the hub's audience", alice, "Bearer " + hubTok, 401, "invalid_token"},
		{"no access scope", alice, "Bearer " + noAccess, 403, "insufficient_scope"},
		{"alice's token on bob's server", bob, "Bearer " + aliceTok, 401, "invalid_token"},
		{"bob's audience, alice's scope", bob, "Bearer " + aliceForBob, 403,
			"insufficient_scope"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, h, body := call(t, "GET", c.proxy.url+"/user/x/api/status", "", c.auth, "")
			if status != c.wantStatus {
				t.Fatalf("status: got %d (%s), want %d", status, body, c.wantStatus)
			}
			if status == 200 {
				return
			}
			challenge := h.Get("WWW-Authenticate")
			if !strings.HasPrefix(challenge, `Bearer realm="hubjwt"`) {
				t.Errorf("WWW-Authenticate: got %q, want a Bearer challenge", challenge)
			}
			if has := strings.Contains(challenge, `error="`+c.wantError+`"`); c.wantError != "" &&
				!has {
				t.Errorf("WWW-Authenticate: got %q, want error=%q", challenge, c.wantError)
			}
			if c.wantError == "" && strings.Contains(challenge, "error=") {
				t.Errorf("WWW-Authenticate: got %q, want no error attribute", challenge)
			}
		})
	}

	t.Run("identity header cannot be spoofed", func(t *testing.T) {
		req, _ := http.NewRequest("GET", alice.url+"/user/alice/api/status", nil)
		req.Header.Set("Authorization", "Bearer "+aliceTok)
		req.Header["x-forwarded-user"] = []string{"mallory"}
		req.Header["X_Forwarded_User"] = []string{"mallory"}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var got struct {
			User          []string `json:"user"`
			Underscored   []string `json:"underscored"`
			Authorization string   `json:"authorization"`
		}
		if err := json.NewDecoder(resp.Body).Decode(&got); err != nil {
			t.Fatal(err)
		}
		if len(got.User) != 1 || got.User[0] != "alice" {
			t.Errorf("X-Forwarded-User: got %q, want [alice]", got.User)
		}
		if len(got.Underscored) != 0 {
			t.Errorf("X_forwarded_user: got %q, want none", got.Underscored)
		}
		if got.Authorization != "" {
			t.Errorf("Authorization reached the upstream: got %q, want none", got.Authorization)
		}
	})

	t.Run("websocket with a query token", func(t *testing.T) {
		wsURL := strings.Replace(alice.url, "http://", "ws://", 1) +
			"/user/alice/api/kernels/ws?token=" + aliceTok
		ws, err := websocket.Dial(wsURL, "", alice.url)
		if err != nil {
			t.Fatalf("dial: %v", err)
		}
		defer ws.Close()
		if err := websocket.Message.Send(ws, "execute_request"); err != nil {
			t.Fatal(err)
		}
		var reply string
		if err := websocket.Message.Receive(ws, &reply); err != nil {
			t.Fatal(err)
		}
		if reply != "alice: execute_request" {
			t.Errorf("echo: got %q, want %q", reply, "alice: execute_request")
		}
	})

	t.Run("websocket without a token", func(t *testing.T) {
		wsURL := strings.Replace(alice.url, "http://", "ws://", 1) + "/user/alice/api/kernels/ws"
		if ws, err := websocket.Dial(wsURL, "", alice.url); err == nil {
			ws.Close()
			t.Fatal("dial without a token: got a connection, want the handshake rejected")
		}
	})

	t.Run("health needs no token", func(t *testing.T) {
		status, _, body := call(t, "GET", alice.url+"/user/alice/_hubjwt/health", "", "", "")
		if status != 200 {
			t.Fatalf("status: got %d (%s), want 200", status, body)
		}
	})
}

func TestProxyRejectsMissingSettings(t *testing.T) {
	cases := []struct {
		name string
		env  []string
		want string
	}{
		{"no audience", []string{"JUPYTERHUB_USER=alice", "HUBJWT_ISSUER=http://127.0.0.1:1"},
			"--audience is missing"},
		{"no user", []string{"JUPYTERHUB_CLIENT_ID=c", "HUBJWT_ISSUER=http://127.0.0.1:1"},
			"--user is missing"},
		{"bad access scopes", []string{"JUPYTERHUB_OAUTH_ACCESS_SCOPES=access:servers"},
			"JUPYTERHUB_OAUTH_ACCESS_SCOPES is not a JSON list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cmd := exec.Command(servetest.Binary(t), "proxy", "--upstream", "http://127.0.0.1:1")
			cmd.Env = append(cleanEnv(), c.env...)
			out, err := cmd.CombinedOutput()
			if err == nil {
				t.Fatalf("exit status 0, want an error; output %s", out)
			}
			if !strings.Contains(string(out), c.want) {
				t.Errorf("output: got %q, want it to contain %q", out, c.want)
			}
		})
	}
}

// cleanEnv returns the environment without JUPYTERHUB_* and HUBJWT_* variables.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "JUPYTERHUB_") && !strings.HasPrefix(kv, "HUBJWT_") {
			out = append(out, kv)
		}
	}
	return out
}
