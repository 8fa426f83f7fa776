import VectorLogicSync
import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO
public import VectorLogicFilter
public import VectorLogicJSON

extension Database {
    /// Inserts or replaces vectors. The whole batch (1…10,000) is validated first: one bad item rejects it all and
    /// nothing changes. Returns the number written once the log record is durable (per the durability mode).
    /// A batch that names an id twice is refused (`invalidID` naming the id and both items): nothing is written.
    public func upsert(_ collection: String, _ records: [VectorRecord]) async throws -> Int {
        try Validation.checkBatch(count: records.count, what: "vectors")
        let (collectionID, dimension) = try core.withLock { state throws(EngineError) in
            guard let runtime = state.collections[collection] else { throw EngineError.collectionNotFound(collection) }
            return (runtime.id, runtime.config.dimension)
        }
        var prepared: [PreparedRow] = []
        prepared.reserveCapacity(records.count)
        for (item, record) in records.enumerated() {
            try Validation.checkID(record.id, item: item)
            try Validation.checkValues(record.values, dimension: dimension, item: item, name: "id \"\(record.id)\"")
            let bytes = try Validation.metadataBytes(record.metadata, item: item)
            prepared.append(PreparedRow(id: record.id, values: record.values, metadata: bytes))
        }
        try Validation.checkUniqueIDs(records.lazy.map(\.id))
        let payload = EngineLogPayload.encode(.upsert(collection: collectionID, rows: prepared.map {
            EngineUpsertRow(id: $0.id, metadata: $0.metadata, values: $0.values)
        }))
        let lsn = try await appendHeldBack(collection: collection, collectionID: collectionID, payload: payload) { runtime in
            runtime.upsert(prepared)
        }
        try await commit.waitAcknowledged(lsn)
        counters.upsertedVectors.add(Int64(records.count), ordering: .relaxed)
        return records.count
    }

    /// Deletes vectors by id (1…10,000 ids); returns how many existed. Unknown ids are not an error.
    public func delete(_ collection: String, ids: [String]) async throws -> Int {
        try Validation.checkBatch(count: ids.count, what: "ids")
        for (item, id) in ids.enumerated() { try Validation.checkID(id, item: item) }
        let collectionID = try core.withLock { state throws(EngineError) in
            guard let runtime = state.collections[collection] else { throw EngineError.collectionNotFound(collection) }
            return runtime.id
        }
        let payload = EngineLogPayload.encode(.delete(collection: collectionID, ids: ids))
        let (lsn, deleted) = try appendAndApply(collection: collection, collectionID: collectionID, payload: payload) { runtime in
            runtime.delete(ids)
        }
        try await commit.waitAcknowledged(lsn)
        return deleted
    }

    /// Deletes every vector whose metadata matches; returns how many. Vectors written concurrently may or may not be
    /// included (the filter is evaluated on a snapshot, then the matching ids are deleted in batches of 10,000).
    /// `budget` bounds the matching scan; when it runs out nothing has been deleted yet.
    public func delete(_ collection: String, matching filter: Filter, budget: RequestBudget = .unlimited) async throws -> Int {
        let view = try view(collection)
        let ids = try self.ids(collection, matching: filter, budget: budget, view: view)
        var deleted = 0
        var start = 0
        while start < ids.count {
            let end = min(ids.count, start + Limits.maxBatch)
            deleted += try await delete(collection, ids: Array(ids[start..<end]))
            start = end
        }
        return deleted
    }

    /// Ids of the live vectors whose metadata matches `filter`, on one snapshot (what `delete(_:matching:)` deletes);
    /// the caller can then delete them in batches with `delete(_:ids:)`.
    public func ids(_ collection: String, matching filter: Filter, budget: RequestBudget = .unlimited) throws -> [String] {
        try ids(collection, matching: filter, budget: budget, view: view(collection))
    }

    private func ids(_ collection: String, matching filter: Filter, budget: RequestBudget,
                     view: CollectionView) throws(EngineError) -> [String] {
        try Scan.matchingIDs(view, filter: filter, budget: budget)
    }

    /// Merges `merging` into the metadata of `id` (keys replaced or added; a JSON null value removes the key).
    /// Values are kept. Returns false when the id does not exist. Logged as an upsert of the merged row.
    public func patchMetadata(_ collection: String, id: String, merging: JSONObject) async throws -> Bool {
        try Validation.checkID(id, item: nil)
        while true {
            let (found, collectionID) = try core.withLock { state throws(EngineError) in
                guard let runtime = state.collections[collection] else { throw EngineError.collectionNotFound(collection) }
                return (runtime.locate(id), runtime.id)
            }
            guard let found else { return false }
            // The one place stored metadata is parsed: a merge needs the tree. Damaged bytes merge as no metadata.
            var merged: JSONObject
            if case .object(let existing)? = try? found.metadata?.value() { merged = existing } else { merged = JSONObject() }
            for (key, value) in merging.entries { merged[key] = value == .null ? nil : value }
            let metadata = merged.count == 0 ? nil : CompactJSON(.object(merged))
            let bytes = try Validation.metadataBytes(metadata, item: nil)
            let row = PreparedRow(id: id, values: found.values, metadata: bytes)
            let payload = EngineLogPayload.encode(.upsert(collection: collectionID, rows: [
                EngineUpsertRow(id: id, metadata: bytes, values: row.values),
            ]))
            // Re-check under the lock that the row read above is still the live one; retry if a writer replaced it.
            let outcome = try appendAndApply(collection: collection, collectionID: collectionID, payload: payload,
                                             precondition: { $0.locate(id).map { Self.same($0, found) } ?? false }) { runtime in
                runtime.upsert([row])
            }
            if outcome.lsn == 0 { continue }
            try await commit.waitAcknowledged(outcome.lsn)
            return true
        }
    }

