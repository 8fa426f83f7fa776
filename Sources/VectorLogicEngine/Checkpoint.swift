import VectorLogicSync
import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// A memtable frozen at the checkpoint, to become segment `number`.
struct FlushJob: Sendable {
    let collection: String
    let collectionID: UInt64
    let definition: EngineCollectionDefinition
    let memtable: MemtableState
    let number: UInt64
}

/// Segments of one collection merged into segment `number` (nil when no row survives).
struct CompactionJob: Sendable {
    let collection: String
    let collectionID: UInt64
    let definition: EngineCollectionDefinition
    let config: CollectionConfig
    /// Inputs with their tombstones as of the checkpoint.
    let inputs: [SegmentState]
    let number: UInt64?
}

/// Everything a checkpoint writes, decided atomically under the core lock at LSN `checkpointLSN`.
struct CheckpointPlan: Sendable {
    let checkpointLSN: UInt64
    let firstLiveLog: UInt64
    let manifest: EngineManifest
    let flushes: [FlushJob]
    let compactions: [CompactionJob]
    /// Segment files unreferenced once this manifest is durable.
    let obsolete: [UInt64]
}

extension CoreState {
    /// Freezes every memtable with live rows, picks compactions, and drafts the manifest exactly as of `lastLSN`
    /// (tombstones included: later deletes are in logs ≥ `firstLiveLog` and are replayed on top).
    mutating func planCheckpoint(firstLiveLog: UInt64, options: DatabaseOptions, compact: Bool) -> CheckpointPlan {
        var flushes: [FlushJob] = []
        var compactions: [CompactionJob] = []
        var entries: [EngineManifestCollection] = []
        var obsolete = obsoleteSegments
        obsoleteSegments = []
        for name in collections.keys.sorted(by: { collections[$0]?.id ?? 0 < collections[$1]?.id ?? 0 }) {
            guard var runtime = collections.removeValue(forKey: name) else { continue }
            var listed = runtime.segments.map { EngineManifestSegment(number: $0.segment.number, rows: UInt32($0.segment.rows), tombstones: $0.dead.rows) }
            if compact, Compaction.shouldCompact(runtime.segments, options: options),
               runtime.segments.allSatisfy({ $0.segment.knownDamage.vectorsChecked }) {
                let chosen = Set(Compaction.inputs(runtime.segments, options: options))
                let inputs = runtime.segments.indices.filter { chosen.contains($0) }.map { runtime.segments[$0] }
                let kept = runtime.segments.indices.filter { !chosen.contains($0) }.map { runtime.segments[$0] }
                let survivors = inputs.reduce(0) { $0 + $1.segment.rows - $1.dead.count }
                let number: UInt64? = survivors > 0 ? nextSegmentNumber : nil
                if number != nil { nextSegmentNumber += 1 }
                compactions.append(CompactionJob(collection: name, collectionID: runtime.id, definition: runtime.definition,
                                                 config: runtime.config, inputs: inputs, number: number))
                obsolete.append(contentsOf: inputs.map(\.segment.number))
                // The merged segment first, as `installCompaction` places it; the others keep their order.
                listed = (number.map { [EngineManifestSegment(number: $0, rows: UInt32(survivors), tombstones: [])] } ?? [])
                    + kept.map { EngineManifestSegment(number: $0.segment.number, rows: UInt32($0.segment.rows), tombstones: $0.dead.rows) }
            }
            // Memtables a checkpoint froze but could not write (it met a full disk and was undone) are flushed now:
            // this manifest moves the first live log past their records.
            for leftover in runtime.frozen {
                flushes.append(FlushJob(collection: name, collectionID: runtime.id, definition: runtime.definition,
                                        memtable: leftover, number: nextSegmentNumber))
                listed.append(EngineManifestSegment(number: nextSegmentNumber, rows: UInt32(leftover.table.count), tombstones: leftover.dead.rows))
                nextSegmentNumber += 1
            }
            if runtime.active.table.count > 0 {
                let frozen = runtime.active
                runtime.active = runtime.makeMemtable()
                if frozen.liveCount > 0 {
                    runtime.frozen.append(frozen)
                    flushes.append(FlushJob(collection: name, collectionID: runtime.id, definition: runtime.definition,
                                            memtable: frozen, number: nextSegmentNumber))
                    listed.append(EngineManifestSegment(number: nextSegmentNumber, rows: UInt32(frozen.table.count), tombstones: frozen.dead.rows))
                    nextSegmentNumber += 1
                }
            }
            entries.append(EngineManifestCollection(definition: runtime.definition, segments: listed))
            collections[name] = runtime
        }
        checkpointLSN = lastLSN
        let manifest = EngineManifest(checkpointLSN: lastLSN, firstLiveLog: firstLiveLog, nextSegmentNumber: nextSegmentNumber,
                                      nextCollectionID: nextCollectionID, collections: entries)
        return CheckpointPlan(checkpointLSN: lastLSN, firstLiveLog: firstLiveLog, manifest: manifest, flushes: flushes,
                              compactions: compactions, obsolete: obsolete)
    }
}

