// Package jwks owns hubjwt's signing keys: generation, the key lifecycle
// (next, active, retired), the public JWK Set document with its ETag, and the
// signer that signs with the active key.
//
// Storage is behind the Store interface; implementations live in their own
// packages (jwks/boltstore) so that code which only verifies tokens never links
// a database driver. Verification itself lives in package token.
package jwks
