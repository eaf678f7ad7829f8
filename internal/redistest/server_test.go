package redistest_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/internal/redistest"
)

func TestStartServesLoopback(t *testing.T) {
	s := redistest.Start(t)
	if !strings.HasPrefix(s.Addr(), "127.0.0.1:") {
		t.Fatalf("Addr: got %q, want prefix 127.0.0.1:", s.Addr())
	}
	if s.Addr() == "127.0.0.1:6379" {
		t.Fatal("Addr: got the default port 6379, want a free port")
	}
	if got, want := s.URL(), "redis://"+s.Addr()+"/0"; got != want {
		t.Fatalf("URL: got %q, want %q", got, want)
	}
	ctx := context.Background()
	c := s.Client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	opts, err := redis.ParseURL(s.URL())
	if err != nil {
		t.Fatalf("ParseURL(%q): %v", s.URL(), err)
	}
	if opts.Addr != s.Addr() {
		t.Fatalf("ParseURL addr: got %q, want %q", opts.Addr, s.Addr())
	}
}

func TestRestart(t *testing.T) {
	tests := []struct {
		name     string
		opts     []redistest.Option
		wantKept bool
	}{
		{name: "without AOF loses data", wantKept: false},
		{name: "with AOF keeps data", opts: []redistest.Option{redistest.WithAOF()}, wantKept: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			s := redistest.Start(t, tt.opts...)
			c := s.Client(t)
			if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
				t.Fatalf("SET: %v", err)
			}
			addr := s.Addr()
			s.Kill(t)
			probe := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1})
			defer probe.Close()
			if err := probe.Ping(ctx).Err(); err == nil {
				t.Fatal("PING after Kill: got nil, want an error")
			}
			s.Restart(t)
			if s.Addr() != addr {
				t.Fatalf("Addr after Restart: got %q, want %q", s.Addr(), addr)
			}
			got, err := c.Get(ctx, "k").Result()
			kept := err == nil && got == "v"
			if err != nil && !errors.Is(err, redis.Nil) {
				t.Fatalf("GET after Restart: %v", err)
			}
			if kept != tt.wantKept {
				t.Fatalf("key kept after Restart: got %v, want %v", kept, tt.wantKept)
			}
		})
	}
}

func TestFlushAll(t *testing.T) {
	ctx := context.Background()
	s := redistest.Start(t)
	c := s.Client(t)
	if err := c.Set(ctx, "k", "v", 0).Err(); err != nil {
		t.Fatalf("SET: %v", err)
	}
	s.FlushAll(t)
	n, err := c.DBSize(ctx).Result()
	if err != nil {
		t.Fatalf("DBSIZE: %v", err)
	}
	if n != 0 {
		t.Fatalf("DBSIZE after FlushAll: got %d, want 0", n)
	}
}

func TestStartProcessStop(t *testing.T) {
	s, err := redistest.StartProcess(t.TempDir())
	if err != nil {
		t.Fatalf("StartProcess: %v", err)
	}
	c := redis.NewClient(&redis.Options{Addr: s.Addr(), MaxRetries: -1})
	defer c.Close()
	if err := c.Ping(context.Background()).Err(); err != nil {
		t.Fatalf("PING: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: got %v, want nil", err)
	}
	if err := c.Ping(context.Background()).Err(); err == nil {
		t.Fatal("PING after Stop: got nil, want an error")
	}
}

func TestStartProcessWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	_, err := redistest.StartProcess(t.TempDir())
	if !errors.Is(err, redistest.ErrNotFound) {
		t.Fatalf("StartProcess without redis-server: got %v, want ErrNotFound", err)
	}
	if !strings.Contains(err.Error(), "apt-get install redis-server") {
		t.Fatalf("error: got %q, want the install command", err)
	}
}
