// Package token defines hubjwt's access tokens: the RFC 9068 claims, minting,
// and the offline Verifier that single-user servers and services embed.
//
// The Verifier needs only a JWK Set, local or fetched over HTTP, and optionally
// a revocation list; it never calls the hub or the token service per request.
// This package links no database driver or HTTP framework: key stores, Redis
// and echo live in other packages that callers add only when they use them.
package token
