import NIOCore
import Synchronization
import VectorLogicJSON
import VectorLogicSync

/// The admin console's push channel: one frame of figures per interval to every open stream, computed once per tick
/// and shared, whatever the number of streams.
///
/// Bounds (issue 13): at most `maxStreams` streams (more get 503); each stream buffers at most one frame (a newer frame
/// replaces an unsent one, `bufferingNewest(1)`), so a slow reader skips frames and costs no memory; a stream whose
/// write has not completed for `stallLimit` (its client stopped reading and the socket buffers are full) is closed; and
/// the ticker runs only while a stream is open, so the console costs nothing when nobody watches.
final class LiveHub: Sendable {
    /// One open stream, held by its handler.
    final class Subscription: Sendable {
        /// The frames to write, newest only.
        let frames: AsyncStream<ByteBuffer>
        fileprivate let continuation: AsyncStream<ByteBuffer>.Continuation
        fileprivate let channel: any Channel
        /// When the write in progress started (hub clock, nanoseconds); 0 while not writing.
        fileprivate let writingSince = Atomic<Int64>(0)
        private let clock: @Sendable () -> Int64

        fileprivate init(channel: any Channel, clock: @escaping @Sendable () -> Int64) {
            (frames, continuation) = AsyncStream.makeStream(of: ByteBuffer.self, bufferingPolicy: .bufferingNewest(1))
            self.channel = channel
            self.clock = clock
        }

        /// Brackets one write, so the ticker can see a write that does not complete.
        func writing<T>(_ write: () async throws -> T) async rethrows -> T {
            writingSince.store(max(1, clock()), ordering: .relaxed)
            defer { writingSince.store(0, ordering: .relaxed) }
            return try await write()
        }

        /// Ends the stream (graceful shutdown, or the hub dropping it).
        func finish() { continuation.finish() }
    }

    private struct State {
        var subscribers: [Int: Subscription] = [:]
        var nextID = 0
        var ticker: Task<Void, Never>?
    }

    /// Streams served at once.
    let maxStreams: Int
    /// Time between frames.
    let interval: Duration
    /// A write pending longer than this closes its stream: five intervals (5 s by default), far more than one small
    /// frame (~700 bytes) needs on any network, and short enough that a stalled tab does not hold a connection long.
    var stallLimit: Duration { interval * 5 }
    private let state = Locked(State())
    private let dropped = Atomic<Int64>(0)
    private let frames = Atomic<Int64>(0)
    private let epoch = ContinuousClock.now

    init(maxStreams: Int, interval: Duration) {
        self.maxStreams = maxStreams
        self.interval = interval
    }

    /// What `/metrics` shows of the hub.
    struct Counts: Sendable {
        /// Streams open now.
        var streams: Int
        /// Frames sent since start (one per tick, however many streams): a test sees that nothing ticks unwatched.
        var frames: Int64
        /// Streams closed because their client stopped reading, since start.
        var dropped: Int64
    }

    /// Streams open now.
    var count: Int { state.withLock { $0.subscribers.count } }

    /// The hub's figures now.
    var counts: Counts {
        Counts(streams: count, frames: frames.load(ordering: .relaxed), dropped: dropped.load(ordering: .relaxed))
    }

    /// Opens a stream on `channel`; nil when `maxStreams` are open. The first stream starts the ticker, which takes a
    /// sample now and then one per interval, and sends the frame between each two.
    func subscribe(channel: any Channel, sample: @escaping @Sendable () -> MetricsSample) -> Subscription? {
        let subscription = Subscription(channel: channel) { [epoch] in
            let elapsed = ContinuousClock.now - epoch
            return elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        }
        let id: Int? = state.withLock { state in
            guard state.subscribers.count < maxStreams else { return nil }
            let id = state.nextID
            state.nextID += 1
            state.subscribers[id] = subscription
            if state.ticker == nil { state.ticker = Task { [weak self] in await self?.run(sample: sample) } }
            return id
        }
        guard let id else { return nil }
        subscription.continuation.onTermination = { [weak self] _ in self?.remove(id) }
        channel.closeFuture.whenComplete { [weak self] _ in self?.remove(id) }
        return subscription
    }

    private func remove(_ id: Int) {
        let removed = state.withLock { state -> Subscription? in
            guard let removed = state.subscribers.removeValue(forKey: id) else { return nil }
            if state.subscribers.isEmpty {
                state.ticker?.cancel()
                state.ticker = nil
            }
            return removed
        }
        removed?.finish()
    }

    /// The ticker: ends when cancelled (the last stream closed).
    private func run(sample: @Sendable () -> MetricsSample) async {
        var previous = sample()
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            let current = sample()
            let frame = LiveFrame.make(from: previous, to: current, timestampMs: JSONResponse.nowMilliseconds())
            previous = current
            broadcast(LiveHub.event("figures", frame))
        }
    }

    private func broadcast(_ frame: ByteBuffer) {
        let subscribers = state.withLock { Array($0.subscribers.values) }
        frames.add(1, ordering: .relaxed)
        let now = ContinuousClock.now - epoch
        let nowNanoseconds = now.components.seconds * 1_000_000_000 + now.components.attoseconds / 1_000_000_000
        let limit = stallLimit.components.seconds * 1_000_000_000 + stallLimit.components.attoseconds / 1_000_000_000
        for subscriber in subscribers {
            let since = subscriber.writingSince.load(ordering: .relaxed)
            if since != 0 && nowNanoseconds - since > limit {
                dropped.add(1, ordering: .relaxed)
                subscriber.channel.close(promise: nil)  // fails the pending write, which ends the handler
                subscriber.finish()
                continue
            }
            subscriber.continuation.yield(frame)
        }
    }

    /// One Server-Sent Event: `event: NAME`, then the JSON on one `data:` line.
    static func event(_ name: String, _ value: JSONValue) -> ByteBuffer {
        var bytes = Array("event: \(name)\ndata: ".utf8)
        JSONWriter.write(value, into: &bytes)
        bytes.append(contentsOf: "\n\n".utf8)
        return ByteBuffer(bytes: bytes)
    }
}