extension Database {
    /// Flushes every memtable to segments, runs due compactions, writes a new manifest and deletes the logs and
    /// segments it makes obsolete. Runs on an engine thread (blocking I/O); checkpoints are serialised.
    /// Any I/O failure switches the engine to read-only (never retried) and is rethrown.
    func checkpoint(compact: Bool) throws(EngineError) {
        try checkpointLock.withLock { _ throws(EngineError) in try checkpointHoldingLock(compact: compact) }
    }

    /// The body of `checkpoint(compact:)`, for callers that already hold `checkpointLock` and must act on the manifest it
    /// writes before another checkpoint replaces it (a snapshot pins the segments that manifest names).
    func checkpointHoldingLock(compact: Bool) throws(EngineError) {
        if compact { checkSegmentsBeforeCompaction() }
        let plan = try core.withLock { state throws(EngineError) -> CheckpointPlan in
            try checkNotFailed()
            let firstLiveLog = commit.rotate()
            return state.planCheckpoint(firstLiveLog: firstLiveLog, options: options, compact: compact)
        }
        do {
            try commit.waitSyncedBlocking(plan.checkpointLSN)
            // Shown as "in progress" while the outputs are written (checkpoints are serialised, so a store, not an add).
            counters.flushesRunning.store(plan.flushes.count, ordering: .relaxed)
            counters.compactionsRunning.store(plan.compactions.count, ordering: .relaxed)
            defer {
                counters.flushesRunning.store(0, ordering: .relaxed)
                counters.compactionsRunning.store(0, ordering: .relaxed)
            }
            var timings = CheckpointTimings()
            let built = try writeSegments(plan, timings: &timings)
            try fileSystem.syncDirectory(directory)
            try ManifestStore.write(plan.manifest, directory: directory, fileSystem: fileSystem)
            let segments = try openSegments(built)
            install(plan, segments: segments)
            removeObsolete(plan)
            counters.flushes.add(plan.flushes.isEmpty ? 0 : 1, ordering: .relaxed)
            counters.compactions.add(Int64(plan.compactions.count), ordering: .relaxed)
            logCheckpoint(plan, timings: timings)
        } catch let error as IOError {
            if case .noSpace = error, undoIfManifestUnchanged(plan, reason: "the disk is full; writes are refused until space is freed") {
                throw EngineError.diskFull("a checkpoint found no space to write (\(error.description)); it was undone and will be retried")
            }
            let engineError = EngineError.io(error.description)
            enterReadOnly(engineError)
            throw engineError
        } catch EngineError.cancelled where closing.load(ordering: .acquiring) && undoIfManifestUnchanged(plan, reason: "the database is closing", level: .info) {
            // Nothing of the plan is live: the compaction's inputs are still the segments, and the frozen memtables are
            // flushed by the checkpoint `close` runs next. Not a failure: writes are not stopped.
            throw EngineError.cancelled
        } catch let error as EngineError {
            enterReadOnly(error)
            throw error
        } catch {
            throw EngineError.io("\(error)")
        }
    }

