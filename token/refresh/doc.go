// Package refresh issues and rotates OAuth 2.0 refresh tokens (RFC 6749
// section 6, with the rotation and reuse detection of OAuth 2.1).
//
// A refresh token is opaque: a family id followed by 256 random bits,
// base64url-encoded. Stores keep only its SHA-256 hash. Each family binds one
// subject, kind, client and scope set and ends at an absolute expiry. Every
// redemption rotates the token. Presenting a token that was already redeemed
// revokes the family, with one exception: within the reuse grace window, the
// immediately previous token returns the same successor again.
//
// This package owns the token format, hashing, the family state machine
// (Decide) and the Service that drives a Store. It imports no storage driver:
// the embedded store is in boltstore and the Redis store in redisstore, and
// both run the conformance suite in storetest.
package refresh
