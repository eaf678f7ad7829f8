package authcode

import "errors"

// Store errors. Callers branch on them with errors.Is.
var (
	// ErrNotFound is a key that was never stored or has expired.
	ErrNotFound = errors.New("authcode: record not found or expired")
	// ErrExists is a Create on a key that is stored and live.
	ErrExists = errors.New("authcode: record exists")
	// ErrInvalid is a record that cannot be stored: an empty key or an expiry
	// that is not after now.
	ErrInvalid = errors.New("authcode: invalid record")
)
