package jhtest

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 10 * time.Second
	logTailBytes = 16 << 10
)

// process is a jupyterhub process and the process group it leads. The
// proxy is not in that group (see proxy).
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when cmd.Wait returns
	log  *os.File
}

// startProcess starts jupyterhub -f configPath in dir, with its output in
// dir/hub.log.
func startProcess(dir, configPath string) (*process, error) {
	logFile, err := os.OpenFile(filepath.Join(dir, "hub.log"),
		os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("jhtest: open hub log: %w", err)
	}
	cmd := exec.Command(jupyterhubPath, "-f", configPath)
	cmd.Dir = dir
	cmd.Env = hubEnv()
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("jhtest: start %s: %w", jupyterhubPath, err)
	}
	p := &process{cmd: cmd, done: make(chan struct{}), log: logFile}
	go func() {
		_ = cmd.Wait()
		close(p.done)
	}()
	return p, nil
}

// hubEnv returns the environment for the hub. NODE_PATH lets a NodeSource
// build of node find the Debian modules of configurable-http-proxy, and
// Python variables of another interpreter (such as pyenv's) are dropped.
func hubEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		switch name {
		case "NODE_PATH", "PYTHONPATH", "PYTHONHOME", "JUPYTERHUB_API_URL", "JUPYTERHUB_API_TOKEN":
			continue
		}
		env = append(env, kv)
	}
	return append(env, "NODE_PATH=/usr/share/nodejs")
}

// stop sends SIGTERM to the process group, waits for the hub to exit and for
// the group to empty, and sends SIGKILL to the group after stopTimeout.
func (p *process) stop() error {
	defer p.log.Close()
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	deadline := time.Now().Add(stopTimeout)
	if waitGroupGone(p.done, pgid, deadline) {
		return nil
	}
	_ = syscall.Kill(-pgid, syscall.SIGKILL)
	if waitGroupGone(p.done, pgid, time.Now().Add(stopTimeout)) {
		return fmt.Errorf("jhtest: hub (pid %d) ignored SIGTERM for %v and was killed", pgid, stopTimeout)
	}
	return fmt.Errorf("jhtest: hub process group %d still running after SIGKILL", pgid)
}

// waitGroupGone reports whether the hub exited and no process of its group is
// left before deadline.
func waitGroupGone(done <-chan struct{}, pgid int, deadline time.Time) bool {
	select {
	case <-done:
	case <-time.After(time.Until(deadline)):
		return false
	}
	for time.Now().Before(deadline) {
		if err := syscall.Kill(-pgid, 0); errors.Is(err, syscall.ESRCH) {
			return true
		}
		time.Sleep(20 * time.Millisecond)
	}
	return false
}

// waitReady polls GET {api} until it returns 200, the hub exits, or
// readyTimeout passes.
func (h *Hub) waitReady() error {
	ctx, cancel := context.WithTimeout(context.Background(), readyTimeout)
	defer cancel()
	client := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, h.APIURL(), nil)
		if err != nil {
			return fmt.Errorf("jhtest: %w", err)
		}
		if resp, err := client.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-h.proc.done:
			return fmt.Errorf("jhtest: jupyterhub exited before %s returned 200 (%v)",
				h.APIURL(), h.proc.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("jhtest: %s did not return 200 within %v", h.APIURL(), readyTimeout)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// logTail returns the last logTailBytes of the hub log.
func (h *Hub) logTail() string {
	data, err := os.ReadFile(filepath.Join(h.dir, "hub.log"))
	if err != nil {
		return fmt.Sprintf("(hub log unreadable: %v)", err)
	}
	if len(data) > logTailBytes {
		data = data[len(data)-logTailBytes:]
	}
	return string(data)
}

func (h *Hub) proxyPIDPath() string { return filepath.Join(h.dir, "jupyterhub-proxy.pid") }
