package jhtest

import (
	"encoding/json"
	"net/http"
	"slices"
	"testing"
	"time"
)

// whoami returns the kind, name and scopes that GET /user reports for token.
func whoami(t *testing.T, h *Hub, token string) (kind, name string, scopes []string, status int) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.APIURL()+"/user", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+token)
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("GET /user: %v", err)
	}
	defer resp.Body.Close()
	var model struct {
		Kind   string   `json:"kind"`
		Name   string   `json:"name"`
		Scopes []string `json:"scopes"`
	}
	if resp.StatusCode == http.StatusOK {
		if err := json.NewDecoder(resp.Body).Decode(&model); err != nil {
			t.Fatalf("decode GET /user: %v", err)
		}
	}
	return model.Kind, model.Name, model.Scopes, resp.StatusCode
}

func TestHub(t *testing.T) {
	cfg := Config{
		Users:  []string{"alice", "bob"},
		Groups: map[string][]string{"team": {"bob"}},
		Roles: []Role{
			{Name: "reader", Scopes: []string{"read:users!group=team"}, Users: []string{"alice"}},
		},
	}
	start := time.Now()
	h := Start(t, cfg)
	t.Logf("hub ready after %v", time.Since(start))

	t.Run("service token", func(t *testing.T) {
		kind, name, scopes, status := whoami(t, h, h.ServiceToken)
		if status != http.StatusOK {
			t.Fatalf("got status %d, want 200", status)
		}
		if kind != "service" || name != ServiceName {
			t.Errorf("got %s %q, want service %q", kind, name, ServiceName)
		}
		if !slices.Contains(scopes, "tokens") {
			t.Errorf("got scopes %v, want them to contain tokens", scopes)
		}
	})
	t.Run("user token has user role", func(t *testing.T) {
		kind, name, scopes, status := whoami(t, h, h.UserToken("alice"))
		if status != http.StatusOK || kind != "user" || name != "alice" {
			t.Fatalf("got %d %s %q, want 200 user alice", status, kind, name)
		}
		for _, want := range []string{"read:users!group=team", "tokens!user=alice"} {
			if !slices.Contains(scopes, want) {
				t.Errorf("got scopes %v, want them to contain %s", scopes, want)
			}
		}
	})
	t.Run("new user token", func(t *testing.T) {
		tok := h.NewUserToken(t, "bob", []string{"read:users:name!user=bob"})
		_, name, scopes, status := whoami(t, h, tok)
		if status != http.StatusOK || name != "bob" {
			t.Fatalf("got %d %q, want 200 bob", status, name)
		}
		if !slices.Contains(scopes, "read:users:name!user=bob") {
			t.Errorf("got scopes %v, want them to contain read:users:name!user=bob", scopes)
		}
	})
	t.Run("restart drops role", func(t *testing.T) {
		changed := cfg
		changed.Roles = []Role{{Name: "reader", Scopes: []string{"read:users!group=team"}}}
		start := time.Now()
		h.Restart(t, changed)
		t.Logf("hub restarted after %v", time.Since(start))
		_, _, scopes, status := whoami(t, h, h.UserToken("alice"))
		if status != http.StatusOK {
			t.Fatalf("got status %d, want 200", status)
		}
		if slices.Contains(scopes, "read:users!group=team") {
			t.Errorf("got scopes %v, want no read:users!group=team after the role was removed", scopes)
		}
	})
	t.Run("stop", func(t *testing.T) {
		px := h.proxy
		if !px.running() {
			t.Fatalf("got proxy %+v not running before Stop, want it found and running", px)
		}
		h.Stop(t)
		if px.running() {
			t.Errorf("got proxy pid %d still running after Stop, want it gone", px.pid)
		}
		resp, err := http.Get(h.APIURL())
		if err == nil {
			resp.Body.Close()
			t.Fatalf("got status %d after Stop, want a connection error", resp.StatusCode)
		}
	})
}
