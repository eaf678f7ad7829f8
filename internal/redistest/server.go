package redistest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
)

// ErrNotFound is returned when no redis-server binary is on PATH.
var ErrNotFound = errors.New(
	"redis-server not found: install it with `apt-get install redis-server` " +
		"or run `make test`, which installs it")

const (
	startAttempts = 5
	readyTimeout  = 10 * time.Second
	stopTimeout   = 5 * time.Second
)

// Option changes how a Server is started.
type Option func(*config)

type config struct {
	aof bool
}

// WithAOF starts the server with `--appendonly yes` and `--appendfsync always`, so
// every acknowledged write survives Kill and Restart.
func WithAOF() Option {
	return func(c *config) { c.aof = true }
}

// Server is one redis-server process started by this package. Its methods are
// safe for concurrent use.
type Server struct {
	dir  string
	cfg  config
	port int

	mu     sync.Mutex // guards cmd and exited
	cmd    *exec.Cmd
	exited chan struct{}
}

// Start starts a redis-server on a free loopback port with its data in
// t.TempDir(), waits until it replies to PING and stops it at the end of the test.
// It fails the test when redis-server is missing or does not start.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s, err := StartProcess(t.TempDir(), opts...)
	if err != nil {
		t.Fatalf("redistest: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Stop(); err != nil {
			t.Errorf("redistest: %v", err)
		}
	})
	return s
}

// StartProcess starts a redis-server like Start without a testing.TB, keeping its
// data in dir. The caller stops it with Stop.
func StartProcess(dir string, opts ...Option) (*Server, error) {
	if _, err := exec.LookPath("redis-server"); err != nil {
		return nil, ErrNotFound
	}
	s := &Server{dir: dir}
	for _, opt := range opts {
		opt(&s.cfg)
	}
	var lastErr error
	for range startAttempts {
		port, err := freePort()
		if err != nil {
			return nil, err
		}
		s.port = port
		if lastErr = s.launch(); lastErr == nil {
			return s, nil
		}
	}
	return nil, fmt.Errorf("start redis-server after %d attempts: %w", startAttempts, lastErr)
}

// freePort returns a port that was free on 127.0.0.1 a moment ago. Another
// process may take it before redis-server binds it, so callers retry.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port on 127.0.0.1: %w", err)
	}
	port := l.Addr().(*net.TCPAddr).Port
	if err := l.Close(); err != nil {
		return 0, fmt.Errorf("release port %d: %w", port, err)
	}
	return port, nil
}

func (s *Server) args() []string {
	aof := "no"
	if s.cfg.aof {
		aof = "yes"
	}
	return []string{
		"--bind", "127.0.0.1",
		"--port", strconv.Itoa(s.port),
		"--dir", s.dir,
		"--save", "",
		"--appendonly", aof,
		"--appendfsync", "always",
		"--daemonize", "no",
		"--protected-mode", "yes",
		"--logfile", "redis.log",
	}
}

// launch starts the process on s.port and waits for PING. On failure the process
// is stopped and the error includes the tail of its log.
func (s *Server) launch() error {
	cmd := exec.Command("redis-server", s.args()...)
	cmd.Dir = s.dir
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("run redis-server: %w", err)
	}
	exited := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		close(exited)
	}()
	s.mu.Lock()
	s.cmd, s.exited = cmd, exited
	s.mu.Unlock()
	if err := s.waitReady(exited); err != nil {
		s.kill()
		return fmt.Errorf("redis-server on %s: %w (log: %s)", s.Addr(), err, s.logTail())
	}
	return nil
}

func (s *Server) waitReady(exited <-chan struct{}) error {
	client := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer client.Close()
	deadline := time.Now().Add(readyTimeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("process exited before replying to PING")
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
		err := client.Ping(ctx).Err()
		cancel()
		if err == nil {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no reply to PING within %s", readyTimeout)
}

func (s *Server) logTail() string {
	b, err := os.ReadFile(s.dir + "/redis.log")
	if err != nil {
		return "unreadable: " + err.Error()
	}
	const maxLog = 600
	if len(b) > maxLog {
		b = b[len(b)-maxLog:]
	}
	return string(b)
}

// kill sends SIGKILL to the current process, if it runs, and waits for it to exit.
func (s *Server) kill() {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return
	}
	_ = cmd.Process.Kill()
	<-exited
}

// Addr returns the server's address, "127.0.0.1:PORT".
func (s *Server) Addr() string {
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port))
}

// URL returns the server's address as a go-redis URL for database 0.
func (s *Server) URL() string {
	return "redis://" + s.Addr() + "/0"
}

// Dir returns the server's data directory.
func (s *Server) Dir() string {
	return s.dir
}

// Client returns a new client of the server, closed at the end of the test.
func (s *Server) Client(t testing.TB) *redis.Client {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: s.Addr()})
	t.Cleanup(func() { _ = client.Close() })
	return client
}

// Kill stops the server with SIGKILL and waits for the process to exit, so
// writes not yet persisted are lost, as in a crash.
func (s *Server) Kill(t testing.TB) {
	t.Helper()
	s.kill()
}

// Restart starts the server again on the same port and directory, after Kill or
// while it runs (it kills the running process first), and waits for PING.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.kill()
	var err error
	for range startAttempts {
		// The port can stay briefly unavailable after a kill, so retry on it.
		if err = s.launch(); err == nil {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("redistest: restart: %v", err)
}

// FlushAll removes every key from every database of the server, as FLUSHALL.
func (s *Server) FlushAll(t testing.TB) {
	t.Helper()
	client := redis.NewClient(&redis.Options{Addr: s.Addr()})
	defer client.Close()
	if err := client.FlushAll(context.Background()).Err(); err != nil {
		t.Fatalf("redistest: flushall on %s: %v", s.Addr(), err)
	}
}

// Stop stops the server by its PID with SIGTERM, then SIGKILL when it has not
// exited within stopTimeout, and waits for it to exit. It is safe to call more
// than once and after Kill.
func (s *Server) Stop() error {
	s.mu.Lock()
	cmd, exited := s.cmd, s.exited
	s.cmd = nil
	s.mu.Unlock()
	if cmd == nil {
		return nil
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		<-exited
		return nil
	}
	select {
	case <-exited:
		return nil
	case <-time.After(stopTimeout):
	}
	_ = cmd.Process.Kill()
	<-exited
	return fmt.Errorf("redis-server pid %d ignored SIGTERM for %s and was killed",
		cmd.Process.Pid, stopTimeout)
}
