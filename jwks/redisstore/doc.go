// Package redisstore keeps hubjwt's key set in Redis, for several replicas
// sharing one store. The key set, the rotation lease and its fencing counter
// share one Cluster hash slot under hubjwt:keys:{NAMESPACE}:, and every write
// is announced on a pub/sub channel so other replicas reload at once.
//
// It works with any go-redis UniversalClient (one server, Sentinel, Cluster).
// Creating the client is left to revocation/redisstore.NewClient.
package redisstore
