package scopes

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"
)

// rolesFile is the YAML document of a roles file:
//
//	roles:            # like JupyterHub's load_roles
//	  - name: team-lead
//	    description: group-filtered access to team members
//	    scopes: [read:users!group=team, access:servers!group=team]
//	    users: [alice]
//	    groups: [leads]
//	    services: [reporter]
//	groups:           # like load_groups: a user list, or {users: [...]}
//	  team: [bob, carol]
//	admin_users: [root]   # optional, like Authenticator.admin_users
//
// A document that is only a list is read as the roles.
type rolesFile struct {
	Roles      []Role                `yaml:"roles"`
	Groups     map[string]groupEntry `yaml:"groups"`
	AdminUsers []string              `yaml:"admin_users"`
}

// groupEntry is one group of the `groups` map: a list of users, or a mapping with
// `users` and JupyterHub's `properties`, which hubjwt ignores.
type groupEntry struct {
	Users []string
}

func (g *groupEntry) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.SequenceNode {
		return n.Decode(&g.Users)
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: a group is a list of users or a mapping with users",
			n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := n.Content[i], n.Content[i+1]
		switch key.Value {
		case "users":
			if err := value.Decode(&g.Users); err != nil {
				return err
			}
		case "properties":
		default:
			return fmt.Errorf("line %d: field %s not found in a group; use users "+
				"and properties", key.Line, key.Value)
		}
	}
	return nil
}

// LoadRoles reads a roles file and merges it with the default roles of m's version:
// `user` (`self`, held by every user), `admin` (held by admin_users and the role's
// users), `server` and `token`. Path "" means the default roles only. Every scope
// is validated against m, and a role may name only groups the file defines.
func LoadRoles(path string, m *Model) (*RoleBook, error) {
	var f rolesFile
	if path != "" {
		var err error
		if f, err = readRolesFile(path); err != nil {
			return nil, err
		}
	} else {
		path = "(default roles)"
	}
	return buildRoleBook(path, f, m)
}

func readRolesFile(path string) (rolesFile, error) {
	var f rolesFile
	raw, err := os.ReadFile(path)
	if err != nil {
		return f, fmt.Errorf("scopes: read roles file: %w", err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(raw, &doc); err != nil {
		return f, rolesError(path, "%s", yamlMessage(err))
	}
	if len(doc.Content) == 0 {
		return f, nil
	}
	var target any = &f
	if doc.Content[0].Kind == yaml.SequenceNode {
		target = &f.Roles
	}
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true)
	if err := dec.Decode(target); err != nil {
		return f, rolesError(path, "%s", yamlMessage(err))
	}
	return f, nil
}

// yamlMessage returns a YAML error on one line.
func yamlMessage(err error) string {
	var typeErr *yaml.TypeError
	if errors.As(err, &typeErr) {
		return "yaml: " + strings.Join(typeErr.Errors, "; ")
	}
	return strings.ReplaceAll(err.Error(), "\n", "; ")
}

func buildRoleBook(path string, f rolesFile, m *Model) (*RoleBook, error) {
	b := &RoleBook{groups: map[string][]string{}, userGroups: map[string][]string{}}
	if err := b.addGroups(path, f.Groups); err != nil {
		return nil, err
	}
	roles := copyRoles(m.defaultRoles)
	seen := map[string]bool{}
	for i, r := range f.Roles {
		if err := b.checkRole(path, i, r, m); err != nil {
			return nil, err
		}
		if seen[r.Name] {
			return nil, rolesError(path, "role %q is defined twice", r.Name)
		}
		seen[r.Name] = true
		roles = mergeRole(roles, r)
	}
	if err := checkNames(path, "admin_users", f.AdminUsers); err != nil {
		return nil, err
	}
	roles = mergeRole(roles, Role{Name: "admin", Users: f.AdminUsers})
	b.roles = roles
	return b, nil
}

func (b *RoleBook) addGroups(path string, groups map[string]groupEntry) error {
	for name, g := range groups {
		if err := checkNames(path, "group name", []string{name}); err != nil {
			return err
		}
		if err := checkNames(path, "group "+quote(name), g.Users); err != nil {
			return err
		}
		users := append([]string(nil), g.Users...)
		sort.Strings(users)
		b.groups[name] = users
		for _, u := range users {
			b.userGroups[u] = append(b.userGroups[u], name)
		}
	}
	for u := range b.userGroups {
		sort.Strings(b.userGroups[u])
	}
	return nil
}

func (b *RoleBook) checkRole(path string, i int, r Role, m *Model) error {
	if r.Name == "" {
		return rolesError(path, "role %d has no name", i+1)
	}
	if err := m.Validate(r.Scopes); err != nil {
		return rolesError(path, "role %q: %v", r.Name, oneLine(err))
	}
	for field, names := range map[string][]string{
		"users": r.Users, "groups": r.Groups, "services": r.Services} {
		if err := checkNames(path, "role "+quote(r.Name)+" "+field, names); err != nil {
			return err
		}
	}
	for _, g := range r.Groups {
		if _, ok := b.groups[g]; !ok {
			return rolesError(path, "role %q names group %q, which the groups "+
				"section does not define; add it there with its users", r.Name, g)
		}
	}
	return nil
}

func checkNames(path, field string, names []string) error {
	for _, n := range names {
		if n == "" || badCharacters(n) != "" {
			return rolesError(path, "%s: %q must be a non-empty name without whitespace "+
				"or control characters", field, n)
		}
	}
	return nil
}

// oneLine joins the errors of errors.Join with "; " so a message stays on one line.
func oneLine(err error) string {
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return err.Error()
	}
	msg := ""
	for i, e := range joined.Unwrap() {
		if i > 0 {
			msg += "; "
		}
		msg += e.Error()
	}
	return msg
}
