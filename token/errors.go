package token

import "errors"

// Verification errors. Verify wraps exactly one of them, with detail, so
// callers branch with errors.Is and log the message.
var (
	ErrTooLarge          = errors.New("token: token exceeds the maximum size")
	ErrMalformed         = errors.New("token: malformed token")
	ErrForbiddenHeader   = errors.New("token: forbidden header parameter")
	ErrWrongType         = errors.New("token: wrong token type")
	ErrAlgorithm         = errors.New("token: algorithm not allowed")
	ErrNoKeyID           = errors.New("token: missing kid header")
	ErrUnknownKey        = errors.New("token: unknown signing key")
	ErrAlgorithmMismatch = errors.New("token: header alg does not match the key's alg")
	ErrSignature         = errors.New("token: invalid signature")
	ErrIssuer            = errors.New("token: wrong issuer")
	ErrAudience          = errors.New("token: wrong audience")
	ErrExpired           = errors.New("token: token is expired")
	ErrNotYetValid       = errors.New("token: token is not valid yet")
	ErrIssuedInFuture    = errors.New("token: token is issued in the future")
	ErrLifetime          = errors.New("token: token lifetime exceeds the maximum")
	ErrMissingClaim      = errors.New("token: missing required claim")
	ErrRevoked           = errors.New("token: token is revoked")
	ErrRevocationStale   = errors.New("token: revocation list is stale")
	ErrInsufficientScope = errors.New("token: insufficient scope")
	ErrKeySource         = errors.New("token: signing keys unavailable")
	ErrKeysStale         = errors.New("token: signing keys are stale")
)

// Minting errors.
var (
	ErrInvalidRequest = errors.New("token: invalid mint request")
	ErrTTLTooLong     = errors.New("token: requested lifetime exceeds token.max_ttl")
)
