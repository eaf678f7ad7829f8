package redisstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/jwks"
)

// DefaultNamespace is the namespace used when Options.Namespace is empty.
const DefaultNamespace = "default"

// Options configures a Store.
type Options struct {
	// Namespace separates key sets of several deployments in one Redis;
	// default DefaultNamespace.
	Namespace string
}

// Store is a jwks.Store, jwks.Locker and jwks.Notifier in Redis. It is safe
// for concurrent use.
type Store struct {
	client  redis.UniversalClient
	set     string // hash: version, records (JSON), fence (last fenced writer)
	lock    string // the rotation lease, holding its fencing token
	fence   string // counter of fencing tokens
	channel string // pub/sub channel announcing each new version
}

var (
	_ jwks.Store    = (*Store)(nil)
	_ jwks.Locker   = (*Store)(nil)
	_ jwks.Notifier = (*Store)(nil)
)

// New returns a Store over client.
func New(client redis.UniversalClient, opts Options) *Store {
	ns := opts.Namespace
	if ns == "" {
		ns = DefaultNamespace
	}
	prefix := "hubjwt:keys:{" + ns + "}:"
	return &Store{client: client, set: prefix + "set", lock: prefix + "lock",
		fence: prefix + "fence", channel: prefix + "changed"}
}

// Load returns the stored key set.
func (s *Store) Load(ctx context.Context) (jwks.Snapshot, error) {
	vals, err := s.client.HMGet(ctx, s.set, "version", "records").Result()
	if err != nil {
		return jwks.Snapshot{}, fmt.Errorf("redisstore: read key set %s: %w", s.set, err)
	}
	if vals[0] == nil {
		return jwks.Snapshot{}, nil
	}
	version, err := strconv.ParseUint(fmt.Sprint(vals[0]), 10, 64)
	if err != nil {
		return jwks.Snapshot{}, fmt.Errorf("redisstore: key set %s has an invalid version %q",
			s.set, vals[0])
	}
	var records []jwks.Record
	if raw, ok := vals[1].(string); ok {
		if err := json.Unmarshal([]byte(raw), &records); err != nil {
			return jwks.Snapshot{}, fmt.Errorf("redisstore: decode key set %s: %w", s.set, err)
		}
	}
	return jwks.Snapshot{Records: records, Version: version}, nil
}

// Save replaces the key set if its version is still prev.
func (s *Store) Save(ctx context.Context, prev uint64, records []jwks.Record) (uint64, error) {
	return s.save(ctx, prev, 0, records)
}

// SaveFenced is Save that also requires the lease of fence.
func (s *Store) SaveFenced(ctx context.Context, prev, fence uint64, records []jwks.Record) (
	uint64, error) {
	if fence == 0 {
		return 0, fmt.Errorf("%w: fencing token 0", jwks.ErrFenced)
	}
	return s.save(ctx, prev, fence, records)
}

func (s *Store) save(ctx context.Context, prev, fence uint64, records []jwks.Record) (
	uint64, error) {
	raw, err := json.Marshal(records)
	if err != nil {
		return 0, fmt.Errorf("redisstore: encode key set: %w", err)
	}
	res, err := saveScript.Run(ctx, s.client, []string{s.set, s.lock},
		prev, raw, fence, s.channel).Slice()
	if err != nil {
		return 0, fmt.Errorf("redisstore: write key set %s: %w", s.set, err)
	}
	status, _ := res[0].(string)
	version, _ := res[1].(int64)
	switch status {
	case "saved":
		return uint64(version), nil
	case "conflict":
		return 0, fmt.Errorf("%w: stored version %d, expected %d", jwks.ErrConflict, version, prev)
	case "fenced":
		return 0, fmt.Errorf("%w: fencing token %d", jwks.ErrFenced, fence)
	}
	return 0, fmt.Errorf("redisstore: unexpected reply %v from the save script", res)
}

// Acquire takes the rotation lease for lease.
func (s *Store) Acquire(ctx context.Context, lease time.Duration) (uint64, error) {
	fence, err := acquireScript.Run(ctx, s.client, []string{s.lock, s.fence},
		lease.Milliseconds()).Int64()
	if err != nil {
		return 0, fmt.Errorf("redisstore: take lease %s: %w", s.lock, err)
	}
	if fence == 0 {
		return 0, jwks.ErrLockHeld
	}
	return uint64(fence), nil
}

// Release gives up the lease if fence still holds it.
func (s *Store) Release(ctx context.Context, fence uint64) error {
	if err := releaseScript.Run(ctx, s.client, []string{s.lock}, fence).Err(); err != nil &&
		!errors.Is(err, redis.Nil) {
		return fmt.Errorf("redisstore: release lease %s: %w", s.lock, err)
	}
	return nil
}

// Changes subscribes to the change channel. The returned channel receives a
// value after each write by any process (values are dropped while the reader
// is busy, because one reload covers them all) and closes when ctx ends.
func (s *Store) Changes(ctx context.Context) <-chan struct{} {
	out := make(chan struct{}, 1)
	sub := s.client.Subscribe(ctx, s.channel)
	go func() {
		defer close(out)
		defer sub.Close()
		msgs := sub.Channel()
		for {
			select {
			case <-ctx.Done():
				return
			case _, ok := <-msgs:
				if !ok {
					return
				}
				select {
				case out <- struct{}{}:
				default:
				}
			}
		}
	}()
	return out
}

// Ping checks that Redis is reachable.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.client.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("redisstore: ping: %w", err)
	}
	return nil
}