    /// After a checkpoint met a full disk before its manifest swap: removes what it wrote (new segments and their
    /// temporary files, `MANIFEST.tmp`) to give the space back, and returns true — nothing of the plan is live, its
    /// frozen memtables stay in memory (searched as before) and the next checkpoint flushes them (`planCheckpoint`),
    /// their records being in logs the old manifest still names. False when the new manifest is already in place
    /// (then the caller stops writes, as for any other I/O failure).
    /// `level` is `.info` when the undo is part of a normal stop (a compaction cancelled by close), `.warning` otherwise.
    private func undoIfManifestUnchanged(_ plan: CheckpointPlan, reason: String, level: Logger.Level = .warning) -> Bool {
        if let current = try? ManifestStore.read(directory: directory, fileSystem: fileSystem), current == plan.manifest { return false }
        let numbers = plan.flushes.map(\.number) + plan.compactions.compactMap(\.number)
        for name in numbers.flatMap({ [FileNames.segment($0) + FileNames.temporarySuffix, FileNames.segment($0)] })
            + [FileNames.manifest + FileNames.temporarySuffix] where fileSystem.exists(path(name)) {
            try? fileSystem.remove(path(name))
        }
        try? fileSystem.syncDirectory(directory)
        let inputs = Set(plan.compactions.flatMap { $0.inputs.map(\.segment.number) })
        core.withLock { state in state.obsoleteSegments += plan.obsolete.filter { !inputs.contains($0) } }
        options.logger.log(level: level, "checkpoint undone: \(reason)", metadata: [
            "checkpoint_lsn": "\(plan.checkpointLSN)",
        ])
        return true
    }

    /// Checks the vectors of every segment a compaction would read (outside the core lock, once per segment), so a
    /// compaction never copies a damaged row into a file with valid checksums: `planCheckpoint` compacts only
    /// collections whose segments are all checked and intact.
    private func checkSegmentsBeforeCompaction() {
        let segments = core.withLock { state in
            state.collections.values.filter { Compaction.shouldCompact($0.segments, options: options) }.flatMap { $0.segments.map(\.segment) }
        }
        for segment in segments { segment.checkVectors() }
    }

    /// Writes the flush and compaction outputs; returns segment number → compaction row mapping (empty for flushes).
    private func writeSegments(_ plan: CheckpointPlan, timings: inout CheckpointTimings) throws -> [UInt64: [(input: Int, row: UInt32)]] {
        var mappings: [UInt64: [(input: Int, row: UInt32)]] = [:]
        for job in plan.flushes {
            let start = ContinuousClock.now
            defer { timings.flushes[job.number] = ContinuousClock.now - start }
            let count = job.memtable.table.count
            try job.memtable.graph.finish(upTo: count, threads: Database.indexingThreads)
            let info = EngineSegmentInfo(collectionID: job.collectionID, dimension: job.definition.dimension, metric: job.definition.metric,
                                         indexType: job.definition.indexType, rows: UInt32(count), maxLSN: plan.checkpointLSN,
                                         definition: job.definition)
            try SegmentBuilder.write(rows: MemtableRows(table: job.memtable.table, count: count), info: info,
                                     graph: job.memtable.graph.serialized(), path: path(FileNames.segment(job.number)),
                                     fileSystem: fileSystem)
            mappings[job.number] = []
        }
        for (index, job) in plan.compactions.enumerated() {
            let start = ContinuousClock.now
            defer { timings.compactions[index] = ContinuousClock.now - start }
            guard let number = job.number else { continue }
            mappings[number] = try Compaction.write(job, number: number, checkpointLSN: plan.checkpointLSN, database: self)
        }
        return mappings
    }

    private func openSegments(_ built: [UInt64: [(input: Int, row: UInt32)]]) throws(EngineError) -> [UInt64: (Segment, [(input: Int, row: UInt32)])] {
        var out: [UInt64: (Segment, [(input: Int, row: UInt32)])] = [:]
        for (number, mapping) in built {
            out[number] = (try Segment(number: number, path: path(FileNames.segment(number)), fileSystem: fileSystem,
                                       vectorReads: options.vectorReads), mapping)
        }
        return out
    }
}
