package token

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/lestrrat-go/jwx/v3/jwk"
)

// RemoteOptions configures a RemoteKeys.
type RemoteOptions struct {
	// HTTPClient fetches the JWK Set; nil uses a client with a 10 s timeout.
	HTTPClient *http.Client
	// MinInterval and MaxInterval bound how long a fetched set is used before
	// it is revalidated; within them the server's Cache-Control max-age
	// decides. Defaults 1m and 1h.
	MinInterval, MaxInterval time.Duration
	// UnknownKeyRefresh is the least time between two refetches caused by an
	// unknown kid. Default 1m.
	UnknownKeyRefresh time.Duration
	// MaxStale is how long after the last successful fetch the set is still
	// used while the server cannot be reached. After it, Key fails with
	// ErrKeysStale. Default 24h.
	MaxStale time.Duration
	// RetryInterval is the wait after a failed fetch; default MinInterval/4,
	// at least one second.
	RetryInterval time.Duration
	// MaxUnknownKids bounds how many unknown kids are remembered per fetched
	// set. Default 10,000.
	MaxUnknownKids int
	// MaxBodySize bounds the JWK Set document. Default 1 MiB.
	MaxBodySize int64
	// Logger receives failed fetches and key set changes; nil discards them.
	Logger *slog.Logger
	// Now is the clock of staleness and cooldowns; nil means time.Now.
	Now func() time.Time
}

// RemoteKeys is a KeySource that fetches a JWK Set over HTTP and refreshes it
// in the background: when the server's Cache-Control max-age (bounded by
// MinInterval and MaxInterval) ends, it revalidates with If-None-Match.
//
// No call of Key waits on the network. An unknown kid is rejected at once
// with ErrUnknownKey and schedules at most one background refetch per
// UnknownKeyRefresh, shared by every caller. The kid is then remembered as
// unknown until the set changes, so a flood of random kids costs a map lookup.
// A key that left the issuer's set stops verifying after the next refresh.
// When the server cannot be reached, the last good set stays in use (each
// failure is logged) until MaxStale after the last successful fetch; then Key
// fails closed with ErrKeysStale. RemoteKeys is safe for concurrent use.
type RemoteKeys struct {
	url    string
	opts   RemoteOptions
	log    *slog.Logger
	cancel context.CancelFunc
	done   chan struct{}
	kick   chan struct{} // wakes the refresh loop for an unknown kid

	current   atomic.Pointer[remoteIndex]
	lastKick  atomic.Int64 // unix nanoseconds of the last refetch for an unknown kid
	fetches   atomic.Int64
	unknownMu sync.Mutex // guards unknown
	unknown   map[string]struct{}
}

// remoteIndex is one fetched set.
type remoteIndex struct {
	set       jwk.Set
	keys      map[string]VerificationKey
	etag      string
	fetchedAt time.Time // last successful fetch or revalidation
	maxAge    time.Duration
}

// NewRemoteKeys fetches url once, bounded by ctx, and starts the background
// refresh. Close stops it.
func NewRemoteKeys(ctx context.Context, url string, opts RemoteOptions) (*RemoteKeys, error) {
	opts = opts.withDefaults()
	r := &RemoteKeys{url: url, opts: opts, log: opts.Logger, done: make(chan struct{}),
		kick: make(chan struct{}, 1), unknown: map[string]struct{}{}}
	if err := r.refresh(ctx); err != nil {
		return nil, err
	}
	bg, cancel := context.WithCancel(context.Background())
	r.cancel = cancel
	go r.loop(bg)
	return r, nil
}

