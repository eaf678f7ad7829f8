package redisstore

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/revocation"
)

// DefaultStreamMaxLen is the approximate number of stream records kept when
// Options.StreamMaxLen is zero; a mirror further behind reloads the full list.
const DefaultStreamMaxLen = 100_000

// addAttempts bounds the retries of Add after a merge or a generation change.
const addAttempts = 4

// Options configures a Store. Policy.MaxTTL is required.
type Options struct {
	// List names the list; its keys are hubjwt:revocation:{List}:*. Empty means
	// DefaultList.
	List string
	// Policy sets how long the global cut-off written after a data loss lasts.
	Policy revocation.Policy
	// StreamMaxLen is the approximate length the change stream is trimmed to.
	StreamMaxLen int64
	// Now returns the current time; nil means time.Now.
	Now revocation.Clock
	// Logger receives data-loss incidents; nil means slog.Default().
	Logger *slog.Logger
}

// Store is a revocation.Store in Redis. It is safe for concurrent use and keeps
// working, without being recreated, when Redis restarts.
type Store struct {
	reader
	policy revocation.Policy
	maxLen int64
	logger *slog.Logger

	mu         sync.Mutex // guards generation
	generation string     // the marker this store last saw; empty before first use
}

var _ revocation.Store = (*Store)(nil)

// New returns a store on client. It does not contact Redis: the generation
// marker is read or created at first use.
func New(client redis.UniversalClient, opts Options) (*Store, error) {
	if client == nil {
		return nil, fmt.Errorf("redisstore: client is nil: create one with NewClient")
	}
	if opts.Policy.MaxTTL <= 0 {
		return nil, fmt.Errorf("redisstore: policy max TTL %s is not positive: "+
			"set it to token.max_ttl", opts.Policy.MaxTTL)
	}
	s := &Store{
		reader: reader{client: client, keys: newKeys(opts.List), now: opts.Now},
		policy: opts.Policy, maxLen: opts.StreamMaxLen, logger: opts.Logger,
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.maxLen <= 0 {
		s.maxLen = DefaultStreamMaxLen
	}
	if s.logger == nil {
		s.logger = slog.Default()
	}
	return s, nil
}

// Add validates e and merges it into the stored entry with the same ID, writing
// the entry and its stream record atomically. It returns nil once Redis has
// acknowledged the write; the server's persistence settings decide whether that
// write survives a crash. When the generation marker changed, Add first writes
// the global cut-off, then the entry.
func (s *Store) Add(ctx context.Context, e revocation.Entry) error {
	if err := e.Validate(); err != nil {
		return fmt.Errorf("redisstore: %w", err)
	}
	if e.Expired(s.now()) {
		return nil // every covered token has expired: nothing to keep
	}
	gen, err := s.knownGeneration(ctx)
	if err != nil {
		return err
	}
	for range addAttempts {
		result, value, err := s.runAdd(ctx, gen, e)
		if err != nil {
			return err
		}
		switch result {
		case "added", "covered":
			return nil
		case "merge":
			var stored revocation.Entry
			if err := json.Unmarshal([]byte(value), &stored); err != nil {
				return fmt.Errorf("redisstore: decode entry %q: %w", e.ID(), err)
			}
			e = stored.Merge(e)
		case "generation":
			if gen, err = s.recover(ctx, gen); err != nil {
				return err
			}
		}
	}
	return fmt.Errorf("redisstore: add %q: %w: the entry kept changing during %d attempts",
		e.ID(), revocation.ErrUnavailable, addAttempts)
}

func (s *Store) runAdd(ctx context.Context, gen string, e revocation.Entry) (string, string, error) {
	raw, err := json.Marshal(e)
	if err != nil {
		return "", "", fmt.Errorf("redisstore: encode entry %q: %w", e.ID(), err)
	}
	k := s.keys
	res, err := addScript.Run(ctx, s.client, []string{k.marker, k.entry(e.ID()), k.index, k.stream},
		gen, e.ID(), raw, e.ExpiresAt.UnixMilli(), beforeMicros(e), s.maxLen,
		s.now().UnixMilli()).StringSlice()
	if err != nil {
		return "", "", unavailable("add "+strconv.Quote(e.ID()), err)
	}
	if len(res) != 2 {
		return "", "", fmt.Errorf("redisstore: add script returned %q, want two values", res)
	}
	return res[0], res[1], nil
}

func beforeMicros(e revocation.Entry) int64 {
	if e.Before.IsZero() {
		return 0
	}
	return e.Before.UnixMicro()
}

// List returns every live entry and the cursor of the last stream record.
func (s *Store) List(ctx context.Context) (revocation.Snapshot, error) {
	if _, err := s.Generation(ctx); err != nil {
		return revocation.Snapshot{}, err
	}
	return s.list(ctx)
}

// Changes returns up to limit entries from the stream records after cursor. It
// returns ErrCursorExpired when records after cursor were trimmed and after a
// data loss, so the caller lists again and gets the new generation.
func (s *Store) Changes(ctx context.Context, cursor string, limit int) (revocation.ChangeSet, error) {
	gen, err := s.Generation(ctx)
	if err != nil {
		return revocation.ChangeSet{}, err
	}
	set, err := s.changes(ctx, cursor, limit)
	if err != nil {
		return revocation.ChangeSet{}, err
	}
	if set.Generation != gen {
		return revocation.ChangeSet{}, fmt.Errorf("redisstore: generation changed from "+
			"%q to %q: %w", gen, set.Generation, revocation.ErrCursorExpired)
	}
	return set, nil
}

// Generation returns the generation marker, creating it at first use. When the
// marker is missing or differs from the one seen before, Redis lost its data, so
// it writes a global cut-off at the current time and returns the new marker.
func (s *Store) Generation(ctx context.Context) (string, error) {
	known, err := s.knownGeneration(ctx)
	if err != nil {
		return "", err
	}
	current, err := s.marker(ctx)
	if err != nil {
		return "", err
	}
	if current == known {
		return known, nil
	}
	return s.recover(ctx, known)
}

// Ping sends PING to Redis.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return unavailable("ping", err)
	}
	return nil
}

