import VectorLogicSync

/// Token buckets keyed by client (and endpoint class): each bucket holds up to `limit` tokens and refills `limit`
/// tokens per window, continuously, so a client may burst `limit` requests and then gets `limit` per window.
///
/// One lock guards the table (a request takes it once, for every bucket it needs). The table is bounded: when it
/// reaches `maxBuckets`, buckets that have refilled to full (they carry no state) are dropped, then the least recently
/// used buckets that still have a token, an eighth of the table at a time (so eviction costs O(log n) per request,
/// amortised). Limited buckets go last: a flood of requests from many source addresses cannot reset the limit of a
/// client that is being limited (issue 8 §5: 66,000 addresses from 127.x.y.z used to clear the whole table).
public final class RateLimiter: Sendable {
    /// A bucket a request must take a token from.
    public struct Charge: Sendable {
        /// Bucket key, e.g. `ip:127.0.0.1` or `search:127.0.0.1`.
        public var key: String
        /// Tokens per window (also the burst size).
        public var limit: Int

        /// A bucket key and its limit.
        public init(key: String, limit: Int) {
            self.key = key
            self.limit = limit
        }
    }

    /// What the limiter decided, with the figures for the `RateLimit-*` headers of the tightest bucket.
    public struct Decision: Sendable, Equatable {
        /// Whether the request may proceed (then one token was taken from every bucket).
        public var allowed: Bool
        /// The tightest bucket's limit.
        public var limit: Int
        /// Whole tokens left in the tightest bucket after this request.
        public var remaining: Int
        /// Seconds until the tightest bucket is full again.
        public var resetSeconds: Int
        /// Seconds until a denied request could succeed (0 when allowed).
        public var retryAfterSeconds: Int
    }

    private struct Bucket {
        var tokens: Double
        var updatedNanoseconds: UInt64
    }

    /// The window in nanoseconds.
    public let windowNanoseconds: UInt64
    /// The table's bound.
    public let maxBuckets: Int
    private let buckets = Locked<[String: Bucket]>([:])

    /// Buckets refill `limit` tokens per `windowMilliseconds`; the table holds at most `maxBuckets`.
    public init(windowMilliseconds: Int, maxBuckets: Int = 65_536) {
        precondition(windowMilliseconds > 0 && maxBuckets > 0, "a rate limiter needs a positive window and table size")
        windowNanoseconds = UInt64(windowMilliseconds) * 1_000_000
        self.maxBuckets = maxBuckets
    }

    /// Takes one token from every bucket in `charges` if each has one, else takes none. `now` is a monotonic clock in ns.
    public func take(_ charges: [Charge], now: UInt64) -> Decision {
        precondition(!charges.isEmpty && charges.allSatisfy { $0.limit > 0 }, "charges need positive limits")
        let window = Double(windowNanoseconds)
        return buckets.withLock { table in
            if table.count + charges.count > maxBuckets { evict(&table, now: now, window: window) }
            var current: [Bucket] = []
            current.reserveCapacity(charges.count)
            for charge in charges {
                let limit = Double(charge.limit)
                var bucket = table[charge.key] ?? Bucket(tokens: limit, updatedNanoseconds: now)
                let elapsed = now > bucket.updatedNanoseconds ? Double(now - bucket.updatedNanoseconds) : 0
                bucket.tokens = min(limit, bucket.tokens + elapsed * limit / window)
                bucket.updatedNanoseconds = now
                current.append(bucket)
            }
            let allowed = current.allSatisfy { $0.tokens >= 1 }
            for (index, charge) in charges.enumerated() {
                if allowed { current[index].tokens -= 1 }
                table[charge.key] = current[index]
            }
            return Self.decision(allowed: allowed, buckets: charges.indices.map { index in
                (limit: charges[index].limit, windowNanoseconds: window, tokens: current[index].tokens)
            })
        }
    }