    static func same(_ a: RowLocation, _ b: RowLocation) -> Bool {
        switch (a, b) {
        case let (.memtable(t1, r1), .memtable(t2, r2)): return t1 === t2 && r1 == r2
        case let (.segment(s1, r1), .segment(s2, r2)): return s1 === s2 && r1 == r2
        default: return false
        }
    }

    /// Appends a record and applies it in one critical section (LSN order = apply order). Returns lsn 0 (nothing
    /// logged) when `precondition` fails.
    /// `admit` (the memory bounds' queue, `appendHeldBack`) and `precondition` run in that critical section, after
    /// the checks that throw; either one false appends nothing.
    func appendAndApply<T>(collection: String, collectionID: UInt64, payload: (type: UInt8, payload: [UInt8]),
                           admit: (inout CoreState) -> Bool = { _ in true },
                           precondition: (CollectionRuntime) -> Bool = { _ in true },
                           apply: (inout CollectionRuntime) -> T) throws(EngineError) -> (lsn: UInt64, result: T?) {
        let free = fileSystem.availableBytes(directory)  // outside the lock: a syscall
        let outcome = try core.withLock { state throws(EngineError) -> (UInt64, T?) in
            try checkWritable(state)
            try DiskSpaceGuard.check(free: free, state: state, recordBytes: payload.payload.count, options: options)
            guard var runtime = state.collections[collection], runtime.id == collectionID else {
                throw EngineError.collectionNotFound(collection)
            }
            guard precondition(runtime), admit(&state) else { return (0, nil) }
            let lsn = state.lastLSN + 1
            try commit.append(type: payload.type, lsn: lsn, payload: payload.payload)
            state.lastLSN = lsn
            state.collections[collection] = nil  // keep the runtime uniquely referenced while it changes (no COW copies)
            let result = apply(&runtime)
            state.collections[collection] = runtime
            return (lsn, result)
        }
        if outcome.0 != 0 { workers.nudge() }
        return outcome
    }

    func appendAndApply<T>(collection: String, collectionID: UInt64, payload: (type: UInt8, payload: [UInt8]),
                           apply: (inout CollectionRuntime) -> T) throws(EngineError) -> (lsn: UInt64, result: T) {
        let outcome = try appendAndApply(collection: collection, collectionID: collectionID, payload: payload,
                                         precondition: { _ in true }, apply: apply)
        guard let result = outcome.result else { preconditionFailure("apply without precondition returned nothing") }
        return (outcome.lsn, result)
    }

    /// Appends and applies an upsert once the memory bounds let it in (`CoreState.overWriteBounds`), first come first
    /// served (`WriterQueue`). The bounds are checked in the append's own critical section, so a writer that goes on
    /// adds at most its own batch past them, and one that waits is passed by nobody who came later. The head of the queue
    /// polls the bounds every 2 ms; the others are parked until handed the turn. Writers are slowed, never failed: after
    /// `maxWriterWaitSeconds` (wall clock, checked by the head) a writer goes on whatever the bounds say. Returns the LSN.
    func appendHeldBack(collection: String, collectionID: UInt64, payload: (type: UInt8, payload: [UInt8]),
                        apply: (inout CollectionRuntime) -> Void) async throws -> UInt64 {
        guard options.backgroundWork else {
            return try appendAndApply(collection: collection, collectionID: collectionID, payload: payload, apply: apply).lsn
        }
        let deadline = ContinuousClock.now + .seconds(options.maxWriterWaitSeconds)
        var ticket: UInt64?
        defer {
            // Still queued: the wait ended by an error (closed database, cancelled task). Hand the turn on.
            if let held = ticket { core.withLock { $0.writerQueue.giveBack(held) } }
        }
        while true {
            let late = ContinuousClock.now >= deadline
            var head = false
            let lsn = try appendAndApply(collection: collection, collectionID: collectionID, payload: payload, admit: { state in
                let over = state.overWriteBounds(options)
                guard let held = ticket else {
                    ticket = state.writerQueue.arrive(overBounds: over)
                    head = ticket == state.writerQueue.serving
                    return ticket == nil
                }
                if late {
                    state.writerQueue.giveBack(held)
                } else if !state.writerQueue.admit(held, overBounds: over) {
                    head = held == state.writerQueue.serving
                    return false
                }
                ticket = nil
                return true
            }, apply: apply).lsn
            if lsn != 0 { return lsn }
            if let held = ticket, !head {
                // Handed the turn by the writer before it (`WriterQueue.park`); cancellation is seen once it is the head.
                await withCheckedContinuation { continuation in core.withLock { $0.writerQueue.park(held, continuation) } }
            } else {
                workers.nudge()  // the indexer and maintenance threads are what frees room
                try await Task.sleep(for: .milliseconds(2))
            }
        }
    }
}
