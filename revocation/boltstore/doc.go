// Package boltstore keeps the revocation list in a bbolt file that the caller
// opened (the embedded backend, for one hubjwt process). It owns the buckets
// whose names start with "revocation."; other packages keep their own buckets in
// the same file. Every Add is committed with fsync before it returns.
package boltstore
