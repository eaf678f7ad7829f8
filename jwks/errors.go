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

// Encryption at rest errors.
var (
	// ErrWrongEncryptionKey is returned when a stored private key was sealed
	// with another keys.encryption_key than the configured one.
	ErrWrongEncryptionKey = errors.New("jwks: private keys were encrypted with another key")
	// ErrEncrypted is returned when a stored private key is encrypted and no
	// keys.encryption_key is configured.
	ErrEncrypted = errors.New("jwks: private keys are encrypted and no encryption key is set")
	// ErrNotEncrypted is returned when a stored private key is plaintext and a
	// keys.encryption_key is configured.
	ErrNotEncrypted = errors.New("jwks: private keys are stored unencrypted")
	// ErrWeakEncryptionKey is returned for a keys.encryption_key too short to
	// be a random secret.
	ErrWeakEncryptionKey = errors.New("jwks: encryption key is too short")
	// ErrLockHeld is returned by Locker.Acquire when another process holds
	// the lease.
	ErrLockHeld = errors.New("jwks: rotation lock is held by another process")
	// ErrFenced is returned by Locker.SaveFenced when the lease was lost or a
	// newer lease holder wrote since; nothing is written.
	ErrFenced = errors.New("jwks: rotation lease lost before the write")
)
