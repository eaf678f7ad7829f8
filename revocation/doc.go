// Package revocation owns the revocation list of hubjwt: its entries, the Store
// interface that keeps them, the signed feed that publishes them over HTTP and
// the Mirror, the in-memory view that a verifier queries on every request.
//
// An entry revokes one token by jti, every token of one subject issued before a
// time, every token signed by one key, or every token issued before a time (the
// global cut-off written after a store lost its data). Each entry carries the
// time after which every token it covers has expired, so stores forget it then.
//
// The package root imports neither Redis nor bbolt. The stores live in
// revocation/boltstore and revocation/redisstore, and the conformance suite that
// both pass lives in revocation/storetest. Verifying tokens is left to the token
// package, and serving HTTP routes to the server package.
package revocation
