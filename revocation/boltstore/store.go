package boltstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/hubjwt/hubjwt/revocation"
)

// Bucket names. The expiry bucket indexes entries by ExpiresAt so pruning reads
// only the expired ones.
var (
	bucketEntries = []byte("revocation.entries")
	bucketExpiry  = []byte("revocation.expiry")
	bucketChanges = []byte("revocation.changes")
	bucketMeta    = []byte("revocation.meta")

	metaGeneration = []byte("generation")
	metaTrimmed    = []byte("trimmed") // the highest change sequence pruned
)

const (
	// DefaultMaxChanges is how many change records the store keeps when
	// Options.MaxChanges is zero; a mirror further behind reloads the full list.
	DefaultMaxChanges = 100_000
	// pruneBatch bounds the expired entries one Add removes, keeping Add fast.
	pruneBatch = 1000
)

// Options configures a Store. The zero value is usable.
type Options struct {
	// Now returns the current time; nil means time.Now.
	Now revocation.Clock
	// MaxChanges is how many change records to keep; zero means DefaultMaxChanges.
	MaxChanges int
}

// Store is a revocation.Store in a bbolt file. It is safe for concurrent use.
type Store struct {
	db         *bbolt.DB
	now        revocation.Clock
	maxChanges uint64
	generation string
}

var _ revocation.Store = (*Store)(nil)

// New creates the store's buckets in db when missing, and its generation at
// first use, and returns the store. The caller opens db (mode 0600) and closes it.
func New(db *bbolt.DB, opts Options) (*Store, error) {
	s := &Store{db: db, now: opts.Now, maxChanges: uint64(opts.MaxChanges)}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxChanges == 0 {
		s.maxChanges = DefaultMaxChanges
	}
	err := db.Update(func(tx *bbolt.Tx) error {
		for _, name := range [][]byte{bucketEntries, bucketExpiry, bucketChanges, bucketMeta} {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		if gen := meta.Get(metaGeneration); gen != nil {
			s.generation = string(gen)
			return nil
		}
		s.generation = newGeneration()
		return meta.Put(metaGeneration, []byte(s.generation))
	})
	if err != nil {
		return nil, fmt.Errorf("boltstore: create buckets in %s: %w", db.Path(), err)
	}
	return s, nil
}

func newGeneration() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// Add validates e and merges it into the stored entry with the same ID, then
// commits with fsync. It appends a change record only when the stored entry grew.
func (s *Store) Add(ctx context.Context, e revocation.Entry) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	now := s.now()
	if err := e.Validate(); err != nil {
		return fmt.Errorf("boltstore: %w", err)
	}
	if e.Expired(now) {
		return nil // every covered token has expired: nothing to keep
	}
	return s.update("add", func(tx *bbolt.Tx) error {
		if err := s.put(tx, e); err != nil {
			return err
		}
		return s.prune(tx, now)
	})
}

func (s *Store) put(tx *bbolt.Tx, e revocation.Entry) error {
	entries, expiry := tx.Bucket(bucketEntries), tx.Bucket(bucketExpiry)
	id := []byte(e.ID())
	if raw := entries.Get(id); raw != nil {
		var stored revocation.Entry
		if err := json.Unmarshal(raw, &stored); err != nil {
			return fmt.Errorf("decode entry %q: %w", id, err)
		}
		if stored.Covers(e) {
			return nil
		}
		if err := expiry.Delete(expiryKey(stored)); err != nil {
			return err
		}
		e = stored.Merge(e)
	}
	raw, err := json.Marshal(e)
	if err != nil {
		return fmt.Errorf("encode entry %q: %w", id, err)
	}
	if err := entries.Put(id, raw); err != nil {
		return err
	}
	if err := expiry.Put(expiryKey(e), nil); err != nil {
		return err
	}
	return s.appendChange(tx, raw)
}

func (s *Store) appendChange(tx *bbolt.Tx, raw []byte) error {
	changes := tx.Bucket(bucketChanges)
	seq, err := changes.NextSequence()
	if err != nil {
		return err
	}
	if err := changes.Put(seqKey(seq), raw); err != nil {
		return err
	}
	if seq <= s.maxChanges {
		return nil
	}
	// Trim the oldest records beyond maxChanges; normally exactly one.
	cutoff := seq - s.maxChanges
	c := changes.Cursor()
	for k, _ := c.First(); k != nil && binary.BigEndian.Uint64(k) <= cutoff; k, _ = c.Next() {
		if err := c.Delete(); err != nil {
			return err
		}
	}
	return tx.Bucket(bucketMeta).Put(metaTrimmed, seqKey(cutoff))
}

// prune deletes up to pruneBatch entries that expired at now.
func (s *Store) prune(tx *bbolt.Tx, now time.Time) error {
	entries, expiry := tx.Bucket(bucketEntries), tx.Bucket(bucketExpiry)
	limit := uint64(now.UnixNano())
	c := expiry.Cursor()
	n := 0
	for k, _ := c.First(); k != nil && n < pruneBatch; k, _ = c.Next() {
		if binary.BigEndian.Uint64(k[:8]) > limit {
			break
		}
		if err := entries.Delete(k[8:]); err != nil {
			return err
		}
		if err := c.Delete(); err != nil {
			return err
		}
		n++
	}
	return nil
}

// expiryKey is ExpiresAt in Unix nanoseconds, big-endian, then the entry ID.
func expiryKey(e revocation.Entry) []byte {
	id := e.ID()
	k := make([]byte, 8, 8+len(id))
	binary.BigEndian.PutUint64(k, uint64(e.ExpiresAt.UnixNano()))
	return append(k, id...)
}

func seqKey(seq uint64) []byte {
	k := make([]byte, 8)
	binary.BigEndian.PutUint64(k, seq)
	return k
}

func (s *Store) update(op string, fn func(tx *bbolt.Tx) error) error {
	if err := s.db.Update(fn); err != nil {
		return wrap(op, err)
	}
	return nil
}

func wrap(op string, err error) error {
	if errors.Is(err, bolterrors.ErrDatabaseNotOpen) || errors.Is(err, bolterrors.ErrDatabaseReadOnly) {
		return fmt.Errorf("boltstore: %s: %w: %w", op, revocation.ErrUnavailable, err)
	}
	return fmt.Errorf("boltstore: %s: %w", op, err)
}

// parseCursor returns the change sequence of a cursor; the empty cursor is 0.
func parseCursor(cursor string) (uint64, error) {
	if cursor == "" {
		return 0, nil
	}
	seq, err := strconv.ParseUint(cursor, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("boltstore: %w %.40q: pass a cursor returned by List or Changes",
			revocation.ErrInvalidCursor, cursor)
	}
	return seq, nil
}
