// Package server is hubjwt's HTTP application on echo: the routes, the
// authentication of callers, the OAuth 2.0 error responses and the request
// logs. It maps domain errors to HTTP statuses in one place (errors.go) and
// leaves keys, tokens, scopes and revocation to their packages.
package server
