package token

import (
	"context"
	"fmt"
	"slices"

	"github.com/hubjwt/hubjwt/scopes"
)

// inheritScope is JupyterHub's metascope for "whatever the owner can do now".
const inheritScope = "inherit"

// Grant is the scope set a token may carry, as a Granter decided it.
type Grant struct {
	Scopes  []string // expanded, reduced and sorted
	Dropped []string // requested scopes the owner does not hold
	Inherit bool     // Scopes are the owner's resolved `inherit`
}

// Granter decides the scopes of a new token the way JupyterHub decides the
// scopes of a new API token. `inherit` becomes the owner's current scopes.
// Other requested scopes are expanded and intersected with the owner's, so a
// token never carries a scope its owner lacks. It is safe for concurrent use
// when its Resolver is.
type Granter struct {
	Model    *scopes.Model
	Resolver scopes.Resolver
	// Groups resolves group filters during intersection; nil uses the
	// Resolver when it implements scopes.GroupLookup.
	Groups scopes.GroupLookup
}

// Grant returns the scopes a token of kind and subject may carry. An empty
// request means `inherit`, as for a JupyterHub token created without scopes.
// Invalid scopes return an error wrapping scopes.ErrScopeSyntax or
// scopes.ErrUnknownScope; resolver errors are returned wrapped.
func (g *Granter) Grant(ctx context.Context, kind, subject string, requested []string) (Grant, error) {
	if len(requested) == 0 {
		requested = []string{inheritScope}
	}
	if err := g.Model.Validate(requested); err != nil {
		return Grant{}, err
	}
	owner := scopes.Owner{Kind: scopes.OwnerKind(kind), Name: subject}
	held, err := g.Resolver.Resolve(ctx, owner)
	if err != nil {
		return Grant{}, fmt.Errorf("token: resolve the scopes of %s: %w", owner, err)
	}
	kept, dropped, err := g.Model.Intersect(requested, withoutInherit(held), owner, g.groups())
	if err != nil {
		return Grant{}, err
	}
	return Grant{Scopes: kept, Dropped: dropped, Inherit: slices.Contains(requested, inheritScope)}, nil
}

func (g *Granter) groups() scopes.GroupLookup {
	if g.Groups != nil {
		return g.Groups
	}
	if l, ok := g.Resolver.(scopes.GroupLookup); ok {
		return l
	}
	return nil
}

func withoutInherit(list []string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(s string) bool { return s == inheritScope })
}
