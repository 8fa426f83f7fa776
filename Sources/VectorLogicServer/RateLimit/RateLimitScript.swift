/// The Lua script every rate-limit check runs in Redis (`SharedRateLimitStore`): token buckets identical to the
/// in-process `RateLimiter`'s (each holds up to `limit` tokens and refills `limit` per window, continuously).
///
/// `KEYS[i]`: bucket i, a hash `{t = tokens, u = last update in µs}`. `ARGV[1]`: `1` to take a token from every
/// bucket (only if each has one), `0` to look only. `ARGV[2i]`, `ARGV[2i+1]`: bucket i's limit and window in ms.
/// Reply: `[1 if allowed else 0, tokens left in bucket 1 as text, …]` (text because Redis truncates Lua numbers in
/// replies to integers). Time comes from Redis (`TIME`), so servers with skewed clocks agree. A bucket expires one
/// window after its last use: by then it has refilled, so dropping it loses nothing and Redis holds only live buckets.
enum RateLimitScript {
    static let source = """
    local clock = redis.call('TIME')
    local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
    local take = ARGV[1] == '1'
    local tokens = {}
    local allowed = true
    for i, key in ipairs(KEYS) do
      local limit = tonumber(ARGV[2 * i])
      local window = tonumber(ARGV[2 * i + 1]) * 1000
      local state = redis.call('HMGET', key, 't', 'u')
      local t = tonumber(state[1])
      local u = tonumber(state[2])
      if t == nil or u == nil then
        t = limit
      elseif now > u then
        t = math.min(limit, t + (now - u) * limit / window)
      end
      tokens[i] = t
      if t < 1 then allowed = false end
    end
    local reply = {allowed and 1 or 0}
    for i, key in ipairs(KEYS) do
      local t = tokens[i]
      if take then
        if allowed then t = t - 1 end
        redis.call('HSET', key, 't', string.format('%.17g', t), 'u', string.format('%.0f', now))
        redis.call('PEXPIRE', key, ARGV[2 * i + 1])
      end
      reply[#reply + 1] = string.format('%.17g', t)
    end
    return reply
    """
}
