// Package servetest builds the hubjwt binary once per test process and runs
// `hubjwt serve` as a real process on a free loopback port, for end-to-end
// tests.
package servetest

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

var (
	buildOnce sync.Once
	binary    string
	buildErr  error
)

// Binary returns the path of a hubjwt binary built from this module, building
// it once per test process. The race detector is on when the tests run with it.
func Binary(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "hubjwt-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binary = filepath.Join(dir, "hubjwt")
		args := []string{"build", "-o", binary}
		if raceEnabled {
			args = append(args, "-race")
		}
		args = append(args, "github.com/hubjwt/hubjwt/cmd/hubjwt")
		cmd := exec.Command("go", args...)
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Run(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out.String())
		}
	})
	if buildErr != nil {
		t.Fatalf("build hubjwt: %v", buildErr)
	}
	return binary
}

// Options configures a server process.
type Options struct {
	DataDir string   // default: a new t.TempDir()
	Env     []string // extra KEY=VALUE settings, such as HUBJWT_TOKEN_MAX_TTL=2h
	Args    []string // extra arguments after `serve`
}

// Process is a running `hubjwt serve`.
type Process struct {
	URL     string // http://127.0.0.1:PORT, also the issuer
	Addr    string // 127.0.0.1:PORT
	DataDir string

	t    testing.TB
	opts Options
	cmd  *exec.Cmd
	logs *syncBuffer
	done chan struct{}
}

// Start runs hubjwt serve and waits until /healthz responds. The process is
// stopped by its PID when the test ends.
func Start(t testing.TB, opts Options) *Process {
	t.Helper()
	if opts.DataDir == "" {
		opts.DataDir = t.TempDir()
	}
	addr := freeAddr(t)
	p := &Process{URL: "http://" + addr, Addr: addr, DataDir: opts.DataDir, t: t, opts: opts}
	p.start()
	t.Cleanup(p.Stop)
	return p
}

func (p *Process) start() {
	p.t.Helper()
	args := append([]string{"serve"}, p.opts.Args...)
	cmd := exec.Command(Binary(p.t), args...)
	cmd.Env = append(os.Environ(),
		"HUBJWT_LISTEN="+p.Addr, "HUBJWT_ISSUER="+p.URL, "HUBJWT_DATA_DIR="+p.DataDir)
	cmd.Env = append(cmd.Env, p.opts.Env...)
	p.logs = &syncBuffer{}
	cmd.Stdout, cmd.Stderr = p.logs, p.logs
	if err := cmd.Start(); err != nil {
		p.t.Fatalf("start hubjwt serve: %v", err)
	}
	p.cmd, p.done = cmd, make(chan struct{})
	go func() { _ = cmd.Wait(); close(p.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			p.t.Fatalf("hubjwt serve exited during start:\n%s", p.logs.String())
		default:
		}
		resp, err := http.Get(p.URL + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	p.t.Fatalf("hubjwt serve did not respond to /healthz within 30 s:\n%s", p.logs.String())
}

// Stop sends SIGTERM to the process and waits for it to exit (SIGKILL after
// 10 s). It is safe to call more than once.
func (p *Process) Stop() {
	if p.cmd == nil {
		return
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
	p.cmd = nil
}

// Restart stops the process and starts it again on the same port and data dir.
func (p *Process) Restart() {
	p.t.Helper()
	p.Stop()
	p.start()
}

// WaitForLog waits up to 5 s for the process output to contain every one of
// parts and reports whether it did. Output reaches the buffer through a pipe,
// a moment after the response to the request that caused it.
func (p *Process) WaitForLog(parts ...string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for {
		logs, all := p.logs.String(), true
		for _, part := range parts {
			all = all && strings.Contains(logs, part)
		}
		if all {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Logs returns everything the process wrote to stdout and stderr.
func (p *Process) Logs() string { return p.logs.String() }

// AdminToken returns the admin token the server generated in its data dir.
func (p *Process) AdminToken() string {
	p.t.Helper()
	b, err := os.ReadFile(filepath.Join(p.DataDir, "admin-token"))
	if err != nil {
		p.t.Fatalf("read admin token: %v", err)
	}
	return strings.TrimSpace(string(b))
}

// freeAddr returns a loopback address with a port that was free a moment ago.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("find a free port: %v", err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer is a bytes.Buffer safe for the process's concurrent writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
