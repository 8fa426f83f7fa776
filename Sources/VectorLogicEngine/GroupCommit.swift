import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO
import VectorLogicSync

/// Group commit: writers append framed records to a shared buffer (under the database's core lock, which assigns
/// LSNs, so buffer order = LSN order = apply order) and suspend on a continuation; ONE dedicated commit thread writes
/// everything accumulated and fdatasyncs once for all of them, then resumes them. With 64 writers and a 4 ms fsync,
/// one fsync carries every write that arrived while the previous one ran.
///
/// Any write or fsync error is final: it is never retried (after a failed fsync the kernel may have dropped the dirty
/// pages — PostgreSQL's 2018 lesson). Every waiting and future writer gets `EngineError.unavailable`; the database
/// stays readable. `batch` mode acknowledges at append and fsyncs every interval; `none` never fsyncs (except at log
/// rotation, so a torn tail can only be in the newest log).
final class GroupCommit: @unchecked Sendable {
    private struct Chunk {
        var logNumber: UInt64
        var bytes: [UInt8]
        var lastLSN: UInt64
    }

    private struct Waiter {
        let lsn: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    // Everything below is guarded by `condition`.
    private let condition = ConditionLock()
    private var chunks: [Chunk] = []
    private var waiters: [Waiter] = []
    private var appendLog: UInt64
    private var appendLogBytes: Int
    private var nextLogNumber: UInt64
    private var writtenLSN: UInt64
    private var durableLSN: UInt64
    private var failure: EngineError?
    private var stopping = false
    private var lastSyncMs: Int64 = 0

    private let durability: Durability
    private let logFileBytes: Int
    private let wal: WriteAheadLog
    private let counters: EngineCounters
    private var thread: OSThread?
    private let onFailure: @Sendable (EngineError) -> Void

    /// A commit pipeline whose first log file will be `firstLog`; records up to `lastLSN` are already durable.
    init(directory: String, fileSystem: any FileSystem, firstLog: UInt64, lastLSN: UInt64, durability: Durability,
         logFileBytes: Int, counters: EngineCounters, onFailure: @escaping @Sendable (EngineError) -> Void) {
        wal = WriteAheadLog(directory: directory, fileSystem: fileSystem)
        appendLog = firstLog
        appendLogBytes = 0
        nextLogNumber = firstLog + 1
        writtenLSN = lastLSN
        durableLSN = lastLSN
        self.durability = durability
        self.logFileBytes = logFileBytes
        self.counters = counters
        self.onFailure = onFailure
    }

    /// Starts the commit thread.
    func start() {
        let started = OSThread(name: "vectorlogic-commit") { [self] in run() }
        condition.withLock { thread = started }
    }

    /// The error that stopped writes, if any.
    var failed: EngineError? { condition.withLock { failure } }

    /// The log new records go to.
    var currentLog: UInt64 { condition.withLock { appendLog } }

    /// Frames and buffers a record. Called under the core lock (which orders LSNs); throws when writes have failed.
    func append(type: UInt8, lsn: UInt64, payload: [UInt8]) throws(EngineError) {
        var framed: [UInt8] = []
        framed.reserveCapacity(payload.count + LogFraming.recordHeaderSize)
        LogFraming.encode(LogRecord(type: type, lsn: lsn, payload: payload), into: &framed)
        try condition.withLock { () throws(EngineError) in
            if let failure { throw failure }
            if stopping { throw EngineError.unavailable("the database is closing") }
            if appendLogBytes > 0, appendLogBytes + framed.count > logFileBytes { startNewLogLocked() }
            if chunks.last?.logNumber != appendLog { chunks.append(Chunk(logNumber: appendLog, bytes: [], lastLSN: lsn)) }
            chunks[chunks.count - 1].bytes.append(contentsOf: framed)
            chunks[chunks.count - 1].lastLSN = lsn
            appendLogBytes += framed.count
            condition.broadcast()
        }
    }

    /// Makes the next record go to a new log file; returns its number. Called under the core lock by a checkpoint, so
    /// every record in older logs has an LSN ≤ the checkpoint.
    func rotate() -> UInt64 {
        condition.withLock {
            startNewLogLocked()
            return appendLog
        }
    }

