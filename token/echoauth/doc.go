// Package echoauth adapts token/httpauth to the echo web framework: the same
// token sources, verification, scope checks and RFC 6750 responses, as an
// echo.MiddlewareFunc. It is a separate package so that token and
// token/httpauth do not import echo.
package echoauth
