package token

import (
	"fmt"
	"strings"

	"github.com/hubjwt/hubjwt/scopes"
)

// Access is what one verified token may do: its scope claim compiled by the
// verifier's scope model, with the verifier's group lookup. It is immutable and
// safe for concurrent use.
type Access struct {
	set     *scopes.Set
	groups  scopes.GroupLookup
	ignored []string
}

// Access compiles the scope claim of claims, which Verify returned. The claim
// holds the expanded, reduced scope set, so compiling it needs no owner. Scopes
// that the verifier's model does not define (a hub on another JupyterHub
// version, or custom scopes the model lacks) and scopes that need an owner
// (`self`, `inherit`, bare filters) are left out and listed by Ignored: they
// narrow what the token may do, never widen it.
func (v *Verifier) Access(c *Claims) (*Access, error) {
	model, err := v.scopeModel()
	if err != nil {
		return nil, err
	}
	var kept, ignored []string
	for _, s := range c.Scopes() {
		sc, err := model.Parse(s)
		if err != nil || sc.Bare || sc.Name == "self" || sc.Name == "inherit" {
			ignored = append(ignored, s)
			continue
		}
		kept = append(kept, s)
	}
	set, err := model.Compile(kept)
	if err != nil {
		return nil, fmt.Errorf("%w: scope claim: %v", ErrMalformed, err)
	}
	return &Access{set: set, groups: v.groups, ignored: ignored}, nil
}

// Ignored returns the scopes of the claim that Access left out.
func (a *Access) Ignored() []string { return append([]string(nil), a.ignored...) }

// Set returns the compiled scope set.
func (a *Access) Set() *scopes.Set { return a.set }

// Allows reports whether the token grants the scope name on r. When r names a
// user and carries no Groups, the verifier's group lookup fills them in, so a
// `!group=` filter grants a member's resources. Without a lookup, or for a user
// the lookup does not list, a group filter grants nothing: membership that
// cannot be resolved narrows access, never widens it.
func (a *Access) Allows(name string, r scopes.Resource) bool {
	if r.Groups == nil && r.User != "" && a.groups != nil {
		if groups, known := a.groups.GroupsOf(r.User); known {
			r.Groups = groups
		}
	}
	return a.set.Allows(name, r)
}

// AllowsScope reports whether the token grants the scope string s:
// `name` needs the name unfiltered, and `name!KIND=VALUE` needs it on that
// resource. A scope string that does not parse, or a bare filter such as
// `name!user`, grants nothing.
func (a *Access) AllowsScope(s string) bool {
	name, r, ok := requirementOf(s)
	return ok && a.Allows(name, r)
}

// OpensServer reports whether the token opens the single-user server sa: it
// grants one of sa's access scopes, as scopes.ServerAccess.Allows decides, with
// the owner's groups from the verifier's group lookup.
func (a *Access) OpensServer(sa scopes.ServerAccess) bool {
	var groups []string
	if a.groups != nil {
		groups, _ = a.groups.GroupsOf(sa.User)
	}
	return sa.Allows(a.set, groups)
}

// requirementOf splits a scope string into its name and the resource its filter
// names. ok is false for a bare filter or an unknown filter kind.
func requirementOf(s string) (name string, r scopes.Resource, ok bool) {
	name, filter, filtered := strings.Cut(s, "!")
	if name == "" {
		return "", scopes.Resource{}, false
	}
	if !filtered {
		return name, scopes.Resource{}, true
	}
	kind, value, hasValue := strings.Cut(filter, "=")
	if !hasValue || value == "" {
		return "", scopes.Resource{}, false
	}
	switch scopes.Kind(kind) {
	case scopes.KindUser:
		r = scopes.Resource{Kind: scopes.KindUser, User: value}
	case scopes.KindServer:
		user, server, found := strings.Cut(value, "/")
		if !found || user == "" {
			return "", scopes.Resource{}, false
		}
		r = scopes.ServerResource(user, server, nil)
	case scopes.KindGroup:
		r = scopes.Resource{Kind: scopes.KindGroup, Group: value}
	case scopes.KindService:
		r = scopes.Resource{Kind: scopes.KindService, Service: value}
	default:
		return "", scopes.Resource{}, false
	}
	return name, r, true
}
