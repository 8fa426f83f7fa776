import VectorLogicSync
import Logging
import Synchronization
import VectorLogicIO
import VectorLogicIndex

extension Database {
    /// Starts the indexer (inserts memtable rows into their graphs) and maintenance (flush, compaction, background
    /// checksum of segment vectors) threads.
    func startBackgroundWork() {
        guard options.backgroundWork else { return }
        let pacing = WriteIdleness()
        workers.spawn(name: "vectorlogic-indexer") { [self] in indexStep(pacing: pacing) }
        let verified = VerifiedSegments()
        let backoff = CheckpointBackoff()
        let idleness = WriteIdleness()
        workers.spawn(name: "vectorlogic-maintenance") { [self] in
            maintenanceStep(verified: verified, backoff: backoff, idleness: idleness)
        }
    }

    /// Inserts pending memtable rows into their graphs: 256 rows per memtable and step on this thread, or — once a
    /// memtable's backlog passes `parallelIndexingBacklog` rows and no write has arrived since the previous step (a
    /// bulk load has ended; every search must scan its unindexed tail exactly) — 2,048 rows per step on all cores.
    /// While writes keep coming, the second core stays with the request path (measured over HTTP: indexing on both
    /// cores during a 100,000-vector load cut acknowledged ingest from 24,133 to 14,527 vectors/s). True when it did work.
    func indexStep(pacing: WriteIdleness) -> Bool {
        let pending = core.withLock { state -> [(MemtableGraph, Int)] in
            var out: [(MemtableGraph, Int)] = []
            for collection in state.collections.values {
                for memtable in collection.frozen + [collection.active] where memtable.graph.usesGraph {
                    if memtable.graph.indexedCount < memtable.table.count { out.append((memtable.graph, memtable.table.count)) }
                }
            }
            return out
        }
        var worked = false
        let writesIdle = pacing.sinceLastWrite(walBytes: counters.walBytes.load(ordering: .relaxed)) != nil
        for (graph, count) in pending {
            let bulk = writesIdle && count - graph.indexedCount >= Database.parallelIndexingBacklog
            let inserted = bulk ? graph.indexPending(upTo: count, budget: 2_048, threads: Database.indexingThreads)
                : graph.indexPending(upTo: count, budget: 256)
            if inserted > 0 { worked = true }
        }
        return worked
    }

    /// Runs a checkpoint when a memtable is over its bounds, has sat idle (`idleFlushSeconds`), or compaction is due;
    /// verifies one segment's vectors checksum (and builds its SQ8 traversal codes) per call until all are done.
    /// True when it did work.
    func maintenanceStep(verified: VerifiedSegments, backoff: CheckpointBackoff,
                         idleness: WriteIdleness = WriteIdleness()) -> Bool {
        guard isWritable, !backoff.waiting else { return verifyOneSegment(verified) }
        let idle = idleness.sinceLastWrite(walBytes: counters.walBytes.load(ordering: .relaxed))
        let due = core.withLock { state -> Bool in
            let memtable = state.memtableRows
            if memtable.rows >= options.memtableFlushRows || memtable.bytes >= options.memtableFlushBytes { return true }
            if options.idleFlushSeconds > 0, memtable.rows >= options.idleFlushMinimumRows, let idle,
               idle >= .seconds(options.idleFlushSeconds) { return true }
            if !state.obsoleteSegments.isEmpty { return true }
            return state.collections.values.contains { Compaction.shouldCompact($0.segments, options: options) }
        }
        if due {
            do {
                try checkpoint(compact: true)
                // A flush or compaction has just freed a memtable's or the inputs' rows (see FreedHeap).
                FreedHeap.release()
            } catch EngineError.diskFull {
                backoff.wait(seconds: 2)  // retried after space may have been freed, not in a busy loop
            } catch EngineError.cancelled where closing.load(ordering: .acquiring) {
                // A compaction cancelled by `close` and undone (logged at info by the undo): a normal stop, not a failure.
            } catch {
                options.logger.error("checkpoint failed", metadata: ["error": "\(error)"])
            }
            return true
        }
        return verifyOneSegment(verified)
    }

    /// Runs the background check (and SQ8 code build) of every segment now, on this thread; returns how many were
    /// checked. For tests that open with `backgroundWork` off.
    @_spi(Testing) public func checkSegmentsNow() -> Int {
        let verified = VerifiedSegments()
        var checked = 0
        while verifyOneSegment(verified) { checked += 1 }
        return checked
    }

