package inherit

import (
	"context"
	"fmt"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
)

// HubRolesOptions configures NewHubRoles. It has no fields yet and exists so
// that options can be added without changing the constructor.
type HubRolesOptions struct{}

// HubRoles rebuilds an owner's scopes from the role assignments the hub
// reports and the role definitions of a RoleBook (roles.file merged with
// JupyterHub's default roles), expanded with a scopes.Model. The hub has no
// endpoint for a role's scopes, so the RoleBook must define every role the
// hub assigns, with the same scopes as the hub's load_roles. The hubjwt
// service needs read:roles:users and read:users:groups for users,
// read:roles:groups for their groups, and read:roles:services for services.
// HubRoles is safe for concurrent use.
type HubRoles struct {
	client *hubapi.Client
	book   *scopes.RoleBook
	model  *scopes.Model
}

var _ scopes.Resolver = (*HubRoles)(nil)

// NewHubRoles returns a hub-roles resolver.
func NewHubRoles(client *hubapi.Client, book *scopes.RoleBook, model *scopes.Model,
	_ HubRolesOptions) *HubRoles {
	return &HubRoles{client: client, book: book, model: model}
}

// Resolve returns the owner's expanded scopes, sorted.
func (r *HubRoles) Resolve(ctx context.Context, o scopes.Owner) ([]string, error) {
	var roleNames []string
	var err error
	switch o.Kind {
	case scopes.OwnerUser:
		roleNames, err = r.userRoles(ctx, o)
	case scopes.OwnerService:
		roleNames, err = r.serviceRoles(ctx, o)
	default:
		return nil, fmt.Errorf("inherit: %w %q: resolve needs a user or a service", scopes.ErrOwner, o)
	}
	if err != nil {
		return nil, err
	}
	raw, err := r.roleScopes(o, roleNames)
	if err != nil {
		return nil, err
	}
	expanded, err := r.model.Expand(raw, o)
	if err != nil {
		return nil, fmt.Errorf("inherit: resolve %s: expand the scopes of roles %v: %w",
			o, roleNames, err)
	}
	return normalize(expanded), nil
}

// userRoles returns the roles of user o and of the user's groups.
func (r *HubRoles) userRoles(ctx context.Context, o scopes.Owner) ([]string, error) {
	u, err := r.client.User(ctx, o.Name)
	if err != nil {
		return nil, hubError(o, err, "read:roles:users and read:users:groups")
	}
	if u.Roles == nil || u.Groups == nil {
		return nil, fmt.Errorf("inherit: resolve %s: %w: the hub omitted the user's roles or "+
			"groups; grant the hubjwt service read:roles:users and read:users:groups", o, ErrPermission)
	}
	names := append([]string(nil), u.Roles...)
	for _, group := range u.Groups {
		g, err := r.client.Group(ctx, group)
		if err != nil {
			return nil, hubError(o, err, "read:roles:groups")
		}
		if g.Roles == nil {
			return nil, fmt.Errorf("inherit: resolve %s: %w: the hub omitted the roles of group %q; "+
				"grant the hubjwt service read:roles:groups", o, ErrPermission, group)
		}
		names = append(names, g.Roles...)
	}
	return names, nil
}

// serviceRoles returns the roles of service o.
func (r *HubRoles) serviceRoles(ctx context.Context, o scopes.Owner) ([]string, error) {
	s, err := r.client.Service(ctx, o.Name)
	if err != nil {
		return nil, hubError(o, err, "read:roles:services")
	}
	if s.Roles == nil {
		return nil, fmt.Errorf("inherit: resolve %s: %w: the hub omitted the service's roles; "+
			"grant the hubjwt service read:roles:services", o, ErrPermission)
	}
	return s.Roles, nil
}

// roleScopes returns the raw scopes of the named roles from the RoleBook.
func (r *HubRoles) roleScopes(o scopes.Owner, names []string) ([]string, error) {
	defined := map[string][]string{}
	for _, role := range r.book.Roles() {
		defined[role.Name] = role.Scopes
	}
	var raw []string
	for _, name := range names {
		roleScopes, ok := defined[name]
		if !ok {
			return nil, fmt.Errorf("inherit: resolve %s: %w: the hub assigns role %q; "+
				"copy its load_roles entry (name and scopes) into roles.file", o, ErrRoleUndefined, name)
		}
		raw = append(raw, roleScopes...)
	}
	return raw, nil
}
