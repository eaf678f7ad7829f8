package scopes

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func loadBook(t *testing.T, m *Model, name string) *RoleBook {
	t.Helper()
	path := ""
	if name != "" {
		path = filepath.Join("testdata", name)
	}
	b, err := LoadRoles(path, m)
	if err != nil {
		t.Fatalf("LoadRoles(%q): %v", path, err)
	}
	return b
}

func roleNames(b *RoleBook) []string {
	var names []string
	for _, r := range b.Roles() {
		names = append(names, r.Name)
	}
	return names
}

func TestDefaultRoles(t *testing.T) {
	adminLatest := []string{"access:servers", "access:services", "admin-ui", "admin:groups",
		"admin:servers", "admin:services", "admin:users", "list:services", "proxy",
		"read:hub", "read:metrics", "read:roles", "read:services", "shares", "shutdown",
		"tokens"}
	admin30 := []string{"access:servers", "access:services", "admin-ui", "admin:groups",
		"admin:servers", "admin:users", "list:services", "proxy", "read:hub", "read:metrics",
		"read:roles", "read:services", "shutdown", "tokens"}
	for v, wantAdmin := range map[Version][]string{Latest: adminLatest, V30: admin30} {
		m := newModel(t, v)
		b := loadBook(t, m, "")
		checkList(t, "roles", roleNames(b), []string{"user", "admin", "server", "token"})
		checkList(t, "alice", b.ScopesOf(User("alice")), []string{"self"})
		checkList(t, "service", b.ScopesOf(Service("x")), nil)
		groups, known := b.GroupsOf("alice")
		if len(groups) != 0 || !known {
			t.Errorf("GroupsOf(alice): got %q, %v, want none, true", groups, known)
		}
		for _, r := range b.Roles() {
			if err := m.Validate(r.Scopes); err != nil {
				t.Errorf("%s default role %s: %v", v, r.Name, err)
			}
			if r.Name == "admin" {
				checkList(t, string(v)+" admin", sortedCopy(r.Scopes), wantAdmin)
			}
		}
	}
}

func TestDefaultServerRole(t *testing.T) {
	want := map[Version][]string{
		V30:    {"access:servers!user", "users:activity!user"},
		Latest: {"access:servers!server", "users:activity!user"},
	}
	for v, scopes := range want {
		for _, r := range loadBook(t, newModel(t, v), "").Roles() {
			if r.Name == "server" {
				checkList(t, string(v)+" server role", sortedCopy(r.Scopes), scopes)
			}
		}
	}
}

func TestRolesFile(t *testing.T) {
	b := loadBook(t, newModel(t, Latest), "roles-team.yaml")
	cases := []struct {
		owner  Owner
		scopes []string
		roles  []string
	}{
		{User("alice"), []string{"access:servers!group=team", "list:users!group=team",
			"read:servers!server=dave/", "read:users!group=team", "self"},
			[]string{"user", "team-lead"}},
		{User("bob"), []string{"read:groups!group=team", "self"},
			[]string{"user", "team-member"}},
		{User("dave"), []string{"self"}, []string{"user"}},
		{User("erin"), []string{"read:users!user=bob", "read:users:name", "self"},
			[]string{"user", "mixed"}},
		{Service("scope-reader"), []string{"list:users", "read:tokens", "read:users"},
			[]string{"scope-reader"}},
		{Service("bob"), nil, nil},
	}
	for _, c := range cases {
		t.Run(c.owner.String(), func(t *testing.T) {
			checkList(t, "ScopesOf", b.ScopesOf(c.owner), c.scopes)
			checkList(t, "RolesOf", b.RolesOf(c.owner), c.roles)
		})
	}
	if roles := b.RolesOf(User("root")); !contains(roles, "admin") {
		t.Errorf("RolesOf(root): got %q, want admin among them", roles)
	}
	groups, _ := b.GroupsOf("dave")
	checkList(t, "GroupsOf(dave)", groups, []string{"ops"})
	members, ok := b.Members("team")
	checkList(t, "Members(team)", members, []string{"bob", "carol"})
	if !ok {
		t.Error("Members(team): got undefined, want defined")
	}
}

func TestRolesFileList(t *testing.T) {
	m := newModel(t, Latest)
	b := loadBook(t, m, "roles-list.yaml")
	checkList(t, "alice", b.ScopesOf(User("alice")), []string{"read:hub", "read:users!user"})
	got, err := NewStaticResolver(m, b).Resolve(context.Background(), User("bob"))
	if err != nil {
		t.Fatal(err)
	}
	checkList(t, "bob resolved", got, []string{"read:users!user=bob",
		"read:users:activity!user=bob", "read:users:groups!user=bob", "read:users:name!user=bob"})
}

