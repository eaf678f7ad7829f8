package boltstore

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strconv"

	"go.etcd.io/bbolt"

	"github.com/hubjwt/hubjwt/revocation"
)

// List returns every live entry and the cursor of the last change, read in one
// transaction so Changes from that cursor misses nothing.
func (s *Store) List(ctx context.Context) (revocation.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return revocation.Snapshot{}, err
	}
	now := s.now()
	snap := revocation.Snapshot{Generation: s.generation}
	err := s.db.View(func(tx *bbolt.Tx) error {
		snap.Cursor = strconv.FormatUint(tx.Bucket(bucketChanges).Sequence(), 10)
		return tx.Bucket(bucketEntries).ForEach(func(k, raw []byte) error {
			var e revocation.Entry
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("decode entry %q: %w", k, err)
			}
			if !e.Expired(now) {
				snap.Entries = append(snap.Entries, e)
			}
			return nil
		})
	})
	if err != nil {
		return revocation.Snapshot{}, wrap("list", err)
	}
	return snap, nil
}

// Changes returns up to limit changed entries after cursor, skipping those that
// have expired since. It returns ErrCursorExpired when records after the cursor
// were trimmed.
func (s *Store) Changes(ctx context.Context, cursor string, limit int) (revocation.ChangeSet, error) {
	if err := ctx.Err(); err != nil {
		return revocation.ChangeSet{}, err
	}
	after, err := parseCursor(cursor)
	if err != nil {
		return revocation.ChangeSet{}, err
	}
	if limit <= 0 {
		limit = 1000
	}
	now := s.now()
	set := revocation.ChangeSet{Cursor: cursor, Generation: s.generation}
	err = s.db.View(func(tx *bbolt.Tx) error {
		if trimmed := tx.Bucket(bucketMeta).Get(metaTrimmed); trimmed != nil &&
			binary.BigEndian.Uint64(trimmed) > after {
			return fmt.Errorf("cursor %q: %w", cursor, revocation.ErrCursorExpired)
		}
		changes := tx.Bucket(bucketChanges)
		if after > changes.Sequence() {
			return fmt.Errorf("cursor %q is past the last change %d, so it comes from "+
				"another store: %w", cursor, changes.Sequence(), revocation.ErrCursorExpired)
		}
		c := changes.Cursor()
		n := 0
		for k, raw := c.Seek(seqKey(after + 1)); k != nil; k, raw = c.Next() {
			if n == limit {
				set.More = true
				return nil
			}
			var e revocation.Entry
			if err := json.Unmarshal(raw, &e); err != nil {
				return fmt.Errorf("decode change %d: %w", binary.BigEndian.Uint64(k), err)
			}
			set.Cursor = strconv.FormatUint(binary.BigEndian.Uint64(k), 10)
			n++
			if !e.Expired(now) {
				set.Entries = append(set.Entries, e)
			}
		}
		return nil
	})
	if err != nil {
		return revocation.ChangeSet{}, wrap("changes", err)
	}
	return set, nil
}

// Generation returns the random id created with the store's buckets. It changes
// only when the file is replaced by a new one.
func (s *Store) Generation(ctx context.Context) (string, error) {
	return s.generation, ctx.Err()
}

// Ping reports ErrUnavailable when the database is closed.
func (s *Store) Ping(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := s.db.View(func(*bbolt.Tx) error { return nil }); err != nil {
		return wrap("ping", err)
	}
	return nil
}
