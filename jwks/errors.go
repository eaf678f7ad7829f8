package jwks

import "errors"

var (
	// ErrUnsupportedAlgorithm is returned for a signing algorithm other than
	// ES256, EdDSA, RS256 or PS256.
	ErrUnsupportedAlgorithm = errors.New("jwks: unsupported signing algorithm")
	// ErrKeyNotFound is returned when no key has the requested kid.
	ErrKeyNotFound = errors.New("jwks: key not found")
	// ErrConflict is returned by Store.Save when another writer changed the key
	// set since it was loaded; the caller reloads and retries.
	ErrConflict = errors.New("jwks: key set changed concurrently")
	// ErrNoActiveKey is returned when the key set has no active key to sign with.
	ErrNoActiveKey = errors.New("jwks: no active signing key")
	// ErrInvalidState is returned for a lifecycle change the key's state does
	// not allow, such as retiring a key that is already retired.
	ErrInvalidState = errors.New("jwks: invalid key state for this change")
	// ErrStoreLocked is returned when another process holds the embedded store.
	ErrStoreLocked = errors.New("jwks: key store is locked by another process")
)
