package main

import (
	bolt "go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/token/authcode"
	"github.com/hubjwt/hubjwt/token/authcode/boltstore"
	"github.com/hubjwt/hubjwt/token/authcode/redisstore"
)

// openAuthCodes returns the store of authorization codes and pending logins:
// Redis when the key backend uses it, so every replica redeems every code,
// else the bbolt file.
func openAuthCodes(backend keyBackend, db *bolt.DB) (authcode.Store, error) {
	if backend.redis != nil {
		return redisstore.New(backend.redis), nil
	}
	return boltstore.New(db)
}
