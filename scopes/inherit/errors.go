package inherit

import "errors"

var (
	// ErrUnavailable means the source of scopes (the hub) could not be reached
	// and no cached result is fresh. The server maps it to 503. Resolvers never
	// return guessed or expired scopes in its place.
	ErrUnavailable = errors.New("inherit source unavailable")
	// ErrNotFound means the hub does not know the user or service.
	ErrNotFound = errors.New("subject not found on the hub")
	// ErrPermission means the hub refused a request of the hubjwt service, or
	// omitted fields, because the service lacks a scope the mode needs.
	ErrPermission = errors.New("hubjwt service lacks a hub permission")
	// ErrUnsupported means the mode cannot resolve this subject, such as a
	// service other than hubjwt itself in hub-token mode without a fallback.
	ErrUnsupported = errors.New("subject cannot be resolved by this mode")
	// ErrRoleUndefined means the hub assigns a role that the role book does not
	// define, so hub-roles mode cannot know its scopes.
	ErrRoleUndefined = errors.New("role not defined in the roles file")
)
