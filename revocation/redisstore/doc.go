// Package redisstore keeps the revocation list in Redis through a go-redis
// UniversalClient, so a single server, Sentinel and Cluster all work, and feeds
// mirrors from the Redis stream of its changes.
//
// Every key of one list shares the hash tag {LIST} (hubjwt:revocation:{default}:...)
// so the Lua scripts that touch several keys run on Cluster. Entries expire with
// Redis TTLs. A generation marker key detects a Redis that lost its data; the
// store and every mirror then revoke every token issued before the loss.
// Durability of Add is that of the server's persistence settings (AOF with
// appendfsync always or everysec).
package redisstore
