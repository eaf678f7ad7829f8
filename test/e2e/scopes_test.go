package e2e

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/hubjwt/hubjwt/internal/jhtest"
	"github.com/hubjwt/hubjwt/internal/servetest"
)

const rolesFile = `
roles:
  - name: team-lead
    scopes: [read:users!group=team, access:servers!group=team, read:servers!server=dave/]
    users: [alice]
  - name: grader
    scopes: [read:users:name, access:servers!user=bob]
    services: [grader]
groups:
  team: [bob, carol]
`

// aliceScopes is what alice holds under rolesFile on the latest table: her
// `self` scopes from the default user role plus the team-lead role, expanded.
var aliceScopes = []string{
	"access:servers!group=team", "access:servers!user=alice",
	"delete:servers!user=alice", "read:servers!server=dave/", "read:servers!user=alice",
	"read:shares!user=alice", "read:tokens!user=alice", "read:users!group=team",
	"read:users!user=alice", "read:users:activity!group=team",
	"read:users:activity!user=alice", "read:users:groups!group=team",
	"read:users:groups!user=alice", "read:users:name!group=team",
	"read:users:name!user=alice", "read:users:shares!user=alice", "servers!user=alice",
	"start:servers!user=alice", "tokens!user=alice", "users:activity!user=alice",
	"users:shares!user=alice",
}

