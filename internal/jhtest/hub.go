package jhtest

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"testing"
)

// jupyterhubPath is the Debian package's launcher. Other installations (pyenv,
// pip) are not used, because the harness targets JupyterHub 3.0 and the
// Debian configurable-http-proxy that comes with it.
const jupyterhubPath = "/usr/bin/jupyterhub"

// Hub is a running test JupyterHub. Its methods are not safe for concurrent use
// with Restart or Stop.
type Hub struct {
	// ServiceToken is the API token of the hubjwt service.
	ServiceToken string
	// AdminToken is the token of the harness's own service, which holds
	// admin:users, admin:groups, tokens, read:roles and read:services.
	AdminToken string

	dir           string
	publicPort    int
	proxyAPIPort  int
	hubPort       int
	userTokens    map[string]string
	serviceTokens map[string]string
	proc          *process
	proxy         proxy // the running hub's proxy, zero before it is known
}

// Start writes a hub configuration for cfg into t.TempDir(), starts
// /usr/bin/jupyterhub and waits until its REST API returns 200. The hub is
// stopped when t's cleanup runs. Start fails t when the hub is missing or does
// not become ready within 30 seconds.
func Start(t testing.TB, cfg Config) *Hub {
	t.Helper()
	if _, err := os.Stat(jupyterhubPath); err != nil {
		t.Fatalf("jupyterhub not found: install it with `apt-get install jupyterhub` " +
			"(Debian package, JupyterHub 3.0) or run `make test`, which installs it")
	}
	h := &Hub{
		ServiceToken:  randomToken(t),
		AdminToken:    randomToken(t),
		dir:           t.TempDir(),
		userTokens:    map[string]string{},
		serviceTokens: map[string]string{},
	}
	h.publicPort, h.proxyAPIPort, h.hubPort = freePort(t), freePort(t), freePort(t)
	t.Cleanup(func() { h.stop(t) })
	h.run(t, cfg)
	return h
}

// Restart stops the hub and starts it again with cfg, keeping the database,
// the ports and every token already issued. Role memberships follow cfg, so
// a user left out of a role's list loses that role.
func (h *Hub) Restart(t testing.TB, cfg Config) {
	t.Helper()
	h.stop(t)
	h.run(t, cfg)
}

// Stop stops the hub and its proxy. Restart starts it again.
func (h *Hub) Stop(t testing.TB) {
	t.Helper()
	h.stop(t)
}

// APIURL returns the base of the hub's REST API on the hub's own port, such as
// http://127.0.0.1:8081/hub/api.
func (h *Hub) APIURL() string { return fmt.Sprintf("http://127.0.0.1:%d/hub/api", h.hubPort) }

// PublicURL returns the proxy's public address, such as http://127.0.0.1:8000.
func (h *Hub) PublicURL() string { return fmt.Sprintf("http://127.0.0.1:%d", h.publicPort) }

// Dir returns the directory that holds the hub's configuration, state and log.
func (h *Hub) Dir() string { return h.dir }

// UserToken returns the API token of a user listed in Config.Users, or "" for
// any other name.
func (h *Hub) UserToken(name string) string { return h.userTokens[name] }

// ServiceTokenOf returns the API token of a service listed in Config.Services,
// or "" for any other name.
func (h *Hub) ServiceTokenOf(name string) string { return h.serviceTokens[name] }

// run assigns tokens to new users and services, writes the configuration and
// starts the hub.
func (h *Hub) run(t testing.TB, cfg Config) {
	t.Helper()
	for _, name := range cfg.Users {
		if _, ok := h.userTokens[name]; !ok {
			h.userTokens[name] = randomToken(t)
		}
	}
	for _, svc := range cfg.Services {
		tok := svc.Token
		if tok == "" {
			tok = h.serviceTokens[svc.Name]
		}
		if tok == "" {
			tok = randomToken(t)
		}
		h.serviceTokens[svc.Name] = tok
	}
	if err := h.writeConfig(cfg); err != nil {
		t.Fatal(err)
	}
	proc, err := startProcess(h.dir, h.configPath())
	if err != nil {
		t.Fatal(err)
	}
	h.proc = proc
	err = h.waitReady()
	h.proxy = h.readProxy()
	if err != nil {
		h.stop(t)
		t.Fatalf("%v\nhub log:\n%s", err, h.logTail())
	}
}

func (h *Hub) stop(t testing.TB) {
	t.Helper()
	if h.proc == nil {
		return
	}
	if err := h.proc.stop(); err != nil {
		t.Errorf("%v\nhub log:\n%s", err, h.logTail())
	}
	h.proc = nil
	if h.proxy.pid == 0 {
		// The hub may have started its proxy without reaching ready.
		h.proxy = h.readProxy()
	}
	if h.proxy.running() {
		if err := h.proxy.stop(); err != nil {
			t.Errorf("%v\nhub log:\n%s", err, h.logTail())
		}
	}
	h.proxy = proxy{}
	// The hub terminates whatever PID a leftover proxy pid file names, so
	// no stale file may survive into the next start.
	_ = os.Remove(h.proxyPIDPath())
}

// randomToken returns 32 random bytes, hex-encoded.
func randomToken(t testing.TB) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatalf("jhtest: random token: %v", err)
	}
	return hex.EncodeToString(b)
}

// freePort returns a TCP port on 127.0.0.1 that was free a moment ago.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("jhtest: find a free loopback port: %v", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
