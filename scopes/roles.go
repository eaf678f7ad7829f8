package scopes

import (
	"fmt"
	"sort"
)

// Role is a named list of scopes and the users, groups and services that hold it,
// in the shape of one entry of JupyterHub's `load_roles` setting.
type Role struct {
	Name        string   `json:"name" yaml:"name"`
	Description string   `json:"description,omitempty" yaml:"description"`
	Scopes      []string `json:"scopes" yaml:"scopes"`
	Users       []string `json:"users,omitempty" yaml:"users"`
	Groups      []string `json:"groups,omitempty" yaml:"groups"`
	Services    []string `json:"services,omitempty" yaml:"services"`
}

// The default role that every user holds.
const userRole = "user"

// RoleBook is the roles and groups of a roles file merged with JupyterHub's default
// roles for the model's version. It is immutable after LoadRoles and safe for
// concurrent use.
type RoleBook struct {
	roles      []Role
	groups     map[string][]string // group -> users, sorted
	userGroups map[string][]string // user -> groups, sorted
}

// Roles returns the merged roles, default roles first.
func (b *RoleBook) Roles() []Role {
	out := make([]Role, len(b.roles))
	copy(out, b.roles)
	return out
}

// Members returns the users of a group, sorted, and whether the group is defined.
func (b *RoleBook) Members(group string) ([]string, bool) {
	users, ok := b.groups[group]
	return append([]string(nil), users...), ok
}

// GroupsOf returns the groups of user, sorted. The roles file is the whole truth
// about membership, so known is always true.
func (b *RoleBook) GroupsOf(user string) ([]string, bool) {
	return append([]string(nil), b.userGroups[user]...), true
}

var _ GroupLookup = (*RoleBook)(nil)

// RolesOf returns the names of the roles the owner holds, directly or, for a user,
// through a group. Every user holds the default `user` role.
func (b *RoleBook) RolesOf(o Owner) []string {
	var names []string
	for _, r := range b.roles {
		if b.holds(r, o) {
			names = append(names, r.Name)
		}
	}
	return names
}

// ScopesOf returns the raw scopes of the owner's roles, before expansion, sorted
// and without duplicates. For a user these include the roles of the user's groups.
func (b *RoleBook) ScopesOf(o Owner) []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range b.roles {
		if !b.holds(r, o) {
			continue
		}
		for _, s := range r.Scopes {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	sort.Strings(out)
	return out
}

func (b *RoleBook) holds(r Role, o Owner) bool {
	switch o.Kind {
	case OwnerUser:
		if r.Name == userRole || contains(r.Users, o.Name) {
			return true
		}
		for _, g := range b.userGroups[o.Name] {
			if contains(r.Groups, g) {
				return true
			}
		}
	case OwnerService:
		return contains(r.Services, o.Name)
	}
	return false
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// mergeRole adds a file role to the defaults: a role named like a default role adds
// its members to it and, when it lists scopes, replaces the default scopes.
func mergeRole(roles []Role, r Role) []Role {
	for i := range roles {
		if roles[i].Name != r.Name {
			continue
		}
		if r.Scopes != nil {
			roles[i].Scopes = r.Scopes
		}
		if r.Description != "" {
			roles[i].Description = r.Description
		}
		roles[i].Users = append(roles[i].Users, r.Users...)
		roles[i].Groups = append(roles[i].Groups, r.Groups...)
		roles[i].Services = append(roles[i].Services, r.Services...)
		return roles
	}
	return append(roles, r)
}

func copyRoles(in []Role) []Role {
	out := make([]Role, len(in))
	for i, r := range in {
		out[i] = Role{Name: r.Name, Description: r.Description,
			Scopes:   append([]string(nil), r.Scopes...),
			Users:    append([]string(nil), r.Users...),
			Groups:   append([]string(nil), r.Groups...),
			Services: append([]string(nil), r.Services...)}
	}
	return out
}

func rolesError(path, format string, args ...any) error {
	return fmt.Errorf("scopes: %w %s: %s", ErrRoles, path, fmt.Sprintf(format, args...))
}
