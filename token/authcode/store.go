package authcode

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// Store keeps single-use records until they expire. Implementations are
// safe for concurrent use, by several processes where the backend is shared,
// and run each method as one atomic step.
type Store interface {
	// Create stores value under key until expires. A live record under key
	// gives ErrExists; an empty key or an expiry not after now gives
	// ErrInvalid.
	Create(ctx context.Context, key string, value []byte, expires, now time.Time) error
	// Consume marks the record under key used and returns its value. first
	// is true for exactly one call per record, however many run at once. A
	// missing record, or one whose expiry is not after now, gives
	// ErrNotFound.
	Consume(ctx context.Context, key string, now time.Time) (value []byte, first bool, err error)
	// Update replaces the value of a live record, keeping its expiry and its
	// used mark. A missing or expired record gives ErrNotFound.
	Update(ctx context.Context, key string, value []byte, now time.Time) error
}

// Key returns the store key of a secret: the hex SHA-256 of kind, a NUL
// byte and the secret, so that a code and a login id never share a key and
// the store never holds the secret.
func Key(kind, secret string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + secret))
	return hex.EncodeToString(sum[:])
}

// Validate checks the arguments of Create: it returns ErrInvalid for an
// empty key or an expiry not after now.
func Validate(key string, expires, now time.Time) error {
	if key == "" || !expires.After(now) {
		return ErrInvalid
	}
	return nil
}
