package scopes

import (
	"context"
	"fmt"
	"sync/atomic"
)

// Resolver returns the current expanded scopes of a user or service: what the
// `inherit` scope stands for at the time of the call. A token minted with `inherit`
// carries these concrete scopes, so it may hold scopes its owner lost later until it
// expires: the token's lifetime bounds that staleness.
type Resolver interface {
	Resolve(ctx context.Context, o Owner) ([]string, error)
}

// StaticResolver resolves owners from a RoleBook: the expansion of the scopes of
// the owner's roles, including the roles of a user's groups. It is safe for
// concurrent use, and Replace swaps the RoleBook, such as after a reload.
type StaticResolver struct {
	model *Model
	book  atomic.Pointer[RoleBook]
}

var (
	_ Resolver    = (*StaticResolver)(nil)
	_ GroupLookup = (*StaticResolver)(nil)
)

// NewStaticResolver returns a resolver over the roles of b, expanded with m.
func NewStaticResolver(m *Model, b *RoleBook) *StaticResolver {
	r := &StaticResolver{model: m}
	r.book.Store(b)
	return r
}

// Replace makes later calls use b.
func (r *StaticResolver) Replace(b *RoleBook) { r.book.Store(b) }

// Resolve returns the owner's expanded scopes, sorted.
func (r *StaticResolver) Resolve(ctx context.Context, o Owner) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if o == (Owner{}) {
		return nil, fmt.Errorf("scopes: %w: resolve needs a user or service owner", ErrOwner)
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	return r.model.Expand(r.book.Load().ScopesOf(o), o)
}

// GroupsOf returns the user's groups from the current RoleBook.
func (r *StaticResolver) GroupsOf(user string) ([]string, bool) {
	return r.book.Load().GroupsOf(user)
}
