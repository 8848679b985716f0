/**
 * Every write of a context in one step: checks the expected revisions, the writer's clock (last-writer-wins, for
 * replayed offline writes) and the limits, updates the snapshot (values, revs, index, meta, clocks), appends the
 * change to the stream under the id `<revision>-0` with Redis's time, and keeps one TTL on all six keys. Redis runs a script alone, so concurrent writers cannot interleave and no update is lost.
 *
 * KEYS: meta, values, revs, index, log, clocks
 * ARGV: op (put|del), key, json, expectedRevision|'', expectedContextRevision|'', ttlMs|'',
 *       maxContextBytes, maxKeys, historyLength, epoch for a new context, change-feed channel, context id,
 *       clock|'' (the writer's hybrid logical clock; '' = Redis time), lastWriterWins '1'|''
 * Returns {outcome, number}: ok/revision, noop/context revision, superseded/key revision, key-conflict/key revision,
 *         context-conflict/context revision, too-many-keys/0, too-large/bytes.
 */
export const WRITE_CHANGE_LUA = `
local meta, values, revs, index, log, clocks = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local op, key, json = ARGV[1], ARGV[2], ARGV[3]
local state = redis.call('HMGET', meta, 'rev', 'epoch', 'bytes')
local contextRev = tonumber(state[1]) or 0
local epoch = state[2] or ARGV[10]
local bytes = tonumber(state[3]) or 0
local keyRev = tonumber(redis.call('HGET', revs, key)) or 0

if ARGV[4] ~= '' and tonumber(ARGV[4]) ~= keyRev then return {'key-conflict', keyRev} end
if ARGV[5] ~= '' and tonumber(ARGV[5]) ~= contextRev then return {'context-conflict', contextRev} end

-- Clocks compare as strings: zero-padded wall milliseconds, counter, node id (see hybrid-logical-clock.ts).
-- Redis's own time stamps the change (field w, the change feed's w) so consumers can measure how far behind they are.
local now = redis.call('TIME')
local nowMs = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local writtenAt = string.format('%d', nowMs)
local clock = ARGV[13]
if clock == '' then
  clock = string.format('%015d.%06d.~redis', nowMs, 0)
end
local lastClock = redis.call('HGET', clocks, key)
if ARGV[14] == '1' and lastClock and lastClock > clock then return {'superseded', keyRev} end

local oldSize = 0
if keyRev > 0 then oldSize = #key + redis.call('HSTRLEN', values, key) end
if op == 'del' then
  if keyRev == 0 then return {'noop', contextRev} end
  bytes = bytes - oldSize
else
  if keyRev == 0 and redis.call('HLEN', values) >= tonumber(ARGV[8]) then return {'too-many-keys', 0} end
  bytes = bytes - oldSize + #key + #json
  if bytes > tonumber(ARGV[7]) then return {'too-large', bytes} end
end

-- Read before this write creates keys: a key created now (e.g. values after all were deleted) must get the
-- context's remaining TTL too, or parts of the context would outlive the rest.
local ttl = tonumber(ARGV[6]) or redis.call('PTTL', meta)
local rev = contextRev + 1
local revText = string.format('%d', rev)
-- The stream first: a script is not rolled back, and XADD is the call that can refuse (an id not above the
-- stream's last one means the context's keys were damaged, e.g. evicted one by one); then nothing is written.
if op == 'del' then
  redis.call('XADD', log, 'MAXLEN', '~', ARGV[9], revText .. '-0', 'e', epoch, 't', 'del', 'k', key, 'w', writtenAt)
  redis.call('HDEL', values, key)
  redis.call('HDEL', revs, key)
  redis.call('ZREM', index, key)
  -- The clock stays as a tombstone: an older write replayed later must not bring the key back.
  redis.call('HSET', clocks, key, clock)
else
  redis.call('XADD', log, 'MAXLEN', '~', ARGV[9], revText .. '-0', 'e', epoch, 't', 'put', 'k', key, 'v', json, 'w', writtenAt)
  redis.call('HSET', values, key, json)
  redis.call('HSET', revs, key, revText)
  redis.call('ZADD', index, 0, key)
  redis.call('HSET', clocks, key, clock)
end
redis.call('HSET', meta, 'rev', revText, 'epoch', epoch, 'bytes', string.format('%d', bytes))
if ttl > 0 then
  for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ttl) end
end
-- The change feed (notifications only): pub/sub is not keyed, so this is allowed under Redis Cluster too.
redis.call('PUBLISH', ARGV[11], cjson.encode({c = ARGV[12], k = key, r = rev, t = op, w = nowMs}))
return {'ok', rev}
`;
