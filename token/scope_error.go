package token

// ScopeError reports that a valid token lacks the scope a request needs. It
// matches ErrInsufficientScope with errors.Is, and Scope is the value for the
// scope attribute of an RFC 6750 section 3 insufficient_scope challenge.
type ScopeError struct {
	Scope string // the scope the request needs, such as access:servers!server=alice/
}

// Error returns the message, naming the scope.
func (e *ScopeError) Error() string {
	return ErrInsufficientScope.Error() + ": the token does not grant " + e.Scope
}

// Is reports whether target is ErrInsufficientScope.
func (e *ScopeError) Is(target error) bool { return target == ErrInsufficientScope }