func (o RemoteOptions) withDefaults() RemoteOptions {
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Timeout: 10 * time.Second}
	}
	o.MinInterval = orDefault(o.MinInterval, time.Minute)
	o.MaxInterval = max(orDefault(o.MaxInterval, time.Hour), o.MinInterval)
	o.UnknownKeyRefresh = orDefault(o.UnknownKeyRefresh, time.Minute)
	o.MaxStale = orDefault(o.MaxStale, 24*time.Hour)
	o.RetryInterval = orDefault(o.RetryInterval, max(o.MinInterval/4, time.Second))
	if o.MaxUnknownKids == 0 {
		o.MaxUnknownKids = 10_000
	}
	if o.MaxBodySize == 0 {
		o.MaxBodySize = 1 << 20
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// Close stops the background refresh and waits for it to end.
func (r *RemoteKeys) Close() {
	r.cancel()
	<-r.done
}

// Fetches returns how many HTTP requests for the set were sent, including
// revalidations that returned 304.
func (r *RemoteKeys) Fetches() int64 { return r.fetches.Load() }

// Key returns the key with kid from the set held now.
func (r *RemoteKeys) Key(ctx context.Context, kid string) (VerificationKey, error) {
	idx, err := r.index(ctx)
	if err != nil {
		return VerificationKey{}, err
	}
	if k, ok := idx.keys[kid]; ok {
		return k, nil
	}
	r.noteUnknown(kid)
	return VerificationKey{}, ErrUnknownKey
}

// index returns the set held now, or ErrKeysStale when its last successful
// fetch is older than MaxStale.
func (r *RemoteKeys) index(context.Context) (*remoteIndex, error) {
	idx := r.current.Load()
	if age := r.opts.Now().Sub(idx.fetchedAt); age > r.opts.MaxStale {
		return nil, fmt.Errorf("%w: last fetched %s ago from %s, limit %s", ErrKeysStale,
			age.Round(time.Second), r.url, r.opts.MaxStale)
	}
	return idx, nil
}

// noteUnknown remembers kid and wakes the refresh loop unless kid was already
// known to be unknown or the cooldown has not passed.
func (r *RemoteKeys) noteUnknown(kid string) {
	r.unknownMu.Lock()
	_, seen := r.unknown[kid]
	if !seen && len(r.unknown) < r.opts.MaxUnknownKids {
		r.unknown[kid] = struct{}{}
	}
	r.unknownMu.Unlock()
	if seen {
		return
	}
	now := r.opts.Now().UnixNano()
	last := r.lastKick.Load()
	if last != 0 && now-last < int64(r.opts.UnknownKeyRefresh) {
		return
	}
	if !r.lastKick.CompareAndSwap(last, now) {
		return
	}
	select {
	case r.kick <- struct{}{}:
	default:
	}
}

// loop refreshes the set when its max-age ends or an unknown kid requests a refetch.
func (r *RemoteKeys) loop(ctx context.Context) {
	defer close(r.done)
	wait := r.current.Load().maxAge
	for {
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		case <-r.kick:
			timer.Stop()
		}
		if err := r.refresh(ctx); err != nil {
			if ctx.Err() != nil {
				return
			}
			r.log.Warn("fetch JWK Set failed; using the last good set", "url", r.url,
				"err", err, "age", r.opts.Now().Sub(r.current.Load().fetchedAt).String())
			wait = r.opts.RetryInterval
			continue
		}
		wait = r.current.Load().maxAge
	}
}

// refresh fetches the set, revalidating the held one with its ETag, and
// installs the result.
func (r *RemoteKeys) refresh(ctx context.Context) error {
	cur := r.current.Load()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, r.url, nil)
	if err != nil {
		return fmt.Errorf("%w: %s: %v", ErrKeySource, r.url, err)
	}
	req.Header.Set("Accept", "application/jwk-set+json, application/json")
	if cur != nil && cur.etag != "" {
		req.Header.Set("If-None-Match", cur.etag)
	}
	r.fetches.Add(1)
	resp, err := r.opts.HTTPClient.Do(req)
	if err != nil {
		return fmt.Errorf("%w: fetch %s: %v", ErrKeySource, r.url, err)
	}
	defer resp.Body.Close()
	maxAge := r.maxAge(resp.Header.Get("Cache-Control"))
	if resp.StatusCode == http.StatusNotModified && cur != nil {
		next := *cur
		next.fetchedAt, next.maxAge = r.opts.Now(), maxAge
		r.current.Store(&next)
		return nil
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: fetch %s: status %d", ErrKeySource, r.url, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, r.opts.MaxBodySize+1))
	if err != nil {
		return fmt.Errorf("%w: read %s: %v", ErrKeySource, r.url, err)
	}
	if int64(len(body)) > r.opts.MaxBodySize {
		return fmt.Errorf("%w: %s exceeds %d bytes", ErrKeySource, r.url, r.opts.MaxBodySize)
	}
	set, skippedMembers, err := ParseSet(body)
	if err != nil {
		return fmt.Errorf("%s: %w", r.url, err)
	}
	keys, skipped := indexKeys(set)
	skipped = append(skippedMembers, skipped...)
	if len(keys) == 0 {
		return fmt.Errorf("%w: %s has no usable signing key (%v)", ErrKeySource, r.url, skipped)
	}
	r.install(&remoteIndex{set: set, keys: keys, etag: resp.Header.Get("ETag"),
		fetchedAt: r.opts.Now(), maxAge: maxAge}, cur)
	return nil
}

// install makes idx current and clears the unknown kids when the keys changed.
func (r *RemoteKeys) install(idx, prev *remoteIndex) {
	r.current.Store(idx)
	if prev != nil && sameKids(prev.keys, idx.keys) {
		return
	}
	r.unknownMu.Lock()
	clear(r.unknown)
	r.unknownMu.Unlock()
	if prev != nil {
		r.log.Info("JWK Set changed", "url", r.url, "keys", len(idx.keys))
	}
}

func sameKids(a, b map[string]VerificationKey) bool {
	if len(a) != len(b) {
		return false
	}
	for kid := range a {
		if _, ok := b[kid]; !ok {
			return false
		}
	}
	return true
}

// maxAge returns the Cache-Control max-age of a response bounded by
// MinInterval and MaxInterval; MinInterval when it has none.
func (r *RemoteKeys) maxAge(cacheControl string) time.Duration {
	d := r.opts.MinInterval
	for _, part := range strings.Split(cacheControl, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(part), "=")
		if !strings.EqualFold(name, "max-age") {
			continue
		}
		if s, err := strconv.ParseInt(strings.Trim(value, `"`), 10, 64); err == nil && s >= 0 {
			d = time.Duration(s) * time.Second
		}
	}
	return min(max(d, r.opts.MinInterval), r.opts.MaxInterval)
}

func orDefault(d, def time.Duration) time.Duration {
	if d == 0 {
		return def
	}
	return d
}
