package refresh

import "errors"

// Redemption errors. Each means the presented refresh token grants nothing,
// which the token endpoint reports as invalid_grant.
var (
	// ErrMalformed means the token does not have the refresh token format.
	ErrMalformed = errors.New("refresh: malformed refresh token")
	// ErrNotFound means no family issued the token, or its family is gone.
	ErrNotFound = errors.New("refresh: refresh token not found")
	// ErrExpired means the family passed its absolute lifetime.
	ErrExpired = errors.New("refresh: refresh token expired")
	// ErrRevoked means the family was revoked before this request.
	ErrRevoked = errors.New("refresh: refresh token revoked")
	// ErrReused means the token was already redeemed and is not the previous
	// token within the grace window, so the whole family is now revoked.
	ErrReused = errors.New("refresh: refresh token reused; its family is revoked")
	// ErrClientMismatch means the token was issued to another client.
	ErrClientMismatch = errors.New("refresh: refresh token was issued to another client")
)

// ErrInvalidFamily means a family passed to Store.Create lacks a field.
var ErrInvalidFamily = errors.New("refresh: invalid family")
