import HTTPTypes
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle
import VectorLogicAccess
import VectorLogicRedis

/// Rate-limit buckets kept in Redis (`--rate-limit-store redis://…`), so several servers behind one load balancer
/// share them: the same token buckets as the in-process `RateLimiter`, kept as Redis hashes and updated by one Lua
/// script per check — one round trip (`EVALSHA`; `EVAL` when Redis does not know the script yet, after a restart or
/// `SCRIPT FLUSH`). A script rather than `INCR`/`PEXPIRE` counters: it takes tokens from every bucket of a request at
/// once or from none (the per-key, per-address and search buckets agree), refills continuously exactly as the
/// in-process limiter does, and reads Redis's clock, so servers with skewed clocks agree.
///
/// When Redis cannot answer within the timeout, the request is let through (`failClosed` false, the default) — with a
/// warning in the log at most every 10 s and `vectorlogic_rate_limit_store_errors_total` counting each one — or
/// refused with 503 `unavailable` (`failClosed`).
final class SharedRateLimitStore: Sendable {
    /// One bucket to check.
    struct Bucket: Sendable {
        var key: String
        var limit: Int
        var windowMilliseconds: Int
    }

    let client: RedisClient
    let failClosed: Bool
    let metrics: ServerMetrics
    let logger: Logger
    /// The script's digest once `SCRIPT LOAD` has answered; reset when the connection is lost or Redis forgets it.
    private let script: NIOLockedValueBox<ScriptState>
    private let lastWarning = NIOLockedValueBox<NIODeadline?>(nil)

    /// Every bucket key starts with this, so the limiter's keys are easy to find and never clash with other data.
    static let keyPrefix = "vectorlogic:ratelimit:"
    /// Store failures are logged at most this often (each is still counted).
    static let warningInterval = TimeAmount.seconds(10)

    init(url: RedisURL, timeoutMilliseconds: Int, failClosed: Bool, metrics: ServerMetrics, logger: Logger) {
        self.failClosed = failClosed
        self.metrics = metrics
        self.logger = logger
        let script = NIOLockedValueBox<ScriptState>(.unknown)
        self.script = script
        client = RedisClient(url: url, timeout: .milliseconds(Int64(timeoutMilliseconds))) { [metrics, logger] event in
            switch event {
            case .connected:
                metrics.recordRateLimitStore(up: true)
                logger.info("rate-limit store connected", metadata: ["url": .string(url.description)])
            case .disconnected(let reason, let retry):
                metrics.recordRateLimitStore(up: false)
                script.withLockedValue { $0 = .unknown }
                logger.warning("rate-limit store unreachable", metadata: ["url": .string(url.description), "error": .string(reason),
                                                                          "retry_in_ms": .stringConvertible(retry)])
            }
        }
    }

    /// Whether Redis knows the script by its digest.
    enum ScriptState {
        case unknown
        case loading
        case known(String)
    }

    /// Takes a token from every bucket, or from none; nil when Redis did not answer and the store fails open.
    func take(_ buckets: [Bucket]) async throws -> RateLimiter.Decision? {
        try await check(buckets, take: true)
    }

    /// Whether `bucket` has a token, without taking it; nil when Redis did not answer and the store fails open.
    func peek(_ bucket: Bucket) async throws -> RateLimiter.Decision? {
        try await check([bucket], take: false)
    }

    private func check(_ buckets: [Bucket], take: Bool) async throws -> RateLimiter.Decision? {
        do {
            let tokens = try await evaluate(buckets, take: take)
            return RateLimiter.decision(allowed: tokens.allowed, buckets: zip(buckets, tokens.left).map { bucket, left in
                (limit: bucket.limit, windowNanoseconds: Double(bucket.windowMilliseconds) * 1e6, tokens: left)
            })
        } catch {
            metrics.recordRateLimitStoreError(reason: Self.reason(error))
            warn(error)
            guard failClosed else { return nil }
            var refused = APIError(.serviceUnavailable, "unavailable",
                                   "the shared rate-limit store does not answer, and this server refuses requests it cannot count (--rate-limit-store-failure closed)")
            refused.headers[.retryAfter] = "1"
            throw AccessDenied(refused)
        }
    }

    /// One script call: whether the request may pass, and each bucket's tokens after it.
    private func evaluate(_ buckets: [Bucket], take: Bool) async throws(RedisError) -> (allowed: Bool, left: [Double]) {
        var arguments = [String(buckets.count)] + buckets.map { Self.keyPrefix + $0.key } + [take ? "1" : "0"]
        for bucket in buckets { arguments += [String(bucket.limit), String(bucket.windowMilliseconds)] }
        if case .known(let sha) = script.withLockedValue({ $0 }) {
            let reply = try await client.send(["EVALSHA", sha] + arguments)
            guard case .error(let message) = reply, message.hasPrefix("NOSCRIPT") else {
                return try Self.parse(reply, count: buckets.count)
            }
            script.withLockedValue { $0 = .unknown }
        }
        loadScriptIfUnknown()
        return try Self.parse(try await client.send(["EVAL", RateLimitScript.source] + arguments), count: buckets.count)
    }

    /// `[1|0, tokens…]` → the decision's inputs; anything else is a protocol error (a store failure).
    static func parse(_ reply: RESPValue, count: Int) throws(RedisError) -> (allowed: Bool, left: [Double]) {
        if case .error(let message) = reply { throw .protocolError("the rate-limit script failed: \(message.prefix(200))") }
        guard case .array(let items?) = reply, items.count == count + 1, case .integer(let allowed) = items[0] else {
            throw .protocolError("the rate-limit script answered \(String(describing: reply).prefix(200))")
        }
        var left: [Double] = []
        for item in items.dropFirst() {
            guard let text = item.string, let value = Double(text), value.isFinite else {
                throw .protocolError("the rate-limit script answered a bucket of \(String(describing: item).prefix(64))")
            }
            left.append(value)
        }
        return (allowed == 1, left)
    }

    /// `SCRIPT LOAD` in the background (once at a time); later checks use `EVALSHA` with the digest Redis returns.
    private func loadScriptIfUnknown() {
        let start = script.withLockedValue { state -> Bool in
            guard case .unknown = state else { return false }
            state = .loading
            return true
        }
        guard start else { return }
        Task { [client, script] in
            let reply = try? await client.send(["SCRIPT", "LOAD", RateLimitScript.source])
            script.withLockedValue { state in
                guard case .loading = state else { return }
                state = reply?.string.map { .known($0) } ?? .unknown
            }
        }
    }

    private func warn(_ error: any Error) {
        let now = NIODeadline.now()
        let due = lastWarning.withLockedValue { last -> Bool in
            if let last, now < last + Self.warningInterval { return false }
            last = now
            return true
        }
        guard due else { return }
        logger.warning("rate-limit store did not answer; request \(failClosed ? "refused" : "let through")",
                       metadata: ["error": .string((error as? RedisError)?.description ?? "\(error)")])
    }

    static func reason(_ error: any Error) -> String {
        switch error as? RedisError {
        case .timedOut?: return "timeout"
        case .unavailable?, .connectionClosed?, .shutdown?: return "unavailable"
        default: return "protocol"
        }
    }
}

/// Starts the store's connection with the server and closes it at shutdown.
struct SharedRateLimitStoreService: Service {
    let store: SharedRateLimitStore

    func run() async throws {
        store.client.start()
        try? await gracefulShutdown()
        await store.client.close()
    }
}
