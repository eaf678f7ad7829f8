// Package hubapi is a small client of JupyterHub's REST API (written against
// JupyterHub 3.0): who owns a token, token creation and deletion for a user,
// and the role and group assignments of users, groups and services.
//
// Every call takes a context first. Responses are size-limited, and errors
// name the URL path and the HTTP status but never a token. Callers branch on
// the sentinels in errors.go with errors.Is. Scope semantics (expansion,
// filters) belong to package scopes; this package only moves JSON.
package hubapi