    /// Checks the vectors section of one not-yet-verified segment (`Segment.checkVectors`). Damaged blocks make their
    /// rows unreadable (skipped by every read, logged with their ids, counted in `/v1/stats`); a version-1 segment,
    /// checksummed as a whole, marks its collection damaged (reads then fail with `.corruption`, never serve wrong data).
    private func verifyOneSegment(_ verified: VerifiedSegments) -> Bool {
        let next = core.withLock { state -> (String, Segment)? in
            for (name, collection) in state.collections {
                if let state = collection.segments.first(where: { !verified.contains($0.segment.number) }) { return (name, state.segment) }
            }
            return nil
        }
        guard let (name, segment) = next else { return false }
        verified.insert(segment.number)
        let damage = segment.checkVectors()
        if let whole = damage.wholeVectors {
            options.logger.error("segment failed its checksum", metadata: ["error": "\(whole)"])
            core.withLock { state in state.collections[name]?.damage = whole }
        } else if damage.isDamaged {
            reportDamage(segment, collection: name)
        } else {
            // The rows were just read for the checksum: encode them now for SQ8 traversal (see QuantizedRows). Not for
            // a damaged segment: garbage rows would stretch every dimension's range and blur the codes of the rest.
            segment.graph?.prepareQuantizedTraversal()
            segment.releaseVectorPages()
        }
        return true
    }

    /// Logs a segment's damaged blocks and the ids of the rows they take (at most 20 named), as an error.
    func reportDamage(_ segment: Segment, collection: String) {
        let damage = segment.knownDamage
        let rows = damage.rows.rows
        let named = rows.prefix(20).map { row -> String in
            let id = segment.idBytes(row)
            return id.isEmpty ? "row \(row)" : String(decoding: id, as: UTF8.self)
        }
        options.logger.error("segment blocks fail their checksums: these rows are skipped by every read until `vectorlogic repair`", metadata: [
            "segment": "\(FileNames.segment(segment.number))", "collection": "\(collection)", "unreadable_rows": "\(rows.count)",
            "damage": "\(damage.notes.joined(separator: "; "))",
            "ids": "\(named.joined(separator: ","))\(rows.count > named.count ? ",…" : "")",
        ])
    }
}

extension Database {
    /// Unindexed rows in one memtable above which the indexer uses every core.
    @_spi(Testing) public static let parallelIndexingBacklog = 10_000
    /// Threads for bulk indexing and for finishing a graph at a checkpoint.
    static let indexingThreads = Processors.online
}

/// One background thread's memory of the log's size at its previous step (each thread has its own; steps are
/// ≤ 100 ms apart): whether a write arrived in between (the indexer's pacing), and since when none has (idle flush).
final class WriteIdleness: @unchecked Sendable {
    // Only the owning thread reads and writes it.
    private var lastWALBytes: Int64 = -1
    private var since = ContinuousClock.now

    /// Time since `walBytes` last changed between two calls (a write, or a checkpoint's rotation); nil when it changed
    /// since the previous call (or this is the first).
    func sinceLastWrite(walBytes: Int64) -> Duration? {
        guard walBytes == lastWALBytes else {
            lastWALBytes = walBytes
            since = .now
            return nil
        }
        return .now - since
    }
}

/// When the next automatic checkpoint may run after one met a full disk.
final class CheckpointBackoff: @unchecked Sendable {
    private var until: ContinuousClock.Instant?
    private let lock = ConditionLock()

    /// Whether automatic checkpoints are paused now.
    var waiting: Bool { lock.withLock { until.map { ContinuousClock.now < $0 } ?? false } }

    /// Pauses automatic checkpoints for `seconds`.
    func wait(seconds: Int) { lock.withLock { until = ContinuousClock.now + .seconds(seconds) } }
}

/// Segment numbers whose vectors checksum has been verified since open.
final class VerifiedSegments: @unchecked Sendable {
    private var numbers = Set<UInt64>()
    private let lock = ConditionLock()
    func contains(_ number: UInt64) -> Bool { lock.withLock { numbers.contains(number) } }
    func insert(_ number: UInt64) { lock.withLock { _ = numbers.insert(number) } }
}