// knownGeneration returns the marker this store saw last, reading or creating it
// at first use.
func (s *Store) knownGeneration(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.generation != "" {
		return s.generation, nil
	}
	// NOTE: a store that starts after Redis lost its data cannot tell the loss
	// from a first use. Mirrors that ran before the loss still detect it.
	gen, err := initScript.Run(ctx, s.client, []string{s.keys.marker, s.keys.origin},
		newGeneration()).Text()
	if err != nil {
		return "", unavailable("create generation", err)
	}
	s.generation = gen
	return gen, nil
}

// recover handles a marker that is no longer known: it writes the global cut-off
// under a new marker, or adopts the marker of another process's recovery.
func (s *Store) recover(ctx context.Context, known string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.generation != known {
		return s.generation, nil // another call in this process already recovered
	}
	now := s.now()
	cut, err := s.policy.Global(now, now, "revocation store lost its data")
	if err != nil {
		return "", fmt.Errorf("redisstore: build global cut-off: %w", err)
	}
	raw, err := json.Marshal(cut)
	if err != nil {
		return "", fmt.Errorf("redisstore: encode global cut-off: %w", err)
	}

	k := s.keys
	next := newGeneration()
	res, err := recoverScript.Run(ctx, s.client,
		[]string{k.marker, k.origin, k.entry(cut.ID()), k.index, k.stream},
		known, next, raw, cut.ExpiresAt.UnixMilli(), cut.Before.UnixMicro(), s.maxLen).StringSlice()
	if err != nil {
		return "", unavailable("recover generation", err)
	}
	if len(res) != 2 {
		return "", fmt.Errorf("redisstore: recover script returned %q, want two values", res)
	}

	switch res[0] {
	case "recovered":
		s.logger.Error("revocation store lost its data: revoking every token issued "+
			"before now", "incident", "revocation_data_loss", "old_generation", known,
			"new_generation", res[1], "cut_off", now)
	case "adopted":
		s.logger.Warn("revocation store generation changed by another process's "+
			"recovery; adopting it", "old_generation", known, "new_generation", res[1])
	}
	s.generation = res[1]
	return res[1], nil
}

func newGeneration() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}
