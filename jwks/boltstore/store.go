// Package boltstore keeps hubjwt's key set in a bbolt database: the embedded,
// single-process backend.
package boltstore

import (
	"context"
	"encoding/json"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/jwks"
)

var (
	bucket   = []byte("jwks")
	setKey   = []byte("keyset")
	_        = jwks.Store((*Store)(nil))
	emptySet = stored{}
)

// stored is the value under setKey.
type stored struct {
	Version uint64        `json:"version"`
	Records []jwks.Record `json:"keys"`
}

// Store is a jwks.Store in a bbolt bucket. It is safe for concurrent use; bbolt
// serializes writers, so Save's version check and write are one transaction.
type Store struct {
	db *bolt.DB
}

// New returns a Store in db, creating its bucket when missing.
func New(db *bolt.DB) (*Store, error) {
	err := db.Update(func(tx *bolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: create bucket: %w", err)
	}
	return &Store{db: db}, nil
}

// Load returns the stored key set.
func (s *Store) Load(ctx context.Context) (jwks.Snapshot, error) {
	var st stored
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		st, err = read(tx)
		return err
	})
	if err != nil {
		return jwks.Snapshot{}, err
	}
	return jwks.Snapshot{Records: st.Records, Version: st.Version}, nil
}

// Save replaces the key set if its version is still prev.
func (s *Store) Save(ctx context.Context, prev uint64, records []jwks.Record) (uint64, error) {
	var version uint64
	err := s.db.Update(func(tx *bolt.Tx) error {
		st, err := read(tx)
		if err != nil {
			return err
		}
		if st.Version != prev {
			return fmt.Errorf("%w: stored version %d, expected %d", jwks.ErrConflict,
				st.Version, prev)
		}
		version = prev + 1
		raw, err := json.Marshal(stored{Version: version, Records: records})
		if err != nil {
			return fmt.Errorf("boltstore: encode key set: %w", err)
		}
		return tx.Bucket(bucket).Put(setKey, raw)
	})
	if err != nil {
		return 0, err
	}
	return version, nil
}

func read(tx *bolt.Tx) (stored, error) {
	raw := tx.Bucket(bucket).Get(setKey)
	if raw == nil {
		return emptySet, nil
	}
	var st stored
	if err := json.Unmarshal(raw, &st); err != nil {
		return stored{}, fmt.Errorf("boltstore: decode key set: %w", err)
	}
	return st, nil
}
