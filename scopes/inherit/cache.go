package inherit

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
	"golang.org/x/sync/singleflight"

	"github.com/hubjwt/hubjwt/internal/hubapi"
	"github.com/hubjwt/hubjwt/scopes"
)

const (
	// DefaultTTL is how long a result is used when Options.TTL is zero.
	DefaultTTL = time.Minute
	// DefaultFetchTimeout bounds one call of the source when
	// Options.FetchTimeout is zero.
	DefaultFetchTimeout = 30 * time.Second
	// historyRetention is how long an result is kept after it expired, so that
	// the next result can be compared with it for OnShrink. It exceeds any
	// sensible token.max_ttl, since a cut-off matters only while tokens minted
	// from the old result are still valid.
	historyRetention = 24 * time.Hour
)

// Options configures NewCached.
type Options struct {
	// TTL is how long a result is served without calling the source again.
	// Zero means DefaultTTL, and a negative TTL disables caching: every call
	// asks the source, while concurrent calls still share one request.
	TTL time.Duration
	// Redis, when set, shares results between replicas under the keys
	// hubjwt:inherit:<kind>:<name>. Nil keeps results in memory only.
	Redis redis.UniversalClient
	// Now returns the current time. Nil means time.Now.
	Now func() time.Time
	// OnShrink, when set, is called with the scopes a subject lost when a
	// fresh result lacks any scope of the previous result, so that tokens
	// minted from the previous result can be cut off.
	OnShrink func(ctx context.Context, owner scopes.Owner, lost []string)
	// FetchTimeout bounds one call of the source. The call is shared by all
	// waiting callers, so it does not end when the first caller gives up.
	// Zero means DefaultFetchTimeout.
	FetchTimeout time.Duration
}

// Cached serves a source's results for Options.TTL, from memory or Redis, with
// at most one source call in flight per subject. When the source fails and no
// result is fresh, Resolve returns the error (ErrUnavailable for an
// unreachable hub) and never an expired result. Cached is safe for concurrent
// use.
type Cached struct {
	source scopes.Resolver
	opts   Options
	flight singleflight.Group

	mu      sync.Mutex       // guards entries
	entries map[string]entry // by cache key, including expired entries
}

var _ scopes.Resolver = (*Cached)(nil)

// NewCached returns a cache in front of source.
func NewCached(source scopes.Resolver, opts Options) *Cached {
	if opts.TTL == 0 {
		opts.TTL = DefaultTTL
	}
	if opts.FetchTimeout <= 0 {
		opts.FetchTimeout = DefaultFetchTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Cached{source: source, opts: opts, entries: map[string]entry{}}
}

// Resolve returns the owner's scopes, sorted, from a fresh cached result or
// from the source.
func (c *Cached) Resolve(ctx context.Context, o scopes.Owner) ([]string, error) {
	key := cacheKey(o)
	if e, ok := c.memoryEntry(key); ok && e.fresh(c.opts.Now(), c.opts.TTL) {
		return slices.Clone(e.Scopes), nil
	}
	if e, ok := c.redisEntry(ctx, key); ok && e.fresh(c.opts.Now(), c.opts.TTL) {
		c.storeMemory(key, e)
		return slices.Clone(e.Scopes), nil
	}

	fetchCtx := context.WithoutCancel(ctx)
	results := c.flight.DoChan(key, func() (any, error) { return c.fetch(fetchCtx, o, key) })
	select {
	case res := <-results:
		if res.Err != nil {
			return nil, res.Err
		}
		return slices.Clone(res.Val.([]string)), nil
	case <-ctx.Done():
		return nil, fmt.Errorf("inherit: resolve %s: %w", o, ctx.Err())
	}
}

// fetch calls the source, stores the result and reports lost scopes. It runs
// once per key at a time.
func (c *Cached) fetch(ctx context.Context, o scopes.Owner, key string) ([]string, error) {
	// Another flight may have stored a fresh result since Resolve looked.
	previous, _ := c.memoryEntry(key)
	if previous.fresh(c.opts.Now(), c.opts.TTL) {
		return previous.Scopes, nil
	}
	if shared, ok := c.redisEntry(ctx, key); ok && shared.FetchedAt.After(previous.FetchedAt) {
		previous = shared
	}

	ctx, cancel := context.WithTimeout(ctx, c.opts.FetchTimeout)
	defer cancel()
	got, err := c.source.Resolve(ctx, o)
	if err != nil {
		return nil, sourceError(o, err)
	}

	e := entry{Scopes: normalize(got), FetchedAt: c.opts.Now()}
	c.storeMemory(key, e)
	c.storeRedis(ctx, key, e)
	if lost := missing(previous.Scopes, e.Scopes); len(lost) > 0 && c.opts.OnShrink != nil {
		c.opts.OnShrink(ctx, o, lost)
	}
	return e.Scopes, nil
}

// sourceError makes sure an unreachable hub matches ErrUnavailable whatever
// the source, and that a source timeout counts as unreachable.
func sourceError(o scopes.Owner, err error) error {
	if errors.Is(err, ErrUnavailable) {
		return err
	}
	if errors.Is(err, hubapi.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("inherit: resolve %s: %w: %w", o, ErrUnavailable, err)
	}
	return err
}

// missing returns the scopes of before that after lacks, in before's order.
// Both are sorted.
func missing(before, after []string) []string {
	var lost []string
	for _, s := range before {
		if _, found := slices.BinarySearch(after, s); !found {
			lost = append(lost, s)
		}
	}
	return lost
}

func (c *Cached) memoryEntry(key string) (entry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[key]
	return e, ok
}

// storeMemory keeps e unless memory already has a newer result.
func (c *Cached) storeMemory(key string, e entry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if old, ok := c.entries[key]; ok && old.FetchedAt.After(e.FetchedAt) {
		return
	}
	c.entries[key] = e
}

// cacheKey returns hubjwt:inherit:<kind>:<name>. The kind comes first, so a
// user and a service of the same name never share a key.
func cacheKey(o scopes.Owner) string {
	return "hubjwt:inherit:" + string(o.Kind) + ":" + o.Name
}