func writeFile(t *testing.T, name, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestInheritFromRolesFile(t *testing.T) {
	p := servetest.Start(t, servetest.Options{Env: []string{
		"HUBJWT_ROLES_FILE=" + writeFile(t, "roles.yaml", rolesFile)}})
	resp := mint(t, p, map[string]any{"subject": "alice", "scopes": []string{"inherit"}})
	got := strings.Fields(resp.Scope)
	if !slices.Equal(got, aliceScopes) {
		t.Errorf("inherit for alice:\n got %v\nwant %v", got, aliceScopes)
	}
	claims := introspect(t, p, resp.AccessToken)
	if claims["inherit"] != true {
		t.Errorf("inherit claim: got %v, want true", claims["inherit"])
	}

	svc := mint(t, p, map[string]any{"subject": "grader", "kind": "service", "scopes": []string{"inherit"}})
	if want := "access:servers!user=bob read:users:name"; svc.Scope != want {
		t.Errorf("inherit for service grader: got %q, want %q", svc.Scope, want)
	}
}

func TestMintDropsScopesOwnerLacks(t *testing.T) {
	p := servetest.Start(t, servetest.Options{Env: []string{
		"HUBJWT_ROLES_FILE=" + writeFile(t, "roles.yaml", rolesFile)}})
	resp := mint(t, p, map[string]any{"subject": "alice",
		"scopes": []string{"read:users!user=bob", "read:users!user=dave", "shutdown",
			"access:servers!server=carol/"}})
	want := "access:servers!server=carol/ read:users!user=bob read:users:activity!user=bob " +
		"read:users:groups!user=bob read:users:name!user=bob"
	if resp.Scope != want {
		t.Errorf("scope:\n got %q\nwant %q", resp.Scope, want)
	}
	status, _, raw := call(t, "POST", p.URL+"/v1/tokens", "application/json", "Bearer "+p.AdminToken(),
		`{"subject":"alice","audience":"jupyterhub","scopes":["read:users!user=bob","shutdown"]}`)
	if status != http.StatusOK || !strings.Contains(string(raw), `"dropped_scopes":["shutdown"]`) {
		t.Errorf("audience as a string, one scope dropped: got %d %s, want 200 listing dropped_scopes",
			status, raw)
	}
	if !p.WaitForLog("scopes dropped", "sub=alice", "shutdown", "read:users!user=dave") {
		t.Errorf("no info line naming alice and the dropped scopes:\n%s", p.Logs())
	}
	status, _, body := call(t, "POST", p.URL+"/v1/tokens", "application/json",
		"Bearer "+p.AdminToken(), `{"subject":"alice","scopes":["all"]}`)
	if status != http.StatusBadRequest || !strings.Contains(string(body), "inherit") ||
		!strings.Contains(string(body), "invalid_scope") {
		t.Errorf("scope all: got %d %s, want 400 invalid_scope with a hint at inherit", status, body)
	}
}

func TestInheritFromHubAndHubDown(t *testing.T) {
	hub := jhtest.Start(t, jhtest.Config{
		Users:  []string{"alice", "bob"},
		Groups: map[string][]string{"team": {"bob"}},
		Roles: []jhtest.Role{{Name: "reader", Scopes: []string{"read:users!group=team"},
			Users: []string{"alice"}}},
	})
	p := servetest.Start(t, servetest.Options{Env: []string{
		"HUBJWT_JUPYTERHUB_API_URL=" + hub.APIURL(),
		"HUBJWT_JUPYTERHUB_API_TOKEN=" + hub.ServiceToken,
		"HUBJWT_SCOPES_JUPYTERHUB_VERSION=3.0",
		"HUBJWT_INHERIT_CACHE_TTL=1s",
	}})
	resp := mint(t, p, map[string]any{"subject": "alice", "scopes": []string{"inherit"}})
	for _, want := range []string{"read:users!group=team", "read:users!user=alice", "access:servers!user=alice"} {
		if !slices.Contains(strings.Fields(resp.Scope), want) {
			t.Errorf("inherit from the hub: %q lacks %q", resp.Scope, want)
		}
	}
	hub.Stop(t)
	time.Sleep(1100 * time.Millisecond) // the hubjwt process runs on the real clock
	status, h, body := call(t, "POST", p.URL+"/v1/tokens", "application/json",
		"Bearer "+p.AdminToken(), `{"subject":"alice","scopes":["inherit"]}`)
	if status != http.StatusServiceUnavailable || h.Get("Retry-After") == "" {
		t.Fatalf("hub down, cache expired: got %d %s, want 503 with Retry-After", status, body)
	}
	var e map[string]string
	_ = json.Unmarshal(body, &e)
	if e["error"] != "temporarily_unavailable" || !strings.Contains(e["error_description"], "alice") {
		t.Errorf("error body: got %v, want temporarily_unavailable naming alice", e)
	}
}

// introspect returns the introspection response for tok.
func introspect(t *testing.T, p *servetest.Process, tok string) map[string]any {
	t.Helper()
	status, _, body := call(t, "POST", p.URL+"/oauth2/introspect", "application/x-www-form-urlencoded",
		"Bearer "+p.AdminToken(), "token="+tok)
	if status != http.StatusOK {
		t.Fatalf("introspect: got %d %s", status, body)
	}
	var out map[string]any
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOwnerLostScopesRevokesTokens(t *testing.T) {
	cfg := jhtest.Config{
		Users:  []string{"alice", "bob"},
		Groups: map[string][]string{"team": {"bob"}},
		Roles: []jhtest.Role{{Name: "reader", Scopes: []string{"read:users!group=team"},
			Users: []string{"alice"}}},
	}
	hub := jhtest.Start(t, cfg)
	p := servetest.Start(t, servetest.Options{Env: []string{
		"HUBJWT_JUPYTERHUB_API_URL=" + hub.APIURL(),
		"HUBJWT_JUPYTERHUB_API_TOKEN=" + hub.ServiceToken,
		"HUBJWT_SCOPES_JUPYTERHUB_VERSION=3.0",
		"HUBJWT_INHERIT_CACHE_TTL=1s",
	}})
	before := mint(t, p, map[string]any{"subject": "alice", "scopes": []string{"inherit"}})
	if !strings.Contains(before.Scope, "read:users!group=team") {
		t.Fatalf("alice's inherit token lacks her role's scope: %q", before.Scope)
	}
	cfg.Roles[0].Users = nil
	hub.Restart(t, cfg)
	time.Sleep(1100 * time.Millisecond) // let the 1 s inherit cache expire
	after := mint(t, p, map[string]any{"subject": "alice", "scopes": []string{"inherit"}})
	if strings.Contains(after.Scope, "read:users!group=team") {
		t.Errorf("after losing the role alice still gets its scope: %q", after.Scope)
	}
	if !p.WaitForLog("tokens revoked: the owner lost scopes", "sub=alice") {
		t.Errorf("no subject cut-off logged:\n%s", p.Logs())
	}
	if active(t, p, before.AccessToken) {
		t.Error("the token minted with the lost scopes is still active")
	}
}
