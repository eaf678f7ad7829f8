package echoauth

import (
	"github.com/labstack/echo/v4"

	"github.com/hubjwt/hubjwt/token"
	"github.com/hubjwt/hubjwt/token/httpauth"
)

// ClaimsKey is the echo.Context key under which Middleware stores the claims
// of the verified token, as a *token.Claims.
const ClaimsKey = "hubjwt.claims"

// Middleware returns echo middleware that authenticates each request with a.
// Attach it to routes, not with Echo.Pre, so that the path parameters are known:
// it copies them into the request for r.PathValue. A rejected request gets the
// RFC 6750 response and never reaches the handler.
// An accepted one reaches it with the claims in the request context (see
// token.ClaimsFromContext), under ClaimsKey in the echo.Context, and without
// an accepted query token in its URL.
func Middleware(a *httpauth.Authenticator) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			// Copy echo's path parameters into the request, so that an
			// httpauth.ResourceFunc reads them with r.PathValue.
			for i, name := range c.ParamNames() {
				r.SetPathValue(name, c.ParamValues()[i])
			}
			r, fail := a.Authenticate(r)
			if fail != nil {
				fail.Write(c.Response())
				return nil
			}
			c.SetRequest(r)
			if claims, ok := token.ClaimsFromContext(r.Context()); ok {
				c.Set(ClaimsKey, claims)
			}
			return next(c)
		}
	}
}

// New builds an Authenticator from opts and returns its Middleware.
func New(opts httpauth.Options) (echo.MiddlewareFunc, error) {
	a, err := httpauth.New(opts)
	if err != nil {
		return nil, err
	}
	return Middleware(a), nil
}

// ClaimsFrom returns the claims Middleware stored in c, and whether there were
// any.
func ClaimsFrom(c echo.Context) (*token.Claims, bool) {
	return token.ClaimsFromContext(c.Request().Context())
}
