import VectorLogicSync
import Synchronization
public import VectorLogicIO
import Logging

extension Database {
    /// Opens (creating if needed) the database in `directory`: locks it (`EngineError.locked` when another process
    /// holds it), removes leftovers of interrupted writes, reads the manifest, maps the segments, replays the log after
    /// the checkpoint (cutting a torn tail, reported in `recovery`), and starts the commit, indexer and maintenance
    /// threads. A damaged log middle, manifest or segment throws `EngineError.corruption` naming the file and offset
    /// (run `vectorlogic repair`).
    public static func open(at directory: String, fileSystem: any FileSystem = PosixFileSystem(),
                            options: DatabaseOptions = DatabaseOptions()) throws -> Database {
        let started = ContinuousClock.now
        do {
            if !fileSystem.exists(directory) {
                // A new data directory must itself survive a crash: fsync its parent after creating it.
                try fileSystem.createDirectory(directory)
                try fileSystem.syncDirectory(parent(of: directory))
            }
        } catch {
            throw EngineError.io(error.description)
        }
        let lock: any FileLock
        do {
            lock = try fileSystem.lock(directory + "/" + FileNames.lock)
        } catch IOError.locked {
            throw EngineError.locked("the data directory \(directory) is in use by another process")
        } catch {
            throw EngineError.io(error.description)
        }
        var recovery = Recovery(directory: directory, fileSystem: fileSystem, vectorReads: options.vectorReads)
        do {
            try recovery.run()
        } catch {
            lock.release()
            throw error
        }
        let counters = EngineCounters()
        let logger = options.logger
        let commit = GroupCommit(directory: directory, fileSystem: fileSystem, firstLog: recovery.nextLog,
                                 lastLSN: recovery.state.lastLSN, durability: options.durability,
                                 logFileBytes: options.logFileBytes, counters: counters) { error in
            logger.error("write-ahead log failed; the database is read-only until restart", metadata: ["error": "\(error)"])
        }
        let database = Database(directory: directory, fileSystem: fileSystem, options: options, state: recovery.state,
                                commit: commit, counters: counters, directoryLock: lock, recovery: recovery.report)
        commit.start()
        for (name, collection) in recovery.state.collections {
            for state in collection.segments where state.segment.knownDamage.isDamaged { database.reportDamage(state.segment, collection: name) }
        }
        database.startBackgroundWork()
        options.logger.info("opened database", metadata: [
            "directory": "\(directory)", "replayed": "\(recovery.report.replayedRecords)",
            "torn_tail": "\(recovery.report.tornTail.map { "\($0.file)@\($0.offset)" } ?? "none")",
            "duration_ms": Database.milliseconds(ContinuousClock.now - started),
        ])
        return database
    }

    /// The parent directory of a path ("/" for top-level paths, "." for relative single names).
    static func parent(of path: String) -> String {
        let trimmed = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        let parent = String(trimmed[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    /// Stops taking writes, flushes the memtables to segments (so the next open replays nothing), syncs the log,
    /// stops the engine threads and releases the directory lock. Idempotent.
    public func close() async throws {
        let alreadyClosed = core.withLock { state in
            let was = state.closed
            state.closed = true
            return was
        }
        guard !alreadyClosed else { return }
        closing.store(true, ordering: .releasing)
        var failure: (any Error)?
        if commit.failed == nil, readOnlyReason.withLock({ $0 }) == nil {
            do { try await runOnEngineThread { () throws(EngineError) in try self.checkpoint(compact: false) } } catch { failure = error }
        }
        workers.stop()
        commit.stop()
        directoryLock.release()
        if let failure { throw failure }
    }

    /// Marks the database as closing without closing it: what a compaction that runs when `close` begins sees (tests).
    @_spi(Testing) public func markClosing() { closing.store(true, ordering: .releasing) }

    /// Runs a checkpoint now on an engine thread (used by drop and tests); durable when it returns.
    func runCheckpointInBackground(compact: Bool = true) async throws {
        try await runOnEngineThread { () throws(EngineError) in try self.checkpoint(compact: compact) }
    }

    /// Flushes memtables to segments and compacts where due, now. For tests and tools.
    @_spi(Testing) public func checkpointNow(compact: Bool = true) async throws {
        try await runCheckpointInBackground(compact: compact)
    }

    /// Runs blocking work on a fresh engine thread and awaits it, so the cooperative pool never blocks on I/O.
    func runOnEngineThread(_ work: @escaping @Sendable () throws(EngineError) -> Void) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = OSThread(name: "vectorlogic-task") {
                do {
                    try work()
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
            thread.detach()
        }
    }
}

