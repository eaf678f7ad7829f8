package redisstore

import "github.com/redis/go-redis/v9"

// createScript stores a new family unless its id exists.
//
// KEYS: family. ARGV: expires_ms, then field and value pairs.
// It returns 'exists' or 'created'.
var createScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 'exists' end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('PEXPIREAT', KEYS[1], ARGV[1])
return 'created'
`)

// redeemScript is refresh.Decide in Lua; the two must agree, which the
// conformance suite checks.
//
// KEYS: family, used set. ARGV: hash, client, now_ms, grace_ms, next, sealed.
// It returns {status} for 'missing', 'expired', 'revoked', 'unknown',
// 'client' and 'reused', and {status, HGETALL of the family} for 'rotated'
// and 'retried'.
var redeemScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return {'missing'} end
local f = redis.call('HMGET', KEYS[1], 'expires_ms', 'revoked', 'current', 'client',
  'previous', 'rotated_ms')
local now = tonumber(ARGV[3])
if now >= tonumber(f[1]) then return {'expired'} end
if f[2] == '1' then return {'revoked'} end
local used = redis.call('SISMEMBER', KEYS[2], ARGV[1]) == 1
if ARGV[1] ~= f[3] and not used then return {'unknown'} end
if ARGV[2] ~= f[4] then return {'client'} end
if ARGV[1] == f[3] then
  redis.call('HSET', KEYS[1], 'previous', f[3], 'current', ARGV[5], 'rotated_ms', ARGV[3],
    'successor', ARGV[6])
  redis.call('HINCRBY', KEYS[1], 'generation', 1)
  redis.call('SADD', KEYS[2], ARGV[1])
  redis.call('PEXPIREAT', KEYS[2], f[1])
  return {'rotated', redis.call('HGETALL', KEYS[1])}
end
if ARGV[1] == f[5] and f[6] and now < tonumber(f[6]) + tonumber(ARGV[4]) then
  return {'retried', redis.call('HGETALL', KEYS[1])}
end
redis.call('HSET', KEYS[1], 'revoked', '1')
return {'reused'}
`)

// revokeScript marks an existing family revoked.
//
// KEYS: family. It returns 0 when the family is missing, else 1.
var revokeScript = redis.NewScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], 'revoked', '1')
return 1
`)
