// Package authtest holds what the tests of the verifying middleware share: a
// key manager, a minter and a verifier on one moving clock, a revocation
// mirror, and the table of requests that every middleware must answer alike.
package authtest
