/**
 * One page of a context at one revision: keys from the index by byte range, then their values and revisions.
 *
 * KEYS: meta, values, revs, index
 * ARGV: min and max of ZRANGE BYLEX, count
 * Returns {context revision, keys, values, revisions}.
 */
export const READ_PAGE_LUA = `
local keys = redis.call('ZRANGE', KEYS[4], ARGV[1], ARGV[2], 'BYLEX', 'LIMIT', 0, tonumber(ARGV[3]))
local rev = redis.call('HGET', KEYS[1], 'rev') or '0'
if #keys == 0 then return {rev, {}, {}, {}} end
return {rev, keys, redis.call('HMGET', KEYS[2], unpack(keys)), redis.call('HMGET', KEYS[3], unpack(keys))}
`;