    /// The decision for buckets left holding `tokens` (after the request's token was taken, when `allowed`): the
    /// `RateLimit-*` figures of the tightest bucket (fewest tokens) and, when denied, how long until every empty
    /// bucket has a token again. Shared with the Redis-backed limiter, whose script returns the same figures.
    public static func decision(allowed: Bool, buckets: [(limit: Int, windowNanoseconds: Double, tokens: Double)]) -> Decision {
        precondition(!buckets.isEmpty, "a decision needs a bucket")
        var tightest = 0
        var retryAfter = 0
        for (index, bucket) in buckets.enumerated() {
            if bucket.tokens < buckets[tightest].tokens { tightest = index }
            if !allowed && bucket.tokens < 1 {
                let perSecond = Double(bucket.limit) / (bucket.windowNanoseconds / 1e9)
                retryAfter = max(retryAfter, max(1, Int(((1 - bucket.tokens) / perSecond).rounded(.up))))
            }
        }
        let bucket = buckets[tightest]
        let limit = Double(bucket.limit)
        return Decision(allowed: allowed, limit: bucket.limit, remaining: max(0, Int(bucket.tokens.rounded(.down))),
                        resetSeconds: max(0, Int(((limit - bucket.tokens) * bucket.windowNanoseconds / limit / 1e9).rounded(.up))),
                        retryAfterSeconds: retryAfter)
    }

    /// Buckets in the table (tests).
    public var bucketCount: Int { buckets.withLock { $0.count } }

    private func evict(_ table: inout [String: Bucket], now: UInt64, window: Double) {
        // A bucket untouched for a whole window has refilled completely, whatever its limit: it carries no state.
        table = table.filter { _, bucket in now <= bucket.updatedNanoseconds || Double(now - bucket.updatedNanoseconds) < window }
        guard table.count >= maxBuckets - maxBuckets / 8 else { return }
        // Least recently used first, buckets with a token before limited ones (tokens < 1 means "being limited").
        let victims = table.sorted { a, b in
            let aLimited = a.value.tokens < 1, bLimited = b.value.tokens < 1
            if aLimited != bLimited { return !aLimited }
            return a.value.updatedNanoseconds < b.value.updatedNanoseconds
        }.prefix(max(1, maxBuckets / 8))
        for (key, _) in victims { table.removeValue(forKey: key) }
    }

    /// Whether `charge` could take a token now, without taking one.
    public func peek(_ charge: Charge, now: UInt64) -> Decision {
        let window = Double(windowNanoseconds)
        let limit = Double(charge.limit)
        let tokens: Double = buckets.withLock { table in
            guard let bucket = table[charge.key] else { return limit }
            let elapsed = now > bucket.updatedNanoseconds ? Double(now - bucket.updatedNanoseconds) : 0
            return min(limit, bucket.tokens + elapsed * limit / window)
        }
        return Self.decision(allowed: tokens >= 1, buckets: [(limit: charge.limit, windowNanoseconds: window, tokens: tokens)])
    }

    /// The bucket key of a client address: IPv4 addresses as they are, IPv6 addresses by their /64 prefix (one
    /// host usually owns a whole /64, so per-address buckets would give it 2^64 of them). IPv4-mapped IPv6
    /// (`::ffff:1.2.3.4`) counts as the IPv4 address.
    public static func clientKey(_ address: String) -> String {
        guard address.contains(":") else { return address }
        var text = Substring(address)
        if let percent = text.firstIndex(of: "%") { text = text[..<percent] }  // zone id
        let lower = text.lowercased()
        if lower.hasPrefix("::ffff:"), lower.contains(".") { return String(lower.dropFirst("::ffff:".count)) }
        let halves = lower.split(separator: "::", maxSplits: 1, omittingEmptySubsequences: false)
        let head = halves[0].split(separator: ":").map(String.init)
        let tail = halves.count > 1 ? halves[1].split(separator: ":").map(String.init) : []
        let missing = max(0, 8 - head.count - tail.count)
        let groups = halves.count > 1 ? head + Array(repeating: "0", count: missing) + tail : head
        guard groups.count >= 4 else { return lower }
        let prefix = groups.prefix(4).map { group -> String in
            let trimmed = group.drop { $0 == "0" }
            return trimmed.isEmpty ? "0" : String(trimmed)
        }
        return prefix.joined(separator: ":") + "::/64"
    }
}
