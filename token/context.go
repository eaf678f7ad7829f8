package token

import "context"

// contextKey is the key of the verified token in a request context.
type contextKey struct{}

// verified is what a middleware stores in the request context.
type verified struct {
	claims *Claims
	access *Access
}

// NewContext returns ctx carrying the claims of a verified token and their
// compiled Access, which may be nil. The httpauth and echoauth middleware call
// it, and handlers read the values back with ClaimsFromContext and
// AccessFromContext.
func NewContext(ctx context.Context, c *Claims, a *Access) context.Context {
	return context.WithValue(ctx, contextKey{}, verified{claims: c, access: a})
}

// ClaimsFromContext returns the claims that NewContext stored in ctx, and
// whether there were any.
func ClaimsFromContext(ctx context.Context) (*Claims, bool) {
	v, ok := ctx.Value(contextKey{}).(verified)
	return v.claims, ok && v.claims != nil
}

// AccessFromContext returns the Access that NewContext stored in ctx, and
// whether there was one.
func AccessFromContext(ctx context.Context) (*Access, bool) {
	v, ok := ctx.Value(contextKey{}).(verified)
	return v.access, ok && v.access != nil
}
