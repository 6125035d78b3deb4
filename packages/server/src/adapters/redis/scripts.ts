/**
 * @module
 * The Lua scripts that change the cluster state. Each runs atomically in Redis and returns the
 * transition it caused, so no node ever decides "first" or "last" by reading then writing.
 *
 * Keys (B is the hash-tagged deployment prefix, e.g. `{herald}`; \31 separates fields):
 * - `B:n` zset node → last heartbeat (ms, Redis clock)
 * - `B:ns:<node>` set of `app\31channel\31socket` (the node's subscriptions, for reaping)
 * - `B:ni:<node>` set of `app\31socket\31user` (the node's sign-ins)
 * - `B:s:<app>\31<channel>` hash socket → `node\31user` (subscribers)
 * - `B:m:<app>\31<channel>` hash user → sockets in the channel; `B:mi:…` hash user → user_info JSON
 * - `B:c:<app>` hash channel → subscribers (occupied channels)
 * - `B:si:<app>` hash socket → `node\31user`; `B:u:<app>` hash user → signed-in sockets
 * - `B:k:<app>\31<channel>` cache channel's last event (expires)
 */

const PRELUDE = `
local B = ARGV[1]
local SEP = '\\31'
local function split2(v)
  local i = string.find(v, SEP, 1, true)
  return string.sub(v, 1, i - 1), string.sub(v, i + 1)
end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function leave(app, ch, sock)
  local skey = B .. ':s:' .. app .. SEP .. ch
  local v = redis.call('HGET', skey, sock)
  if not v then return {0, 0, '', 0, redis.call('HLEN', skey)} end
  redis.call('HDEL', skey, sock)
  local node, user = split2(v)
  redis.call('SREM', B .. ':ns:' .. node, app .. SEP .. ch .. SEP .. sock)
  local count = redis.call('HLEN', skey)
  local vacated = 0
  if count == 0 then
    vacated = 1
    redis.call('HDEL', B .. ':c:' .. app, ch)
  else
    redis.call('HSET', B .. ':c:' .. app, ch, count)
  end
  local removed = 0
  if user ~= '' then
    local mkey = B .. ':m:' .. app .. SEP .. ch
    if redis.call('HINCRBY', mkey, user, -1) <= 0 then
      redis.call('HDEL', mkey, user)
      redis.call('HDEL', B .. ':mi:' .. app .. SEP .. ch, user)
      removed = 1
    end
  end
  return {1, vacated, user, removed, count}
end
local function signout(app, user, sock)
  local ikey = B .. ':si:' .. app
  local v = redis.call('HGET', ikey, sock)
  if not v then return 0 end
  local node, owner = split2(v)
  if owner ~= user then return 0 end
  redis.call('HDEL', ikey, sock)
  redis.call('SREM', B .. ':ni:' .. node, app .. SEP .. sock .. SEP .. user)
  local ukey = B .. ':u:' .. app
  if redis.call('HINCRBY', ukey, user, -1) <= 0 then
    redis.call('HDEL', ukey, user)
    return 1
  end
  return 0
end
local function signin(node, app, user, sock)
  local ikey = B .. ':si:' .. app
  local v = redis.call('HGET', ikey, sock)
  if v then
    local _, owner = split2(v)
    if owner == user then return 0 end
    signout(app, owner, sock)
  end
  redis.call('HSET', ikey, sock, node .. SEP .. user)
  redis.call('SADD', B .. ':ni:' .. node, app .. SEP .. sock .. SEP .. user)
  if redis.call('HINCRBY', B .. ':u:' .. app, user, 1) == 1 then return 1 end
  return 0
end
`;

/** ARGV: B, node, app, channel, socket, user ('' = none), info JSON, maxMembers ('' = none). */
export const JOIN = `${PRELUDE}
local node, app, ch, sock, user, info, max = ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7], ARGV[8]
local skey = B .. ':s:' .. app .. SEP .. ch
if redis.call('HEXISTS', skey, sock) == 1 then return {1, 0, 0, redis.call('HLEN', skey)} end
local mkey = B .. ':m:' .. app .. SEP .. ch
if user ~= '' and max ~= '' then
  if redis.call('HEXISTS', mkey, user) == 0 and redis.call('HLEN', mkey) >= tonumber(max) then
    return {0, 0, 0, 0}
  end
end
redis.call('HSET', skey, sock, node .. SEP .. user)
redis.call('SADD', B .. ':ns:' .. node, app .. SEP .. ch .. SEP .. sock)
local count = redis.call('HLEN', skey)
redis.call('HSET', B .. ':c:' .. app, ch, count)
local added = 0
if user ~= '' and redis.call('HINCRBY', mkey, user, 1) == 1 then
  added = 1
  redis.call('HSET', B .. ':mi:' .. app .. SEP .. ch, user, info)
end
local occupied = 0
if count == 1 then occupied = 1 end
return {1, occupied, added, count}
`;

