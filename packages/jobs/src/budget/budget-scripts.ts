/*
 * The budget's Lua scripts. Each runs atomically in Redis, reads the clock with TIME (so a fleet
 * whose hosts disagree about the time still agrees about windows), and touches only the two keys
 * of one account+class, which share a hash tag and so one Cluster slot.
 *
 * Keys:   KEYS[1] the grant log: a sorted set, score = grant time in ms (Redis clock)
 *         KEYS[2] the AIMD state: a hash { base, anchor, pausedUntil, lastDecrease }
 *
 * Algorithm: a sliding-window log. Every grant is one member of the log, kept for the longest
 * window of the class; each window counts the members newer than now - windowMs. This is exact
 * (no boundary bursts as with fixed windows, no approximation as with sliding counters), and at
 * Adobe's rates (at most a few hundred members per key, a few thousand for the daily masking
 * window) ZCOUNT is cheap. One log serves every window of a class, so taking a token is a single
 * ZADD no matter how many windows apply. GCRA would store less but needs one state per window and
 * cannot report "used" for `darkroom watch` as directly.
 *
 * AIMD: the effective fraction of every limit is base + increase * (whole epochs since anchor),
 * capped at 1, computed on read so recovery needs no timer and no writer. An epoch is the class's
 * shortest window. penalize() lowers base multiplicatively (at most once per epoch, and not while
 * an earlier 429 still pauses the class, since those 429s answer requests sent before the pause)
 * and moves the anchor to the end of the pause, so recovery starts only once calls resume.
 *
 * Numbers cross into Redis as strings formatted with %.3f: Lua's default number-to-string keeps 14
 * significant digits, which would round a millisecond timestamp with a fraction.
 */

const COMMON = `
pcall(redis.replicate_commands)
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
end
local function fmt(x)
  return string.format('%.3f', x)
end
local function effective(base, anchor, now, epoch, increase)
  if base >= 1 then return 1 end
  if now <= anchor then return base end
  local f = base + math.floor((now - anchor) / epoch) * increase
  if f > 1 then return 1 end
  return f
end
local function effective_limit(limit, fraction)
  -- the epsilon keeps 0.1 * 3 * 10 style float noise from costing a whole token
  local l = math.floor(limit * fraction + 1e-9)
  if l < 1 then return 1 end
  return l
end
`;

/**
 * ARGV: nonce, epochMs, increase, n, then n pairs of limit, windowMs.
 * Returns {1, grantedAtMs} or {0, 'window' | 'paused', retryInMs}.
 */
export const TAKE_SCRIPT = `${COMMON}
local now = now_ms()
local st = redis.call('HMGET', KEYS[2], 'base', 'anchor', 'pausedUntil')
local paused = tonumber(st[3]) or 0
if paused > now then
  return {0, 'paused', math.max(1, math.ceil(paused - now))}
end
local fraction = effective(tonumber(st[1]) or 1, tonumber(st[2]) or 0, now, tonumber(ARGV[2]), tonumber(ARGV[3]))
local n = tonumber(ARGV[4])
local longest = 0
for i = 1, n do
  local w = tonumber(ARGV[4 + 2 * i])
  if w > longest then longest = w end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', fmt(now - longest))
local wait = 0
for i = 1, n do
  local limit = effective_limit(tonumber(ARGV[3 + 2 * i]), fraction)
  local w = tonumber(ARGV[4 + 2 * i])
  local since = '(' .. fmt(now - w)
  local used = redis.call('ZCOUNT', KEYS[1], since, '+inf')
  if used >= limit then
    -- room opens when the grant that puts us over the limit leaves the window
    local blocking = redis.call('ZRANGEBYSCORE', KEYS[1], since, '+inf', 'WITHSCORES', 'LIMIT', used - limit, 1)
    local free_in = tonumber(blocking[2]) + w - now
    if free_in > wait then wait = free_in end
  end
end
if wait > 0 then
  return {0, 'window', math.max(1, math.ceil(wait))}
end
redis.call('ZADD', KEYS[1], fmt(now), fmt(now) .. ':' .. ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(longest) + 1000)
return {1, fmt(now)}
`;

/**
 * ARGV: retryAfterMs, epochMs, increase, decreaseFactor, minFraction, longestWindowMs.
 * Returns {decreased 0|1, fraction, pausedUntilMs}.
 */
export const PENALIZE_SCRIPT = `${COMMON}
local now = now_ms()
local epoch = tonumber(ARGV[2])
local increase = tonumber(ARGV[3])
local st = redis.call('HMGET', KEYS[2], 'base', 'anchor', 'pausedUntil', 'lastDecrease')
local paused = tonumber(st[3]) or 0
local last = tonumber(st[4])
local fraction = effective(tonumber(st[1]) or 1, tonumber(st[2]) or 0, now, epoch, increase)
local decreased = 0
if now >= paused and (last == nil or now - last >= epoch) then
  fraction = math.max(tonumber(ARGV[5]), fraction * tonumber(ARGV[4]))
  last = now
  decreased = 1
end
local paused_until = math.max(paused, now + tonumber(ARGV[1]))
local anchor = math.max(now, paused_until)
redis.call('HSET', KEYS[2], 'base', fmt(fraction), 'anchor', fmt(anchor), 'pausedUntil', fmt(paused_until), 'lastDecrease', fmt(last or 0))
-- keep the state until the class has probed back to 1, then let it go
local epochs = 0
if fraction < 1 then epochs = math.ceil((1 - fraction) / increase) end
local ttl = (anchor - now) + epochs * epoch + tonumber(ARGV[6]) + 1000
redis.call('PEXPIRE', KEYS[2], math.ceil(ttl))
return {decreased, fmt(fraction), fmt(paused_until)}
`;

/**
 * ARGV: epochMs, increase, n, then n pairs of limit, windowMs.
 * Returns {nowMs, fraction, pausedUntilMs or '', then per window effectiveLimit, used}.
 */
export const STATE_SCRIPT = `${COMMON}
local now = now_ms()
local st = redis.call('HMGET', KEYS[2], 'base', 'anchor', 'pausedUntil')
local fraction = effective(tonumber(st[1]) or 1, tonumber(st[2]) or 0, now, tonumber(ARGV[1]), tonumber(ARGV[2]))
local paused = tonumber(st[3]) or 0
local out = {fmt(now), fmt(fraction), ''}
if paused > now then out[3] = fmt(paused) end
local n = tonumber(ARGV[3])
for i = 1, n do
  local w = tonumber(ARGV[3 + 2 * i])
  table.insert(out, effective_limit(tonumber(ARGV[2 + 2 * i]), fraction))
  table.insert(out, redis.call('ZCOUNT', KEYS[1], '(' .. fmt(now - w), '+inf'))
end
return out
`;
