/**
 * Sets one TTL on all six keys of a context, so it expires as a whole.
 *
 * KEYS: meta, values, revs, index, log, clocks
 * ARGV: ttlMs
 * Returns 1, or 0 when the context does not exist.
 */
export const EXPIRE_CONTEXT_LUA = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
for i = 1, 6 do redis.call('PEXPIRE', KEYS[i], ARGV[1]) end
return 1
`;
