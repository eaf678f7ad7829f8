// Package boltstore is an authcode.Store in the embedded bbolt file. Each
// method runs in one bbolt transaction, and bbolt runs read-write
// transactions one at a time, so Consume is atomic within the process that
// holds the file.
package boltstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/token/authcode"
)

var bucket = []byte("authcode.records")

// Store is an authcode.Store in a bbolt file. It is safe for concurrent use.
type Store struct {
	db *bbolt.DB
}

var _ authcode.Store = (*Store)(nil)

type record struct {
	Value   []byte `json:"v"`
	Expires int64  `json:"exp"` // Unix nanoseconds
	Used    bool   `json:"used,omitempty"`
}

func (r record) live(now time.Time) bool { return r.Expires > now.UnixNano() }

// New creates the store's bucket in db when missing. The caller opens db and
// closes it.
func New(db *bbolt.DB) (*Store, error) {
	err := db.Update(func(tx *bbolt.Tx) error {
		_, err := tx.CreateBucketIfNotExists(bucket)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("authcode boltstore: create bucket: %w", err)
	}
	return &Store{db: db}, nil
}

// Create stores value under key and deletes expired records. Records live
// seconds to minutes, so the scan stays short.
func (s *Store) Create(_ context.Context, key string, value []byte, expires, now time.Time) error {
	if err := authcode.Validate(key, expires, now); err != nil {
		return err
	}
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucket)
		if err := purge(b, now); err != nil {
			return err
		}
		if b.Get([]byte(key)) != nil {
			return authcode.ErrExists
		}
		return put(b, key, record{Value: value, Expires: expires.UnixNano()})
	})
}

// Consume marks the record used in one read-write transaction.
func (s *Store) Consume(_ context.Context, key string, now time.Time) ([]byte, bool, error) {
	var value []byte
	var first bool
	err := s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucket)
		r, err := get(b, key, now)
		if err != nil {
			return err
		}
		value, first = r.Value, !r.Used
		r.Used = true
		return put(b, key, r)
	})
	if err != nil {
		return nil, false, err
	}
	return value, first, nil
}

// Update replaces the value of a live record.
func (s *Store) Update(_ context.Context, key string, value []byte, now time.Time) error {
	return s.db.Update(func(tx *bbolt.Tx) error {
		b := tx.Bucket(bucket)
		r, err := get(b, key, now)
		if err != nil {
			return err
		}
		r.Value = value
		return put(b, key, r)
	})
}

func get(b *bbolt.Bucket, key string, now time.Time) (record, error) {
	raw := b.Get([]byte(key))
	if raw == nil {
		return record{}, authcode.ErrNotFound
	}
	var r record
	if err := json.Unmarshal(raw, &r); err != nil {
		return record{}, fmt.Errorf("authcode boltstore: decode record: %w", err)
	}
	if !r.live(now) {
		return record{}, authcode.ErrNotFound
	}
	return r, nil
}

func put(b *bbolt.Bucket, key string, r record) error {
	raw, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("authcode boltstore: encode record: %w", err)
	}
	return b.Put([]byte(key), raw)
}

// purge deletes the records that expired before now.
func purge(b *bbolt.Bucket, now time.Time) error {
	var expired [][]byte
	err := b.ForEach(func(k, v []byte) error {
		var r record
		if json.Unmarshal(v, &r) != nil || !r.live(now) {
			expired = append(expired, append([]byte(nil), k...))
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, k := range expired {
		if err := b.Delete(k); err != nil {
			return err
		}
	}
	return nil
}
