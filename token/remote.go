package token

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/httprc/v3"
	"github.com/lestrrat-go/jwx/v3/jwk"
	"golang.org/x/sync/singleflight"
)

// RemoteOptions configures a RemoteKeys.
type RemoteOptions struct {
	// HTTPClient fetches the JWK Set; nil uses a client with a 10 s timeout.
	HTTPClient *http.Client
	// MinInterval and MaxInterval bound how long a fetched set is cached; within
	// them the server's Cache-Control max-age decides. Defaults 1m and 1h.
	MinInterval, MaxInterval time.Duration
	// UnknownKeyRefresh is the least time between two refetches caused by an
	// unknown kid. Default 1m.
	UnknownKeyRefresh time.Duration
	// MaxBodySize bounds the JWK Set document. Default 1 MiB.
	MaxBodySize int64
	// Now is the clock; nil means time.Now.
	Now func() time.Time
}

// RemoteKeys is a KeySource that fetches a JWK Set over HTTP with jwx's
// jwk.Cache and refreshes it in the background. An unknown kid triggers at
// most one refetch per UnknownKeyRefresh, shared by concurrent callers.
type RemoteKeys struct {
	url     string
	cache   *jwk.Cache
	cancel  context.CancelFunc
	opts    RemoteOptions
	group   singleflight.Group
	forced  atomic.Int64 // unix nanoseconds of the last refetch for an unknown kid
	mu      sync.Mutex   // guards index rebuilds
	current atomic.Pointer[remoteIndex]
}

type remoteIndex struct {
	set  jwk.Set
	keys map[string]VerificationKey
}

// NewRemoteKeys registers url and waits for its first fetch, bounded by ctx.
// Close stops the background refresh.
func NewRemoteKeys(ctx context.Context, url string, opts RemoteOptions) (*RemoteKeys, error) {
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	opts.MinInterval = orDefault(opts.MinInterval, time.Minute)
	opts.MaxInterval = orDefault(opts.MaxInterval, time.Hour)
	opts.UnknownKeyRefresh = orDefault(opts.UnknownKeyRefresh, time.Minute)
	if opts.MaxBodySize == 0 {
		opts.MaxBodySize = 1 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	bg, cancel := context.WithCancel(context.Background())
	cache, err := jwk.NewCache(bg, httprc.NewClient())
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w: start key cache: %v", ErrKeySource, err)
	}
	err = cache.Register(ctx, url,
		jwk.WithHTTPClient(opts.HTTPClient),
		jwk.WithMaxFetchBodySize(opts.MaxBodySize),
		jwk.WithHttprcResourceOption(httprc.WithMinInterval(opts.MinInterval)),
		jwk.WithHttprcResourceOption(httprc.WithMaxInterval(opts.MaxInterval)),
	)
	if err != nil {
		cancel()
		return nil, fmt.Errorf("%w: fetch %s: %v", ErrKeySource, url, err)
	}
	r := &RemoteKeys{url: url, cache: cache, cancel: cancel, opts: opts}
	if _, err := r.index(ctx); err != nil {
		cancel()
		return nil, err
	}
	return r, nil
}

// Close stops the background refresh.
func (r *RemoteKeys) Close() { r.cancel() }

// Key returns the key with kid, refetching the set once when kid is unknown
// and the last such refetch is older than UnknownKeyRefresh.
func (r *RemoteKeys) Key(ctx context.Context, kid string) (VerificationKey, error) {
	idx, err := r.index(ctx)
	if err != nil {
		return VerificationKey{}, err
	}
	if k, ok := idx.keys[kid]; ok {
		return k, nil
	}
	now := r.opts.Now().UnixNano()
	last := r.forced.Load()
	if now-last < int64(r.opts.UnknownKeyRefresh) || !r.forced.CompareAndSwap(last, now) {
		return VerificationKey{}, ErrUnknownKey
	}
	_, err, _ = r.group.Do("refresh", func() (any, error) {
		if _, err := r.cache.Refresh(ctx, r.url); err != nil {
			return nil, fmt.Errorf("%w: refetch %s: %v", ErrKeySource, r.url, err)
		}
		return nil, nil
	})
	if err != nil {
		return VerificationKey{}, err
	}
	if idx, err = r.index(ctx); err != nil {
		return VerificationKey{}, err
	}
	if k, ok := idx.keys[kid]; ok {
		return k, nil
	}
	return VerificationKey{}, ErrUnknownKey
}

// index returns the verification keys of the cached set, rebuilding them when
// the cache holds a newer set.
func (r *RemoteKeys) index(ctx context.Context) (*remoteIndex, error) {
	set, err := r.cache.Lookup(ctx, r.url)
	if err != nil {
		return nil, fmt.Errorf("%w: %s: %v", ErrKeySource, r.url, err)
	}
	if cur := r.current.Load(); cur != nil && cur.set == set {
		return cur, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if cur := r.current.Load(); cur != nil && cur.set == set {
		return cur, nil
	}
	keys, _ := indexKeys(set)
	idx := &remoteIndex{set: set, keys: keys}
	r.current.Store(idx)
	return idx, nil
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
