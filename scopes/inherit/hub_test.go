package inherit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/scopes"
)

// hubConfig declares users whose scopes come from direct roles, group roles,
// filtered scopes and the 3.0 server-filter rule.
func hubConfig() jhtest.Config {
	return jhtest.Config{
		Users: []string{"alice", "bob", "carol", "dave", "erin"},
		Groups: map[string][]string{
			"team": {"bob", "carol"},
			"ops":  {"dave"},
		},
		Services: []jhtest.Service{{Name: "reporter", Roles: []string{"reporter"}}},
		Roles: []jhtest.Role{
			{Name: "team-lead", Users: []string{"alice"}, Scopes: []string{
				"read:users!group=team", "list:users!group=team",
				"access:servers!group=team", "read:servers!server=dave/",
			}},
			{Name: "team-member", Groups: []string{"team"}, Scopes: []string{"read:groups!group=team"}},
			{Name: "operator", Groups: []string{"ops"}, Scopes: []string{"servers!group=ops", "read:hub"}},
			{Name: "mixed", Users: []string{"erin"},
				Scopes: []string{"read:users!user=bob", "read:users:name"}},
			{Name: "reporter", Scopes: []string{"read:users:activity", "list:users"}},
		},
	}
}

// writeRolesFile writes cfg's roles and groups, and the hubjwt service's role,
// as a roles file and loads it.
func writeRolesFile(t *testing.T, cfg jhtest.Config, model *scopes.Model) *scopes.RoleBook {
	t.Helper()
	roles := append([]jhtest.Role{{
		Name:     jhtest.ServiceName,
		Scopes:   jhtest.DefaultServiceScopes,
		Services: []string{jhtest.ServiceName},
	}}, cfg.Roles...)
	for i := range roles {
		for _, svc := range cfg.Services {
			if slices.Contains(svc.Roles, roles[i].Name) {
				roles[i].Services = append(slices.Clone(roles[i].Services), svc.Name)
			}
		}
	}
	// JSON is valid YAML, so the roles file can be written with encoding/json.
	data, err := json.Marshal(map[string]any{"roles": roles, "groups": cfg.Groups})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "roles.yaml")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	book, err := scopes.LoadRoles(path, model)
	if err != nil {
		t.Fatalf("LoadRoles: %v", err)
	}
	return book
}

func newModel(t *testing.T) *scopes.Model {
	t.Helper()
	m, err := scopes.NewModel(scopes.V30, nil)
	if err != nil {
		t.Fatalf("NewModel(3.0): %v", err)
	}
	return m
}

// countingTransport counts requests by method.
type countingTransport struct {
	mu     sync.Mutex
	counts map[string]int
}

func (c *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	c.mu.Lock()
	if c.counts == nil {
		c.counts = map[string]int{}
	}
	c.counts[req.Method]++
	c.mu.Unlock()
	return http.DefaultTransport.RoundTrip(req)
}

func (c *countingTransport) count(method string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.counts[method]
}

func (c *countingTransport) total() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := 0
	for _, v := range c.counts {
		n += v
	}
	return n
}

// newClient returns a hub client with the hubjwt service's token whose
// requests are counted.
func newClient(t *testing.T, hub *jhtest.Hub) (*hubapi.Client, *countingTransport) {
	t.Helper()
	counter := &countingTransport{}
	c, err := hubapi.New(hub.APIURL(), hub.ServiceToken,
		&http.Client{Transport: counter, Timeout: 10 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c, counter
}

// hubScopes returns the scopes the hub itself reports for a new inherit token
// of user.
func hubScopes(t *testing.T, hub *jhtest.Hub, user string) []string {
	t.Helper()
	c, _ := newClient(t, hub)
	id, err := c.WhoAmI(context.Background(), hub.NewUserToken(t, user, nil))
	if err != nil {
		t.Fatalf("WhoAmI(inherit token of %s): %v", user, err)
	}
	return sorted(id.Scopes)
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// clock is a settable time source for Options.Now.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// shrinkRecorder records OnShrink calls.
type shrinkRecorder struct {
	mu    sync.Mutex
	calls []shrinkCall
}

type shrinkCall struct {
	owner scopes.Owner
	lost  []string
}

func (r *shrinkRecorder) OnShrink(_ context.Context, o scopes.Owner, lost []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, shrinkCall{owner: o, lost: slices.Clone(lost)})
}

func (r *shrinkRecorder) Calls() []shrinkCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// userTokenNotes returns the notes of user's API tokens, read with the
// harness's admin credential.
func userTokenNotes(t *testing.T, hub *jhtest.Hub, user string) []string {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, hub.APIURL()+"/users/"+user+"/tokens", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "token "+hub.AdminToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET tokens of %s: %v", user, err)
	}
	defer resp.Body.Close()
	var list struct {
		APITokens []struct {
			Note string `json:"note"`
		} `json:"api_tokens"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		t.Fatalf("decode tokens of %s (status %d): %v", user, resp.StatusCode, err)
	}
	var notes []string
	for _, tok := range list.APITokens {
		notes = append(notes, tok.Note)
	}
	if len(notes) == 0 {
		t.Fatalf("got no tokens for %s, want at least the harness's config token", user)
	}
	return notes
}

// jhtestRole returns a role with one scope held by one service.
func jhtestRole(name, scope, service string) jhtest.Role {
	return jhtest.Role{Name: name, Scopes: []string{scope}, Services: []string{service}}
}
