package redisstore

import "github.com/redis/go-redis/v9"

// saveScript replaces the key set if its version is still the caller's and,
// for a fenced save, the caller still holds the lease and no later holder has
// written. It announces the new version on the channel.
//
// KEYS: set hash, lock. ARGV: expected version, records JSON, fence (0 for an
// unfenced save), channel.
// It returns {"saved", new version}, {"conflict", stored version} or
// {"fenced", stored version}.
var saveScript = redis.NewScript(`
local v = tonumber(redis.call('HGET', KEYS[1], 'version') or '0')
if v ~= tonumber(ARGV[1]) then return {'conflict', v} end
local fence = tonumber(ARGV[3])
if fence > 0 then
  if redis.call('GET', KEYS[2]) ~= ARGV[3] then return {'fenced', v} end
  local last = tonumber(redis.call('HGET', KEYS[1], 'fence') or '0')
  if fence < last then return {'fenced', v} end
  redis.call('HSET', KEYS[1], 'fence', ARGV[3])
end
redis.call('HSET', KEYS[1], 'version', v + 1, 'records', ARGV[2])
redis.call('PUBLISH', ARGV[4], v + 1)
return {'saved', v + 1}
`)

// acquireScript takes the lease when it is free and returns a new fencing
// token, or 0 when another holder has it.
//
// KEYS: lock, fence counter. ARGV: lease in milliseconds.
var acquireScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
local fence = redis.call('INCR', KEYS[2])
redis.call('SET', KEYS[1], fence, 'PX', ARGV[1])
return fence
`)

// releaseScript deletes the lease if the caller's fencing token still holds it.
//
// KEYS: lock. ARGV: fence.
var releaseScript = redis.NewScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)
