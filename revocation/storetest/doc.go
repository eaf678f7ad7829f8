// Package storetest is the conformance suite that every revocation.Store passes,
// and a manual clock for tests. Each store package runs it against a real
// backend: a bbolt file, or a redis-server started by internal/redistest.
package storetest
