// Package boltstore is a refresh.Store in the embedded bbolt file. Each
// redemption runs in one bbolt read-write transaction, which bbolt runs one
// at a time, so it is atomic within the process that holds the file.
package boltstore

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/token/refresh"
)

// Bucket names. Used token hashes are keyed by family id, a NUL byte and
// the hash, so that a family's hashes share a prefix.
var (
	bucketFamilies = []byte("refresh.families")
	bucketUsed     = []byte("refresh.used")
)

// Store is a refresh.Store in a bbolt file. It is safe for concurrent use.
type Store struct {
	db *bbolt.DB
}

var _ refresh.Store = (*Store)(nil)

// New creates the store's buckets in db when missing. The caller opens db
// and closes it.
func New(db *bbolt.DB) (*Store, error) {
	err := db.Update(func(tx *bbolt.Tx) error {
		for _, b := range [][]byte{bucketFamilies, bucketUsed} {
			if _, err := tx.CreateBucketIfNotExists(b); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("refresh boltstore: create buckets: %w", err)
	}
	return &Store{db: db}, nil
}

// Create stores a new family.
func (s *Store) Create(_ context.Context, f refresh.Family) error {
	if err := f.Validate(); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketFamilies)
		if b.Get([]byte(f.ID)) != nil {
			return fmt.Errorf("%w %s: the id exists", refresh.ErrInvalidFamily, f.ID)
		}
		return putFamily(b, f)
	})
}

// Redeem applies refresh.Decide in one read-write transaction.
func (s *Store) Redeem(_ context.Context, r refresh.Redemption) (refresh.Outcome, error) {
	var out refresh.Outcome
	var decideErr error
	err := s.db.Update(func(tx *bbolt.Tx) error {
		families := tx.Bucket(bucketFamilies)
		f, err := getFamily(families, r.FamilyID)
		if err != nil {
			decideErr = err
			return nil
		}
		used := tx.Bucket(bucketUsed)
		wasUsed := used.Get(usedKey(r.FamilyID, r.Hash)) != nil
		out, decideErr = refresh.Decide(&f, wasUsed, r)
		switch {
		case out.Result == refresh.Rotated:
			if err := used.Put(usedKey(r.FamilyID, r.Hash), nil); err != nil {
				return err
			}
			return putFamily(families, f)
		case f.Revoked:
			return putFamily(families, f)
		}
		return nil
	})
	if err != nil {
		return refresh.Outcome{}, fmt.Errorf("refresh boltstore: redeem in family %s: %w",
			r.FamilyID, err)
	}
	return out, decideErr
}

// Revoke marks a family revoked.
func (s *Store) Revoke(_ context.Context, familyID string) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucketFamilies)
		f, err := getFamily(b, familyID)
		if err != nil {
			return err
		}
		f.Revoked = true
		return putFamily(b, f)
	})
}

// Get returns a family.
func (s *Store) Get(_ context.Context, familyID string) (refresh.Family, error) {
	var f refresh.Family
	err := s.db.View(func(tx *bbolt.Tx) error {
		var err error
		f, err = getFamily(tx.Bucket(bucketFamilies), familyID)
		return err
	})
	return f, err
}

// Purge deletes the families that ended before now, with their used hashes,
// in one transaction.
func (s *Store) Purge(_ context.Context, now time.Time) (int, error) {
	n := 0
	err := s.db.Update(func(tx *bbolt.Tx) error {
		families, used := tx.Bucket(bucketFamilies), tx.Bucket(bucketUsed)
		var ended [][]byte
		err := families.ForEach(func(k, v []byte) error {
			var f refresh.Family
			if err := json.Unmarshal(v, &f); err != nil {
				return fmt.Errorf("decode family %s: %w", k, err)
			}
			if !now.Before(f.ExpiresAt) {
				ended = append(ended, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ended {
			if err := families.Delete(id); err != nil {
				return err
			}
			if err := deletePrefix(used, usedKey(string(id), "")); err != nil {
				return err
			}
		}
		n = len(ended)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("refresh boltstore: purge: %w", err)
	}
	return n, nil
}

func deletePrefix(b *bbolt.Bucket, prefix []byte) error {
	c := b.Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Seek(prefix) {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return nil
}

func usedKey(familyID, hash string) []byte {
	return []byte(familyID + "\x00" + hash)
}

func getFamily(b *bbolt.Bucket, id string) (refresh.Family, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return refresh.Family{}, fmt.Errorf("%w: family %s", refresh.ErrNotFound, id)
	}
	var f refresh.Family
	if err := json.Unmarshal(v, &f); err != nil {
		return refresh.Family{}, fmt.Errorf("refresh boltstore: decode family %s: %w", id, err)
	}
	return f, nil
}

func putFamily(b *bbolt.Bucket, f refresh.Family) error {
	v, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("refresh boltstore: encode family %s: %w", f.ID, err)
	}
	return b.Put([]byte(f.ID), v)
}
