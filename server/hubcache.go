package server

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"github.com/hubjwt/hubjwt/internal/hubapi"
)

// HubIdentifier returns the owner and scopes of a JupyterHub API token, as
// GET /hub/api/user authenticated by that token does. *hubapi.Client
// implements it.
type HubIdentifier interface {
	WhoAmI(ctx context.Context, token string) (hubapi.Identity, error)
}

// maxCachedIdentities bounds the identity cache. When it is full of fresh
// entries, new responses are not cached until some expire.
const maxCachedIdentities = 10_000

// identityCache keeps the hub's responses about API tokens for a short TTL,
// keyed by the SHA-256 of the token so that no token is kept in memory.
// Only successful responses are cached, so a rejected token is looked up again.
// It is safe for concurrent use.
type identityCache struct {
	hub HubIdentifier
	ttl time.Duration // zero disables caching
	now func() time.Time

	mu      sync.Mutex // guards entries
	entries map[[sha256.Size]byte]cachedIdentity
}

type cachedIdentity struct {
	id      hubapi.Identity
	expires time.Time
}

func newIdentityCache(hub HubIdentifier, ttl time.Duration, now func() time.Time) *identityCache {
	return &identityCache{hub: hub, ttl: ttl, now: now,
		entries: map[[sha256.Size]byte]cachedIdentity{}}
}

// WhoAmI returns the cached identity of token or calls the hub. The second
// result reports whether the identity came from the cache.
func (c *identityCache) WhoAmI(ctx context.Context, token string) (hubapi.Identity, bool, error) {
	if c.ttl <= 0 {
		id, err := c.hub.WhoAmI(ctx, token)
		return id, false, err
	}
	key := sha256.Sum256([]byte(token))
	now := c.now()
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if ok && now.Before(e.expires) {
		return e.id, true, nil
	}
	id, err := c.hub.WhoAmI(ctx, token)
	if err != nil {
		return hubapi.Identity{}, false, err
	}
	c.store(key, cachedIdentity{id: id, expires: now.Add(c.ttl)}, now)
	return id, false, nil
}

func (c *identityCache) store(key [sha256.Size]byte, e cachedIdentity, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxCachedIdentities {
		for k, old := range c.entries {
			if !now.Before(old.expires) {
				delete(c.entries, k)
			}
		}
		if len(c.entries) >= maxCachedIdentities {
			return
		}
	}
	c.entries[key] = e
}