func TestStaticResolverGroups(t *testing.T) {
	m := newModel(t, Latest)
	r := NewStaticResolver(m, loadBook(t, m, "roles-team.yaml"))
	got, err := r.Resolve(context.Background(), User("bob"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"read:groups!group=team", "read:groups:name!group=team",
		"start:servers!user=bob", "read:shares!user=bob"} {
		if !contains(got, want) {
			t.Errorf("Resolve(bob): got %q, want %q among them", got, want)
		}
	}
	if len(got) != 17 {
		t.Errorf("Resolve(bob): got %d scopes, want 17 (15 of self and 2 of team-member)",
			len(got))
	}
}

// TestOwnerLostRole follows minting for alice before and after a reload that
// removed her from the team-lead role.
func TestOwnerLostRole(t *testing.T) {
	ctx := context.Background()
	for _, v := range allVersions {
		t.Run(string(v), func(t *testing.T) {
			m := newModel(t, v)
			before := loadBook(t, m, "roles-team.yaml")
			r := NewStaticResolver(m, before)
			alice := User("alice")
			request := []string{"read:users!user=bob"}
			granted := []string{"read:users!user=bob", "read:users:activity!user=bob",
				"read:users:groups!user=bob", "read:users:name!user=bob"}

			owner, err := r.Resolve(ctx, alice)
			if err != nil {
				t.Fatal(err)
			}
			kept, dropped, err := m.Intersect(request, owner, alice, r)
			if err != nil {
				t.Fatal(err)
			}
			checkList(t, "kept before", kept, granted)
			checkList(t, "dropped before", dropped, nil)

			r.Replace(loadBook(t, m, "roles-team-lead-removed.yaml"))
			owner, err = r.Resolve(ctx, alice)
			if err != nil {
				t.Fatal(err)
			}
			if contains(owner, "read:users!group=team") {
				t.Fatalf("Resolve after removal: got %q, want no team-lead scope", owner)
			}
			kept, dropped, err = m.Intersect(request, owner, alice, r)
			if err != nil {
				t.Fatal(err)
			}
			checkList(t, "kept after", kept, nil)
			checkList(t, "dropped after", dropped, granted)

			kept, _, err = m.Intersect([]string{"inherit"}, owner, alice, r)
			if err != nil {
				t.Fatal(err)
			}
			selfOnly, err := m.Expand([]string{"self"}, alice)
			if err != nil {
				t.Fatal(err)
			}
			checkList(t, "inherit after", kept, selfOnly)
		})
	}
}

func TestStaticResolverErrors(t *testing.T) {
	m := newModel(t, Latest)
	r := NewStaticResolver(m, loadBook(t, m, ""))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := r.Resolve(ctx, User("alice")); !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: got %v, want context.Canceled", err)
	}
	for _, o := range []Owner{{}, {Kind: "group", Name: "g"}, {Kind: OwnerUser}} {
		if _, err := r.Resolve(context.Background(), o); !errors.Is(err, ErrOwner) {
			t.Errorf("Resolve(%+v): got %v, want ErrOwner", o, err)
		}
	}
}

func TestLoadRolesInvalid(t *testing.T) {
	cases := []struct {
		name    string
		version Version
		yaml    string
		reason  string
	}{
		{"unknown scope", Latest, "roles: [{name: r, scopes: [read:everything]}]",
			"read:everything"},
		{"all scope", Latest, "roles: [{name: r, scopes: [all]}]", "inherit"},
		{"bare group", Latest, "roles: [{name: r, scopes: ['read:users!group']}]",
			"!group=NAME"},
		{"latest scope on 3.0", V30, "roles: [{name: r, scopes: [shares]}]", "shares"},
		{"undefined group", Latest, "roles: [{name: r, scopes: [read:hub], groups: [tema]}]",
			"does not define"},
		{"unknown field", Latest, "roles: [{name: r, scope: [read:hub]}]", "scope"},
		{"unknown top field", Latest, "load_roles: []", "load_roles"},
		{"duplicate role", Latest, "roles: [{name: r}, {name: r}]", "defined twice"},
		{"missing name", Latest, "roles: [{scopes: [read:hub]}]", "no name"},
		{"empty user", Latest, "roles: [{name: r, users: ['']}]", "non-empty"},
		{"user with space", Latest, "roles: [{name: r, users: ['a b']}]", "whitespace"},
		{"bad admin user", Latest, "admin_users: ['']", "admin_users"},
		{"bad group member", Latest, "groups: {team: ['']}", "group \"team\""},
		{"group field", Latest, "groups: {team: {members: [a]}}", "members"},
		{"not yaml", Latest, "roles: [", "yaml"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "roles.yaml")
			if err := os.WriteFile(path, []byte(c.yaml), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadRoles(path, newModel(t, c.version))
			if !errors.Is(err, ErrRoles) {
				t.Fatalf("got %v, want ErrRoles", err)
			}
			if msg := err.Error(); !strings.Contains(msg, c.reason) ||
				strings.Contains(msg, "\n") {
				t.Errorf("message: got %q, want one line containing %q", msg, c.reason)
			}
		})
	}
}

func TestLoadRolesMissingFile(t *testing.T) {
	_, err := LoadRoles(filepath.Join(t.TempDir(), "absent.yaml"), newModel(t, Latest))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v, want os.ErrNotExist", err)
	}
}

func TestLoadRolesEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "roles.yaml")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	b, err := LoadRoles(path, newModel(t, Latest))
	if err != nil {
		t.Fatal(err)
	}
	checkList(t, "alice", b.ScopesOf(User("alice")), []string{"self"})
}

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sortStrings(out)
	return out
}
