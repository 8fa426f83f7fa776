import Logging
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Monotonic counters for stats and metrics, updated without locks.
final class EngineCounters: Sendable {
    let walBytes = Atomic<Int64>(0)
    let fsyncs = Atomic<Int64>(0)
    let flushes = Atomic<Int64>(0)
    let compactions = Atomic<Int64>(0)
    /// Vectors acknowledged by upserts since open (the admin console's ingest rate).
    let upsertedVectors = Atomic<Int64>(0)
    /// Memtables being written to segments by the running checkpoint (0 between checkpoints).
    let flushesRunning = Atomic<Int>(0)
    /// Compactions being written by the running checkpoint.
    let compactionsRunning = Atomic<Int>(0)
}

/// Wall-clock milliseconds since the Unix epoch (creation times, batch sync intervals).
enum WallClock {
    static func milliseconds() -> Int64 {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        return Int64(now.tv_sec) * 1000 + Int64(now.tv_nsec) / 1_000_000
    }
}
