import VectorLogicIO
import Synchronization
import VectorLogicSync
import Logging

/// An embedded VectorLogic database over one data directory: collections of vectors with metadata, a write-ahead log
/// with group commit, memtables searchable at once, mmapped immutable segments, background indexing, flushes and
/// compaction, and crash recovery. No HTTP: the server and the CLI are thin layers over this type.
///
/// Threads: writers (async) append to the log under the core lock and suspend until the commit thread's shared fsync;
/// readers (sync) take an immutable snapshot of a collection under the same lock (O(collections) copies of references)
/// and search without holding it; three engine threads do the rest (commit, indexer, maintenance).
public final class Database: Sendable {
    /// The data directory.
    public let directory: String
    let fileSystem: any FileSystem
    let options: DatabaseOptions
    let core: Locked<CoreState>
    let commit: GroupCommit
    let counters: EngineCounters
    let directoryLock: any FileLock
    let workers: BackgroundWorkers
    /// Serialises checkpoints (flush + compaction + manifest writes).
    let checkpointLock = Locked<Void>(())
    /// Set by `close`: a running compaction stops at its next chunk and is undone (its inputs stay live), so that
    /// shutdown never waits for a merge — at 1,000,000 rows one rebuilt its graph for ~10 minutes while SIGTERM waited.
    let closing = Atomic<Bool>(false)
    let readOnlyReason = Locked<EngineError?>(nil)
    /// Searches running now, and whether one may share its segments with the other cores.
    let searches = SearchConcurrency(helpers: Processors.online - 1)
    /// Segments being copied by snapshots, kept from deletion by checkpoints until unpinned.
    let snapshotPins = Locked<SnapshotPins>(SnapshotPins())
    /// Names of the stored snapshots being written now (their `.tmp` files are not leftovers).
    let snapshotsInFlight = Locked<Set<String>>([])
    /// What `open` found and did: replayed records, a cut torn tail, leftovers removed.
    public let recovery: RecoveryReport

    init(directory: String, fileSystem: any FileSystem, options: DatabaseOptions, state: CoreState, commit: GroupCommit,
         counters: EngineCounters, directoryLock: any FileLock, recovery: RecoveryReport) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.options = options
        self.core = Locked(state)
        self.commit = commit
        self.counters = counters
        self.directoryLock = directoryLock
        self.recovery = recovery
        self.workers = BackgroundWorkers()
    }

    /// Whether writes are accepted: false after an fsync/write error (until restart) or after `close()`.
    public var isWritable: Bool {
        guard commit.failed == nil, readOnlyReason.withLock({ $0 }) == nil else { return false }
        return !core.withLock { $0.closed }
    }

    /// Path of a file in the data directory.
    func path(_ name: String) -> String { directory + "/" + name }

    /// Throws unless writes are accepted (mutex of the core state held by the caller).
    func checkWritable(_ state: CoreState) throws(EngineError) {
        if state.closed { throw EngineError.unavailable("the database is closed") }
        if let failure = commit.failed { throw failure }
        if let reason = readOnlyReason.withLock({ $0 }) { throw reason }
    }

    /// Throws when writes stopped after an I/O failure (a closed database may still checkpoint).
    func checkNotFailed() throws(EngineError) {
        if let failure = commit.failed { throw failure }
        if let reason = readOnlyReason.withLock({ $0 }) { throw reason }
    }

    /// Switches to read-only after an I/O failure outside the log (a flush or manifest write): never retried.
    func enterReadOnly(_ error: EngineError) {
        readOnlyReason.withLock { reason in
            if reason == nil { reason = .unavailable("a background write failed (\(error)); writes are refused until restart") }
        }
        options.logger.error("engine is read-only after an I/O failure", metadata: ["error": "\(error)"])
    }

    /// Engine-wide figures.
    public func stats() -> DatabaseStats {
        var stats = core.withLock { state in
            var stats = DatabaseStats(collections: state.collections.count)
            for collection in state.collections.values {
                stats.vectors += collection.liveCount
                stats.deleted += collection.deadInSegments
                stats.segments += collection.segments.count
                stats.memtableVectors += collection.active.liveCount + collection.frozen.reduce(0) { $0 + $1.liveCount }
                let mapped = collection.segments.reduce(Int64(0)) { $0 + $1.segment.fileBytes }
                stats.diskBytes += mapped
                stats.mappedBytes += mapped
                for state in collection.segments {
                    let damage = state.segment.knownDamage
                    guard damage.isDamaged || !damage.notes.isEmpty else { continue }
                    stats.unreadableRows += damage.wholeVectors == nil ? damage.rows.count : state.segment.rows
                    stats.damage.append(FileNames.segment(state.segment.number) + ": " + (damage.notes + [damage.wholeVectors?.description].compactMap { $0 }).joined(separator: "; "))
                }
            }
            stats.unindexedVectors = state.unindexedRows
            return stats
        }
        stats.walBytes = counters.walBytes.load(ordering: .relaxed)
        stats.fsyncs = counters.fsyncs.load(ordering: .relaxed)
        stats.flushes = counters.flushes.load(ordering: .relaxed)
        stats.compactions = counters.compactions.load(ordering: .relaxed)
        stats.upsertedVectors = counters.upsertedVectors.load(ordering: .relaxed)
        stats.flushesRunning = counters.flushesRunning.load(ordering: .relaxed)
        stats.compactionsRunning = counters.compactionsRunning.load(ordering: .relaxed)
        stats.diskBytes += walDiskBytes()
        stats.writable = isWritable
        return stats
    }

    private func walDiskBytes() -> Int64 {
        guard let names = try? fileSystem.contents(ofDirectory: directory) else { return 0 }
        var total: Int64 = 0
        for name in names where name.hasSuffix(".log") || name == FileNames.manifest {
            total += (try? fileSystem.size(of: path(name))) ?? 0
        }
        return total
    }
}
