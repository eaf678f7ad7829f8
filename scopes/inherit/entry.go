package inherit

import (
	"context"
	"encoding/json"
	"time"
)

// entry is one cached result, as stored in memory and, JSON-encoded, in Redis.
type entry struct {
	Scopes    []string  `json:"scopes"`
	FetchedAt time.Time `json:"fetched_at"`
}

// fresh reports whether e was fetched less than ttl before now. The zero
// entry is never fresh.
func (e entry) fresh(now time.Time, ttl time.Duration) bool {
	return !e.FetchedAt.IsZero() && now.Before(e.FetchedAt.Add(ttl))
}

// redisEntry reads key from Redis. A missing key, a Redis error and a
// malformed value all count as no entry, so the caller asks the source.
//
// NOTE: freshness compares FetchedAt, written by whichever replica fetched
// the result, with this process's clock, so clock skew between replicas
// lengthens or shortens the TTL by that skew.
func (c *Cached) redisEntry(ctx context.Context, key string) (entry, bool) {
	if c.opts.Redis == nil {
		return entry{}, false
	}
	data, err := c.opts.Redis.Get(ctx, key).Bytes()
	if err != nil {
		return entry{}, false
	}
	var e entry
	if json.Unmarshal(data, &e) != nil || e.FetchedAt.IsZero() {
		return entry{}, false
	}
	return e, true
}

// storeRedis writes e under key. The key outlives the TTL by
// historyRetention, so the next result can still be compared with it. A
// failed write leaves the result in this replica's memory only.
func (c *Cached) storeRedis(ctx context.Context, key string, e entry) {
	if c.opts.Redis == nil {
		return
	}
	data, err := json.Marshal(e)
	if err != nil {
		return
	}
	_ = c.opts.Redis.Set(ctx, key, data, c.opts.TTL+historyRetention).Err()
}
