package scopes

import (
	"errors"
	"fmt"
)

// Sentinel errors; callers branch on them with errors.Is.
var (
	// ErrScopeSyntax reports a malformed scope string: an empty part, an unknown
	// filter kind, a bare `!group`, whitespace or a control character.
	ErrScopeSyntax = errors.New("invalid scope syntax")
	// ErrUnknownScope reports a scope name that the version's table and the custom
	// scopes do not define.
	ErrUnknownScope = errors.New("unknown scope")
	// ErrNotExpanded reports `self`, `inherit` or a bare filter where an expanded,
	// resolved list is required (Compile).
	ErrNotExpanded = errors.New("scope not expanded")
	// ErrCustomScope reports an invalid custom scope definition.
	ErrCustomScope = errors.New("invalid custom scope")
	// ErrVersion reports an unsupported JupyterHub version string.
	ErrVersion = errors.New("unsupported jupyterhub version")
	// ErrOwner reports a malformed token owner.
	ErrOwner = errors.New("invalid owner")
	// ErrResource reports a malformed resource.
	ErrResource = errors.New("invalid resource")
	// ErrRoles reports an invalid roles file.
	ErrRoles = errors.New("invalid roles file")
)

// ScopeError is the error for one scope string. It carries the scope as given and
// wraps ErrScopeSyntax, ErrUnknownScope or ErrNotExpanded.
type ScopeError struct {
	Scope  string // the scope string as given
	Reason string // the cause of the rejection and what to write instead
	Err    error  // the sentinel
}

func (e *ScopeError) Error() string {
	return fmt.Sprintf("scopes: %v %q: %s", e.Err, e.Scope, e.Reason)
}

// Unwrap returns the sentinel, so errors.Is works.
func (e *ScopeError) Unwrap() error { return e.Err }

func syntaxError(scope, reason string) error {
	return &ScopeError{Scope: scope, Reason: reason, Err: ErrScopeSyntax}
}
