import VectorLogicSync
import Logging
import Synchronization
import VectorLogicFormat

extension Database {
    /// Creates a collection; throws `collectionExists`, `invalidCollectionName`, `invalidDimension` or `invalidArgument`.
    /// Durable (per the durability mode) when it returns.
    public func createCollection(_ config: CollectionConfig) async throws -> CollectionInfo {
        try Validation.checkConfig(config)
        let createdAtMs = WallClock.milliseconds()
        let lsn = try core.withLock { state throws(EngineError) -> UInt64 in
            try checkWritable(state)
            guard state.collections[config.name] == nil else { throw EngineError.collectionExists(config.name) }
            let definition = config.definition(id: state.nextCollectionID, createdAtMs: createdAtMs)
            let encoded = EngineLogPayload.encode(.createCollection(definition))
            let lsn = state.lastLSN + 1
            try commit.append(type: encoded.type, lsn: lsn, payload: encoded.payload)
            state.lastLSN = lsn
            state.createCollection(definition: definition, config: config)
            return lsn
        }
        try await commit.waitAcknowledged(lsn)
        return try collectionInfo(config.name)
    }

    /// Drops a collection and removes its files (after a checkpoint that no longer lists them).
    public func dropCollection(_ name: String) async throws {
        let lsn = try core.withLock { state throws(EngineError) -> UInt64 in
            try checkWritable(state)
            guard let runtime = state.collections[name] else { throw EngineError.collectionNotFound(name) }
            let encoded = EngineLogPayload.encode(.dropCollection(id: runtime.id))
            let lsn = state.lastLSN + 1
            try commit.append(type: encoded.type, lsn: lsn, payload: encoded.payload)
            state.lastLSN = lsn
            state.dropCollection(name)
            return lsn
        }
        try await commit.waitAcknowledged(lsn)
        // The manifest still lists the dropped segments until the next checkpoint, which then deletes them. The drop
        // itself is durable now: a full disk only postpones that checkpoint (it is undone and retried), so it is not
        // the caller's error.
        do {
            try await runCheckpointInBackground()
        } catch EngineError.diskFull(let reason) {
            options.logger.warning("collection dropped; its files are removed at the next checkpoint", metadata: [
                "collection": "\(name)", "reason": "\(reason)",
            ])
        }
    }

    /// Every collection, sorted by name.
    public func listCollections() -> [CollectionInfo] {
        core.withLock { state in
            state.collections.values.map { Self.info($0) }.sorted { $0.config.name < $1.config.name }
        }
    }

    /// One collection's configuration and figures; throws `collectionNotFound`.
    public func collectionInfo(_ name: String) throws -> CollectionInfo {
        try core.withLock { state throws(EngineError) -> CollectionInfo in
            guard let runtime = state.collections[name] else { throw EngineError.collectionNotFound(name) }
            return Self.info(runtime)
        }
    }

    static func info(_ runtime: CollectionRuntime) -> CollectionInfo {
        CollectionInfo(
            config: runtime.config, vectorCount: runtime.liveCount, deletedCount: runtime.deadInSegments,
            segmentCount: runtime.segments.count,
            memtableVectors: runtime.active.liveCount + runtime.frozen.reduce(0) { $0 + $1.liveCount },
            diskBytes: runtime.segments.reduce(Int64(0)) { $0 + $1.segment.fileBytes },
            createdAtMs: runtime.definition.createdAtMs)
    }

    /// A snapshot of a collection for one read.
    func view(_ name: String) throws(EngineError) -> CollectionView {
        let view = try core.withLock { state throws(EngineError) -> CollectionView in
            guard let runtime = state.collections[name] else { throw EngineError.collectionNotFound(name) }
            return runtime.view()
        }
        if let damage = view.damage { throw damage }
        return view
    }
}
