// Package scopes implements JupyterHub's RBAC scope model for hubjwt. It owns the
// scope grammar, the scope tables of JupyterHub 3.0 and of the newest release,
// expansion and reduction, and the intersection of a token's scopes with its
// owner's. It also checks access offline and reads a static roles file, which
// resolves the `inherit` scope without a hub.
//
// A Model holds one version's table plus custom scopes. Expand and Intersect work on
// scope strings, and Compile turns an expanded list into a Set whose Allows method
// checks one required scope against one resource without allocating.
//
// The package does no I/O except reading a roles file in LoadRoles. Resolving
// `inherit` against a running hub's REST API belongs to the subpackage inherit.
package scopes
