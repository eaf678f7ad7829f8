// Package redisstore is a refresh.Store in Redis, for several hubjwt
// replicas. A family is one hash and its redeemed token hashes one set, both
// under the hash tag of the family id so that they share a Cluster slot. Each
// redemption is one Lua script, which Redis runs atomically, and both keys
// expire with the family.
package redisstore
