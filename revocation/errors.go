package revocation

import "errors"

// ErrRevoked is the error that every revocation error matches with errors.Is.
var ErrRevoked = errors.New("revocation: token revoked")

// Errors that Mirror.Check returns. Each matches ErrRevoked with errors.Is and is
// allocated once, so Check allocates nothing.
var (
	ErrTokenRevoked   error = &revokedError{"revocation: token revoked by jti"}
	ErrSubjectRevoked error = &revokedError{"revocation: tokens of this subject revoked"}
	ErrKeyRevoked     error = &revokedError{"revocation: signing key revoked"}
	ErrAllRevoked     error = &revokedError{
		"revocation: every token issued before the global cut-off revoked"}
)

var (
	// ErrStale is returned by Mirror.Check when the mirror has not synced within
	// MaxStaleness and FailOpen is unset, so it cannot tell whether a token is revoked.
	ErrStale = errors.New("revocation: revocation list is stale: its source has not " +
		"synced within the maximum staleness")

	// ErrUnavailable is returned by a Store whose backend cannot be reached.
	// Nothing was written, so the caller retries later (the server returns 503).
	ErrUnavailable = errors.New("revocation: store unavailable")

	// ErrInvalidEntry is returned for an entry that fails validation. The wrapping
	// error names the field and the fix.
	ErrInvalidEntry = errors.New("revocation: invalid entry")

	// ErrCursorExpired is returned by Store.Changes when changes after the cursor
	// were pruned, so the caller must load a full List again.
	ErrCursorExpired = errors.New("revocation: cursor expired: changes after it " +
		"were pruned; load the full list again")

	// ErrInvalidCursor is returned by Store.Changes for a cursor that no List or
	// Changes call returned.
	ErrInvalidCursor = errors.New("revocation: invalid cursor")

	// ErrInvalidFeed is returned by VerifyFeed and the feed source for a feed that
	// is malformed, forged, for another issuer or older than one already applied.
	ErrInvalidFeed = errors.New("revocation: invalid feed")
)

type revokedError struct{ msg string }

func (e *revokedError) Error() string { return e.msg }

// Is reports whether target is ErrRevoked, so every kind matches it.
func (e *revokedError) Is(target error) bool { return target == ErrRevoked }
