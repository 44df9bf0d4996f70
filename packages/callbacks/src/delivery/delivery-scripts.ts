/**
 * The Lua scripts behind every state change of a delivery: each reads and writes the delivery's
 * hash, the edit's pointer to its latest delivery and the dead set in one step, so two processes
 * never interleave inside a change. The keys share the queue prefix's hash tag (one cluster slot).
 */

/** KEYS: hash, pointer. ARGV: deliveryId, field, value, ... Returns the existing state, or nil. */
export const CREATE_DELIVERY = `
local state = redis.call('HGET', KEYS[1], 'state')
if state then return state end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
redis.call('SET', KEYS[2], ARGV[1])
return false
`;

/**
 * KEYS: hash. Counts an attempt of a delivery that is still owed; nil when it is not (delivered
 * or dead already, or its record is gone), so a stalled job run twice does not send twice.
 * Returns { attempts, since }.
 */
export const BEGIN_ATTEMPT = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'pending' and state ~= 'retrying' then return false end
local attempts = redis.call('HINCRBY', KEYS[1], 'attempts', 1)
return { attempts, redis.call('HGET', KEYS[1], 'since') }
`;

/**
 * KEYS: hash, pointer, dead set. ARGV: deliveryId, retention ms ('' keeps the record), dead-set
 * score ('' leaves the set alone), count of fields to delete, those fields, field, value, ...
 */
export const UPDATE_DELIVERY = `
local n = tonumber(ARGV[4])
for i = 5, 4 + n do redis.call('HDEL', KEYS[1], ARGV[i]) end
redis.call('HSET', KEYS[1], unpack(ARGV, 5 + n))
if ARGV[2] ~= '' then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PEXPIRE', KEYS[2], ARGV[2]) end
end
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1]) end
return 1
`;

/**
 * KEYS: hash, pointer, dead set. ARGV: deliveryId, now. A dead delivery becomes pending again
 * with no attempts and a fresh time window. Returns the state found (nil: no record).
 */
export const REVIVE_DELIVERY = `
local state = redis.call('HGET', KEYS[1], 'state')
if state ~= 'dead' then return state or false end
redis.call('HDEL', KEYS[1], 'lastStatus', 'lastError', 'nextAttemptAt', 'deadAt')
redis.call('HSET', KEYS[1], 'state', 'pending', 'attempts', 0, 'since', ARGV[2])
redis.call('PERSIST', KEYS[1])
if redis.call('GET', KEYS[2]) == ARGV[1] then redis.call('PERSIST', KEYS[2]) end
redis.call('ZREM', KEYS[3], ARGV[1])
return 'dead'
`;
