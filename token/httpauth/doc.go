// Package httpauth is net/http middleware that accepts a request only with a
// valid hubjwt access token. It takes the token from the Authorization header
// (and, when configured, JupyterHub's `token` scheme or the `token` query
// parameter), verifies it with a token.Verifier, checks a required scope on a
// resource derived from the request, and puts the claims in the request
// context for token.ClaimsFromContext.
//
// Rejections follow RFC 6750 section 3: 401 with a Bearer WWW-Authenticate
// challenge for a missing or invalid token, 403 with error="insufficient_scope"
// and the scope, 400 for a malformed request, and a small JSON OAuth error body.
// The package imports no HTTP framework; token/echoauth adapts it to echo.
package httpauth