/** ARGV: B, app, channel, socket. */
export const LEAVE = `${PRELUDE}
return leave(ARGV[2], ARGV[3], ARGV[4])
`;

/** ARGV: B, node, app, user, socket. */
export const SIGN_IN = `${PRELUDE}
return signin(ARGV[2], ARGV[3], ARGV[4], ARGV[5])
`;

/** ARGV: B, app, user, socket. */
export const SIGN_OUT = `${PRELUDE}
return signout(ARGV[2], ARGV[3], ARGV[4])
`;

/** ARGV: B, app, prefix. Returns flat [channel, subscribers, users, ...]. */
export const CHANNELS = `${PRELUDE}
local app, prefix = ARGV[2], ARGV[3]
local all = redis.call('HGETALL', B .. ':c:' .. app)
local out = {}
for i = 1, #all, 2 do
  local ch = all[i]
  if string.sub(ch, 1, #prefix) == prefix then
    out[#out + 1] = ch
    out[#out + 1] = all[i + 1]
    out[#out + 1] = redis.call('HLEN', B .. ':m:' .. app .. SEP .. ch)
  end
end
return out
`;

/** ARGV: B, app, channel. Returns [subscribers, users]. */
export const CHANNEL = `${PRELUDE}
local app, ch = ARGV[2], ARGV[3]
return {redis.call('HLEN', B .. ':s:' .. app .. SEP .. ch), redis.call('HLEN', B .. ':m:' .. app .. SEP .. ch)}
`;

/** KEYS[1] = B:n; ARGV: B, node. Returns 1 when the node was not registered (new or reaped). */
export const HEARTBEAT = `${PRELUDE}
return redis.call('ZADD', KEYS[1], now_ms(), ARGV[2])
`;

/** KEYS[1] = B:n; ARGV: B, timeoutMs, 'live' | 'dead'. */
export const NODES = `${PRELUDE}
local limit = now_ms() - tonumber(ARGV[2])
if ARGV[3] == 'live' then return redis.call('ZRANGEBYSCORE', KEYS[1], limit, '+inf') end
return redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. limit)
`;

/**
 * KEYS[1] = B:n; ARGV: B, node, timeoutMs (-1: unconditionally), batch size.
 * Removes up to `batch` entries of a node that is still dead, atomically with their transitions.
 * Returns {done, t1, a1, x1, y1, ...}: 'v' app channel '' | 'r' app channel user | 'o' app user ''.
 */
export const REAP = `${PRELUDE}
local node, timeout, batch = ARGV[2], tonumber(ARGV[3]), tonumber(ARGV[4])
if timeout >= 0 then
  local seen = redis.call('ZSCORE', KEYS[1], node)
  if seen and tonumber(seen) >= now_ms() - timeout then return {1} end
end
local out = {0}
local subs = redis.call('SRANDMEMBER', B .. ':ns:' .. node, batch)
for _, e in ipairs(subs) do
  local a = string.find(e, SEP, 1, true)
  local b = string.find(e, SEP, a + 1, true)
  local app, ch, sock = string.sub(e, 1, a - 1), string.sub(e, a + 1, b - 1), string.sub(e, b + 1)
  local r = leave(app, ch, sock)
  if r[1] == 0 then redis.call('SREM', B .. ':ns:' .. node, e) end
  if r[2] == 1 then out[#out + 1] = 'v'; out[#out + 1] = app; out[#out + 1] = ch; out[#out + 1] = '' end
  if r[4] == 1 then out[#out + 1] = 'r'; out[#out + 1] = app; out[#out + 1] = ch; out[#out + 1] = r[3] end
end
local left = batch - #subs
if left > 0 then
  local ins = redis.call('SRANDMEMBER', B .. ':ni:' .. node, left)
  for _, e in ipairs(ins) do
    local a = string.find(e, SEP, 1, true)
    local b = string.find(e, SEP, a + 1, true)
    local app, sock, user = string.sub(e, 1, a - 1), string.sub(e, a + 1, b - 1), string.sub(e, b + 1)
    redis.call('SREM', B .. ':ni:' .. node, e)
    if signout(app, user, sock) == 1 then
      out[#out + 1] = 'o'; out[#out + 1] = app; out[#out + 1] = user; out[#out + 1] = ''
    end
  end
  if #ins < left then
    redis.call('ZREM', KEYS[1], node)
    out[1] = 1
  end
end
return out
`;

/** ARGV: B, app, channel, ttlSeconds, value. */
export const CACHE_SET = `${PRELUDE}
return redis.call('SET', B .. ':k:' .. ARGV[2] .. SEP .. ARGV[3], ARGV[5], 'EX', ARGV[4])
`;

/** ARGV: B, app, channel. Returns {value, ttlSeconds} or {}. */
export const CACHE_GET = `${PRELUDE}
local key = B .. ':k:' .. ARGV[2] .. SEP .. ARGV[3]
local v = redis.call('GET', key)
if not v then return {} end
return {v, redis.call('TTL', key)}
`;