    private func startNewLogLocked() {
        appendLog = nextLogNumber
        nextLogNumber += 1
        appendLogBytes = 0
    }

    /// Suspends until `lsn` is acknowledged under the durability mode (fsync: on disk; batch/none: buffered).
    func waitAcknowledged(_ lsn: UInt64) async throws {
        guard durability == .fsync else {
            if let failure = failed { throw failure }
            return
        }
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            condition.lock()
            if let failure {
                condition.unlock()
                continuation.resume(throwing: failure)
            } else if durableLSN >= lsn {
                condition.unlock()
                continuation.resume()
            } else {
                waiters.append(Waiter(lsn: lsn, continuation: continuation))
                condition.broadcast()
                condition.unlock()
            }
        }
    }

    /// Blocks (a background thread, never the cooperative pool) until every record up to `lsn` is written and synced.
    func waitSyncedBlocking(_ lsn: UInt64) throws(EngineError) {
        try condition.withLock { () throws(EngineError) in
            while durableLSN < lsn {
                if let failure { throw failure }
                if stopping && chunks.isEmpty { throw EngineError.unavailable("the database is closing") }
                condition.broadcast()
                condition.wait(milliseconds: 50)
            }
        }
    }

    /// Flushes and syncs everything, then stops the thread.
    func stop() {
        condition.withLock {
            stopping = true
            condition.broadcast()
        }
        let running = condition.withLock { () -> OSThread? in
            let running = thread
            thread = nil
            return running
        }
        running?.join()
        wal.close()
    }
}

extension GroupCommit {
    /// The commit thread: take the buffer, write it, fdatasync once, resume every writer it covered.
    private func run() {
        condition.lock()
        while true {
            while chunks.isEmpty && !stopping && !needsSync() {
                condition.wait(milliseconds: syncPollMilliseconds())
            }
            if chunks.isEmpty && stopping && !needsSync() { break }
            let batch = chunks
            chunks = []
            let mustSync = durability == .fsync || needsSync() || stopping
            condition.unlock()
            let outcome = write(batch, sync: mustSync)
            condition.lock()
            finish(batch: batch, synced: mustSync, outcome: outcome)
            if failure != nil, stopping { break }
        }
        condition.unlock()
    }

    private func syncPollMilliseconds() -> Int {
        if case .batch(let interval) = durability { return max(1, interval) }
        return 1000
    }

    /// batch mode: written bytes older than the interval are due for an fsync (mutex held).
    private func needsSync() -> Bool {
        guard case .batch(let interval) = durability, writtenLSN > durableLSN, failure == nil else { return false }
        return WallClock.milliseconds() - lastSyncMs >= Int64(interval)
    }

    private func write(_ batch: [Chunk], sync: Bool) -> Result<Bool, IOError> {
        do {
            for chunk in batch {
                try wal.append(chunk.bytes, toLog: chunk.logNumber)
                counters.walBytes.add(Int64(chunk.bytes.count), ordering: .relaxed)
            }
            let synced = sync ? try wal.sync() : false
            if synced { counters.fsyncs.add(1, ordering: .relaxed) }
            return .success(synced)
        } catch {
            return .failure(error)
        }
    }

    /// Records the outcome (mutex held) and resumes the writers it settles.
    private func finish(batch: [Chunk], synced: Bool, outcome: Result<Bool, IOError>) {
        var ready: [Waiter] = []
        var failedWith: EngineError?
        switch outcome {
        case .success:
            if let last = batch.last?.lastLSN { writtenLSN = max(writtenLSN, last) }
            if synced || durability == .none {
                durableLSN = writtenLSN
                lastSyncMs = WallClock.milliseconds()
            }
            ready = waiters.filter { $0.lsn <= durableLSN }
            waiters.removeAll { $0.lsn <= durableLSN }
        case .failure(let error):
            let engineError = EngineError.unavailable("the write-ahead log failed (\(error.description)); writes are refused until restart")
            failure = engineError
            failedWith = engineError
            ready = waiters
            waiters = []
            chunks = []
        }
        condition.broadcast()
        for waiter in ready {
            if let failedWith { waiter.continuation.resume(throwing: failedWith) } else { waiter.continuation.resume() }
        }
        if let failedWith { onFailure(failedWith) }
    }
}
