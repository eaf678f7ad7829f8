package redisstore

import "github.com/redis/go-redis/v9"

// addScript writes an entry and its stream record in one atomic step, only
// while the generation marker is the caller's.
//
// KEYS: marker, entry, index, stream.
// ARGV: generation, entry ID, entry JSON, ExpiresAt (Unix ms), Before (Unix µs),
// stream max length, now (Unix ms).
// It returns {"generation", marker} when the marker differs, {"covered", ""} when
// the stored entry already covers this one, {"merge", stored JSON} when each has a
// later time than the other (the caller merges and retries) and {"added", stream
// ID} after writing.
var addScript = redis.NewScript(`
local gen = redis.call('GET', KEYS[1])
if gen ~= ARGV[1] then return {'generation', gen or ''} end
local exp, before = tonumber(ARGV[4]), tonumber(ARGV[5])
local cur = redis.call('HMGET', KEYS[2], 'exp', 'before', 'json')
if cur[1] then
  local cexp, cbefore = tonumber(cur[1]), tonumber(cur[2])
  if cexp >= exp and cbefore >= before then return {'covered', ''} end
  if cexp > exp or cbefore > before then return {'merge', cur[3]} end
end
redis.call('HSET', KEYS[2], 'json', ARGV[3], 'exp', ARGV[4], 'before', ARGV[5])
redis.call('PEXPIREAT', KEYS[2], exp)
redis.call('ZADD', KEYS[3], exp, ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', ARGV[7])
local id = redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[3], 'g', ARGV[1])
return {'added', id}
`)

// initScript creates the generation marker at first use and returns it.
//
// KEYS: marker, origin. ARGV: a new generation.
var initScript = redis.NewScript(`
local gen = redis.call('GET', KEYS[1])
if gen then return gen end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], 'first-use')
return ARGV[1]
`)

// recoverScript handles a marker that differs from the caller's: it adopts a
// marker that another process created during a recovery, and otherwise sets a
// new marker and writes the global cut-off entry with its stream record.
//
// KEYS: marker, origin, global entry, index, stream.
// ARGV: the caller's generation, a new generation, entry JSON, ExpiresAt (Unix
// ms), Before (Unix µs), stream max length.
// It returns {"same", marker}, {"adopted", marker} or {"recovered", new marker}.
var recoverScript = redis.NewScript(`
local gen = redis.call('GET', KEYS[1])
if gen == ARGV[1] then return {'same', gen} end
if gen and redis.call('GET', KEYS[2]) == 'recovery' then return {'adopted', gen} end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('SET', KEYS[2], 'recovery')
local exp, before = tonumber(ARGV[4]), tonumber(ARGV[5])
local cur = redis.call('HMGET', KEYS[3], 'exp', 'before')
if not (cur[1] and tonumber(cur[1]) >= exp and tonumber(cur[2]) >= before) then
  redis.call('HSET', KEYS[3], 'json', ARGV[3], 'exp', ARGV[4], 'before', ARGV[5])
  redis.call('PEXPIREAT', KEYS[3], exp)
  redis.call('ZADD', KEYS[4], exp, 'global')
end
redis.call('XADD', KEYS[5], 'MAXLEN', '~', ARGV[6], '*', 'e', ARGV[3], 'g', ARGV[2])
return {'recovered', ARGV[2]}
`)
