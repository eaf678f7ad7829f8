package httpauth

import (
	"fmt"
	"net/http"

	"github.com/hubjwt/hubjwt/scopes"
	"github.com/hubjwt/hubjwt/token"
)

// Authorizer decides whether a verified token may make a request. It returns
// nil to allow, a *token.ScopeError (or another error wrapping
// token.ErrInsufficientScope) for 403, and an error wrapping ErrBadResource for
// a request that names no valid resource (400).
type Authorizer interface {
	Authorize(r *http.Request, c *token.Claims, a *token.Access) error
}

// AuthorizerFunc adapts a function to Authorizer.
type AuthorizerFunc func(r *http.Request, c *token.Claims, a *token.Access) error

// Authorize calls f.
func (f AuthorizerFunc) Authorize(r *http.Request, c *token.Claims, a *token.Access) error {
	return f(r, c, a)
}

// ResourceFunc derives the resource a request acts on, such as the user named
// in its path.
type ResourceFunc func(r *http.Request) (scopes.Resource, error)

// RequireScope returns an Authorizer that needs the scope name on the resource
// that resource derives from the request, checked with Access.Allows (so the
// verifier's group lookup applies). A nil resource needs the scope unfiltered.
// The 403 challenge names the scope with the resource's filter, such as
// access:servers!server=alice/.
func RequireScope(name string, resource ResourceFunc) Authorizer {
	return AuthorizerFunc(func(r *http.Request, _ *token.Claims, a *token.Access) error {
		var res scopes.Resource
		if resource != nil {
			var err error
			if res, err = resource(r); err != nil {
				return fmt.Errorf("%w: %v", ErrBadResource, err)
			}
		}
		if a.Allows(name, res) {
			return nil
		}
		needed := name
		if f := res.String(); f != "" {
			needed += "!" + f
		}
		return &token.ScopeError{Scope: needed}
	})
}

// RequireServerAccess returns an Authorizer that lets a token through when it
// opens the single-user server sa, as Access.OpensServer decides. The 403
// challenge names the first access scope, access:servers!server=USER/NAME by
// default.
func RequireServerAccess(sa scopes.ServerAccess) Authorizer {
	needed := sa.Scopes()[0]
	return AuthorizerFunc(func(_ *http.Request, _ *token.Claims, a *token.Access) error {
		if a.OpensServer(sa) {
			return nil
		}
		return &token.ScopeError{Scope: needed}
	})
}
