// Package redisstore is an authcode.Store in Redis, shared by every replica.
// Each record is a hash under hubjwt:authcode:KEY with fields v (value), exp
// (expiry in Unix milliseconds) and used; Lua scripts run each method as one
// atomic step, and PEXPIREAT lets Redis delete the record after its expiry.
package redisstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/hubjwt/hubjwt/token/authcode"
)

const keyPrefix = "hubjwt:authcode:"

// Store is an authcode.Store over a go-redis UniversalClient, so a single
// server, Sentinel and Cluster all work. It is safe for concurrent use.
type Store struct {
	client redis.UniversalClient
}

var _ authcode.Store = (*Store)(nil)

// New returns a Store over client. The caller closes client.
func New(client redis.UniversalClient) *Store { return &Store{client: client} }

// A record whose exp is not after ARGV now is treated as absent, so expiry
// follows the caller's clock, not only Redis's.
var (
	createScript = redis.NewScript(`
local exp = redis.call('HGET', KEYS[1], 'exp')
if exp and tonumber(exp) > tonumber(ARGV[3]) then return 0 end
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'v', ARGV[1], 'exp', ARGV[2])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return 1`)
	consumeScript = redis.NewScript(`
local exp = redis.call('HGET', KEYS[1], 'exp')
if not exp or tonumber(exp) <= tonumber(ARGV[1]) then return false end
local first = redis.call('HSETNX', KEYS[1], 'used', '1')
return {redis.call('HGET', KEYS[1], 'v'), first}`)
	updateScript = redis.NewScript(`
local exp = redis.call('HGET', KEYS[1], 'exp')
if not exp or tonumber(exp) <= tonumber(ARGV[2]) then return 0 end
redis.call('HSET', KEYS[1], 'v', ARGV[1])
return 1`)
)

// Create stores value under key until expires.
func (s *Store) Create(ctx context.Context, key string, value []byte, expires, now time.Time) error {
	if err := authcode.Validate(key, expires, now); err != nil {
		return err
	}
	n, err := createScript.Run(ctx, s.client, []string{keyPrefix + key}, value,
		expires.UnixMilli(), now.UnixMilli()).Int()
	if err != nil {
		return fmt.Errorf("authcode redisstore: create: %w", err)
	}
	if n == 0 {
		return authcode.ErrExists
	}
	return nil
}

// Consume marks the record used and returns its value.
func (s *Store) Consume(ctx context.Context, key string, now time.Time) ([]byte, bool, error) {
	res, err := consumeScript.Run(ctx, s.client, []string{keyPrefix + key},
		now.UnixMilli()).Slice()
	if errors.Is(err, redis.Nil) {
		return nil, false, authcode.ErrNotFound
	}
	if err != nil {
		return nil, false, fmt.Errorf("authcode redisstore: consume: %w", err)
	}
	if len(res) != 2 {
		return nil, false, fmt.Errorf("authcode redisstore: consume: unexpected reply %v", res)
	}
	value, _ := res[0].(string)
	first, _ := res[1].(int64)
	return []byte(value), first == 1, nil
}

// Update replaces the value of a live record.
func (s *Store) Update(ctx context.Context, key string, value []byte, now time.Time) error {
	n, err := updateScript.Run(ctx, s.client, []string{keyPrefix + key}, value,
		now.UnixMilli()).Int()
	if err != nil {
		return fmt.Errorf("authcode redisstore: update: %w", err)
	}
	if n == 0 {
		return authcode.ErrNotFound
	}
	return nil
}
