// Package inherit resolves JupyterHub's `inherit` scope, "whatever the owner
// may do now", against a running hub, and caches the results.
//
// Two sources implement scopes.Resolver. HubToken creates a short-lived
// inherit token for the user through the hub's REST API, reads the scopes the
// hub reports for it and deletes it: the exact result. HubRoles reads the
// roles of a user, of the user's groups or of a service from the hub and
// expands their definitions from a scopes.RoleBook. Cached wraps either with a
// TTL, in memory and optionally in Redis, one hub request in flight per
// subject, and a hook for results that lost scopes.
//
// Scope grammar, tables and expansion belong to package scopes, and the HTTP
// calls to internal/hubapi. Errors are mapped to HTTP statuses by server/.
package inherit
