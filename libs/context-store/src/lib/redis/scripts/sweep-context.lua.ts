/**
 * Housekeeping of one context in one step (the leader runs it per context found by SCAN):
 * - without a head record (`meta`), the other parts are orphans of a partial expiry: deleted;
 * - the history stream is trimmed to exactly `retain` entries (the snapshot holds everything older);
 * - parts whose TTL drifted from the head record's are realigned (or persisted when the head has none).
 *
 * KEYS: meta, values, revs, index, log, clocks. ARGV: retain.
 * Returns {hasMeta, trimmed, orphansRemoved, ttlRepaired, keys, historyEntries, bytes, pttl}.
 */
export const SWEEP_CONTEXT_LUA = `
local retain = tonumber(ARGV[1])
if redis.call('EXISTS', KEYS[1]) == 0 then
  local removed = 0
  for i = 2, 6 do removed = removed + redis.call('DEL', KEYS[i]) end
  return {0, 0, removed, 0, 0, 0, 0, -2}
end
local trimmed = 0
if redis.call('EXISTS', KEYS[5]) == 1 then trimmed = redis.call('XTRIM', KEYS[5], 'MAXLEN', retain) end
local pttl = redis.call('PTTL', KEYS[1])
local repaired = 0
for i = 2, 6 do
  if redis.call('EXISTS', KEYS[i]) == 1 then
    local own = redis.call('PTTL', KEYS[i])
    if pttl > 0 and math.abs(own - pttl) > 1000 then
      redis.call('PEXPIRE', KEYS[i], pttl)
      repaired = 1
    elseif pttl == -1 and own > 0 then
      redis.call('PERSIST', KEYS[i])
      repaired = 1
    end
  end
end
local bytes = tonumber(redis.call('HGET', KEYS[1], 'bytes')) or 0
return {1, trimmed, 0, repaired, redis.call('HLEN', KEYS[2]), redis.call('XLEN', KEYS[5]), bytes, pttl}
`;
