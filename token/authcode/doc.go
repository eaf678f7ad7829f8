// Package authcode stores the single-use records of the OpenID Connect
// authorization code flow: authorization codes and the pending logins of the
// hub leg. A record is consumed once, atomically, and lives until its expiry,
// so that a second use is detected instead of being mistaken for an unknown
// code. Callers choose the keys; they pass a digest of a secret, never the
// secret itself. Store implementations live in boltstore and redisstore; the
// in-memory Memory serves a single process and tests.
package authcode
