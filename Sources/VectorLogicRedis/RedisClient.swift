import NIOConcurrencyHelpers
public import NIOCore
public import NIOPosix

/// A small Redis client: one pipelined RESP2 connection, commands as string arrays, replies as `RESPValue`.
///
/// Latency is bounded: a command waits at most `timeout` for its reply, and a command sent while the client is not
/// connected fails at once with `.unavailable` rather than waiting for a connection. Connections are made in the
/// background — at `start()`, and again after a loss — with exponential backoff (`initialBackoff` doubling to
/// `maxBackoff`, ±25% jitter so several servers do not reconnect in step); a failed command after a loss also
/// triggers an attempt once the backoff has passed. `onStateChange` hears every connect and disconnect (for logs and
/// metrics).
public final class RedisClient: Sendable {
    /// Connected or not, and why.
    public enum Event: Sendable, Equatable {
        /// A connection is up (after `SELECT` of the URL's database).
        case connected
        /// A connection failed or was lost; the next attempt is after `retryIn`.
        case disconnected(reason: String, retryInMilliseconds: Int64)
    }

    private enum State {
        case idle(retryAt: NIODeadline)
        case connecting
        case connected(any Channel)
        case closed
    }

    /// Where Redis is.
    public let url: RedisURL
    /// The longest a command waits for its reply, and a connection attempt for its handshake.
    public let timeout: TimeAmount
    let initialBackoff: TimeAmount
    let maxBackoff: TimeAmount
    private let group: any EventLoopGroup
    private let state = NIOLockedValueBox<(state: State, backoff: TimeAmount)>((.idle(retryAt: .uptimeNanoseconds(0)), .zero))
    private let onStateChange: @Sendable (Event) -> Void

    /// A client for `url`; call `start()` to connect.
    public init(url: RedisURL, timeout: TimeAmount, initialBackoff: TimeAmount = .milliseconds(100), maxBackoff: TimeAmount = .seconds(5),
                group: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
                onStateChange: @escaping @Sendable (Event) -> Void = { _ in }) {
        self.url = url
        self.timeout = timeout
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.group = group
        self.onStateChange = onStateChange
        state.withLockedValue { $0.backoff = initialBackoff }
    }

    /// Starts connecting in the background.
    public func start() {
        connectIfDue()
    }

    /// Whether a connection is up now.
    public var isConnected: Bool {
        state.withLockedValue { if case .connected = $0.state { return true } else { return false } }
    }

    /// Sends one command and waits at most `timeout` for its reply. An error reply (`-ERR …`) is a normal
    /// `.error` value; only the absence of a reply throws.
    public func send(_ arguments: [String]) async throws(RedisError) -> RESPValue {
        let ready: Result<any Channel, RedisError> = state.withLockedValue { current in
            switch current.state {
            case .connected(let channel): return .success(channel)
            case .closed: return .failure(.shutdown)
            case .connecting: return .failure(.unavailable("connecting to \(url)"))
            case .idle: return .failure(.unavailable("not connected to \(url)"))
            }
        }
        let channel = try ready.get()
        do {
            return try await Self.send(arguments, on: channel, timeout: timeout)
        } catch {
            let failure = error as? RedisError ?? .connectionClosed
            if failure == .connectionClosed { connectIfDue() }
            throw failure
        }
    }

    /// Closes the connection; later commands throw `.shutdown`.
    public func close() async {
        let channel = state.withLockedValue { current -> (any Channel)? in
            defer { current.state = .closed }
            if case .connected(let channel) = current.state { return channel }
            return nil
        }
        try? await channel?.close()
    }

    private static func send(_ arguments: [String], on channel: any Channel, timeout: TimeAmount) async throws -> RESPValue {
        let promise = channel.eventLoop.makePromise(of: RESPValue.self)
        channel.writeAndFlush(RedisRequest(arguments: arguments, promise: promise, timeout: timeout)).whenFailure { error in
            promise.fail(RedisError.connectionClosed)
        }
        return try await promise.futureResult.get()
    }

    /// Starts a connection attempt when idle and the backoff has passed; otherwise does nothing.
    private func connectIfDue() {
        let due = state.withLockedValue { current -> Bool in
            guard case .idle(let retryAt) = current.state, retryAt <= .now() else { return false }
            current.state = .connecting
            return true
        }
        guard due else { return }
        let url = self.url, timeout = self.timeout
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(timeout)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(RedisChannelHandler()) }
            }
        bootstrap.connect(host: url.host, port: url.port).flatMap { channel -> EventLoopFuture<any Channel> in
            guard url.database != 0 else { return channel.eventLoop.makeSucceededFuture(channel) }
            // SELECT before anyone else may use the connection.
            let promise = channel.eventLoop.makePromise(of: RESPValue.self)
            channel.writeAndFlush(RedisRequest(arguments: ["SELECT", String(url.database)], promise: promise, timeout: timeout), promise: nil)
            return promise.futureResult.flatMapThrowing { reply in
                if case .error(let message) = reply { throw RedisError.unavailable("SELECT \(url.database) failed: \(message)") }
                return channel
            }.flatMapErrorThrowing { error in
                channel.close(promise: nil)
                throw error
            }
        }.whenComplete { [self] result in
            switch result {
            case .success(let channel): connected(channel)
            case .failure(let error): lost("\((error as? RedisError)?.description ?? "\(error)")")
            }
        }
    }

    private func connected(_ channel: any Channel) {
        let kept = state.withLockedValue { current -> Bool in
            guard case .connecting = current.state else { return false }
            current.state = .connected(channel)
            current.backoff = initialBackoff
            return true
        }
        guard kept else {
            channel.close(promise: nil)  // closed while connecting
            return
        }
        onStateChange(.connected)
        channel.closeFuture.whenComplete { [self] _ in lost("the connection to \(url) closed") }
    }

    /// Schedules the next attempt after the current backoff (with jitter) and doubles the backoff.
    private func lost(_ reason: String) {
        let wait = state.withLockedValue { current -> TimeAmount? in
            if case .closed = current.state { return nil }
            let base = current.backoff.nanoseconds
            let jittered = TimeAmount.nanoseconds(base + Int64.random(in: -(base / 4)...(base / 4)))
            current.state = .idle(retryAt: .now() + jittered)
            current.backoff = .nanoseconds(min(maxBackoff.nanoseconds, base * 2))
            return jittered
        }
        guard let wait else { return }
        onStateChange(.disconnected(reason: reason, retryInMilliseconds: wait.nanoseconds / 1_000_000))
        group.next().scheduleTask(in: wait) { [weak self] in self?.connectIfDue() }
    }
}
