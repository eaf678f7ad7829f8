package jhtest

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// proxyExitGrace is how long the proxy may take to exit after the hub has
// stopped, before the harness sends it SIGTERM itself.
const proxyExitGrace = 2 * time.Second

// proxy is the configurable-http-proxy the hub started. The hub starts it in
// a new session, so it is outside the hub's process group and survives the
// hub when the hub does not stop it.
type proxy struct {
	pid     int
	apiPort int
}

// readProxy returns the proxy named by the hub's proxy pid file, or a zero
// proxy when the file is missing.
func (h *Hub) readProxy() proxy {
	data, err := os.ReadFile(h.proxyPIDPath())
	if err != nil {
		return proxy{}
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil || pid <= 0 {
		return proxy{}
	}
	return proxy{pid: pid, apiPort: h.proxyAPIPort}
}

// running reports whether p's PID is still a configurable-http-proxy with
// this hub's proxy API port, so a reused PID is never signalled.
func (p proxy) running() bool {
	if p.pid <= 0 {
		return false
	}
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", p.pid))
	if err != nil {
		return false
	}
	args := bytes.Split(bytes.TrimRight(cmdline, "\x00"), []byte{0})
	isProxy := false
	for i, arg := range args {
		if bytes.HasSuffix(arg, []byte("configurable-http-proxy")) {
			isProxy = true
		}
		if string(arg) == "--api-port" && i+1 < len(args) &&
			string(args[i+1]) == strconv.Itoa(p.apiPort) {
			return isProxy
		}
	}
	return false
}

// stop waits for the proxy to exit after the hub stopped it, then sends
// SIGTERM and, after stopTimeout, SIGKILL.
func (p proxy) stop() error {
	if p.waitGone(time.Now().Add(proxyExitGrace)) {
		return nil
	}
	_ = syscall.Kill(p.pid, syscall.SIGTERM)
	if p.waitGone(time.Now().Add(stopTimeout)) {
		return nil
	}
	_ = syscall.Kill(p.pid, syscall.SIGKILL)
	if p.waitGone(time.Now().Add(stopTimeout)) {
		return fmt.Errorf("jhtest: proxy (pid %d) ignored SIGTERM and was killed", p.pid)
	}
	return fmt.Errorf("jhtest: proxy (pid %d) still running after SIGKILL", p.pid)
}

// waitGone reports whether the proxy exited before deadline.
func (p proxy) waitGone(deadline time.Time) bool {
	for {
		if err := syscall.Kill(p.pid, 0); errors.Is(err, syscall.ESRCH) || !p.running() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(20 * time.Millisecond)
	}
}
