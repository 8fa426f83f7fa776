import Logging
import Synchronization
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicJSON
import VectorLogicIndex

/// A row ready to apply: validated values and its metadata's compact JSON text (empty for none).
struct PreparedRow: Sendable {
    let id: String
    let values: [Float]
    let metadata: [UInt8]
}

/// The engine's in-memory state, guarded by the database's core lock.
///
/// Every change is applied here by the same functions live and during log replay, in LSN order, so replay rebuilds
/// exactly the state the writers saw. A change is applied in the same critical section that appends its log record:
/// readers can see a write slightly before it is acknowledged (it is acknowledged once durable); after a crash an
/// unacknowledged write is either wholly replayed or wholly absent, because records are atomic in the log.
struct CoreState: Sendable {
    var collections: [String: CollectionRuntime] = [:]
    var nextCollectionID: UInt64 = 1
    var nextSegmentNumber: UInt64 = 1
    /// Last LSN assigned (live) or replayed.
    var lastLSN: UInt64 = 0
    /// LSN of the manifest's checkpoint.
    var checkpointLSN: UInt64 = 0
    var closed = false
    /// Writers held back by the memory bounds, in arrival order (`Database.appendHeldBack`).
    var writerQueue = WriterQueue()
    /// Segment files no longer referenced once the next manifest is written (dropped collections).
    var obsoleteSegments: [UInt64] = []

    /// The collection with engine id `id`.
    func name(ofCollection id: UInt64) -> String? {
        collections.first { $0.value.id == id }?.key
    }

    /// Rows in all memtables (flush trigger) and bytes of their values.
    var memtableRows: (rows: Int, bytes: Int) {
        var rows = 0
        var bytes = 0
        for collection in collections.values {
            rows += collection.active.table.count
            bytes += collection.active.table.count * collection.config.dimension * 4
        }
        return (rows, bytes)
    }

    /// Whether a new write must wait (`Database.appendHeldBack`): the active memtables hold twice the flush trigger (a flush
    /// is running and writes have caught up with it), or the unindexed backlog is at its bound.
    func overWriteBounds(_ options: DatabaseOptions) -> Bool {
        memtableRows.rows >= options.memtableFlushRows * 2 || unindexedRows >= options.maxUnindexedBacklog
    }

    /// Rows written but not yet in a graph, over all memtables of graph-indexed collections.
    var unindexedRows: Int {
        var total = 0
        for collection in collections.values {
            for memtable in collection.frozen + [collection.active] where memtable.graph.usesGraph {
                total += memtable.table.count - memtable.graph.indexedCount
            }
        }
        return total
    }

    /// Applies a decoded log entry (replay); unknown collections are skipped and reported by the caller.
    mutating func apply(_ entry: EngineLogEntry) -> Bool {
        switch entry {
        case .createCollection(let definition):
            guard let config = CollectionConfig(definition: definition), collections[definition.name] == nil else { return false }
            createCollection(definition: definition, config: config)
            return true
        case .dropCollection(let id):
            guard let name = name(ofCollection: id) else { return false }
            dropCollection(name)
            return true
        case let .upsert(collection, rows):
            guard let name = name(ofCollection: collection) else { return false }
            let prepared = rows.map { row in PreparedRow(id: row.id, values: row.values, metadata: row.metadata) }
            _ = collections[name]?.upsert(prepared)
            return true
        case let .delete(collection, ids):
            guard let name = name(ofCollection: collection) else { return false }
            _ = collections[name]?.delete(ids)
            return true
        }
    }

    mutating func createCollection(definition: EngineCollectionDefinition, config: CollectionConfig) {
        collections[config.name] = CollectionRuntime(definition: definition, config: config)
        nextCollectionID = max(nextCollectionID, definition.id + 1)
    }

    mutating func dropCollection(_ name: String) {
        guard let runtime = collections.removeValue(forKey: name) else { return }
        obsoleteSegments.append(contentsOf: runtime.segments.map(\.segment.number))
    }
}

extension CollectionRuntime {
    /// Tombstones the live row of `id`, wherever it is; returns whether there was one.
    mutating func removeLive(_ id: String) -> Bool {
        if let row = active.ids.removeValue(forKey: id) {
            active.dead.insert(row)
            return true
        }
        for index in frozen.indices.reversed() {
            if let row = frozen[index].ids[id], !frozen[index].dead.contains(row) {
                frozen[index].dead.insert(row)
                return true
            }
        }
        let key = Array(id.utf8)
        for index in segments.indices.reversed() {
            if let row = segments[index].segment.find(key, dead: segments[index].dead) {
                segments[index].dead.insert(row)
                return true
            }
        }
        return false
    }

    /// Inserts or replaces rows in order; returns how many were written.
    mutating func upsert(_ rows: [PreparedRow]) -> Int {
        for row in rows {
            _ = removeLive(row.id)
            let number = row.values.withUnsafeBufferPointer { values in
                active.table.append(values: values, row: MemtableRow(id: row.id, metadata: row.metadata))
            }
            active.ids[row.id] = number
        }
        return rows.count
    }

    /// Deletes ids; returns how many existed.
    mutating func delete(_ ids: [String]) -> Int {
        var deleted = 0
        for id in ids where removeLive(id) { deleted += 1 }
        return deleted
    }

    /// Where the live, readable row of `id` is: memtable views index (frozen…, active) or segment index.
    func locate(_ id: String) -> RowLocation? {
        if let row = active.ids[id] { return .memtable(active.table, row) }
        for memtable in frozen.reversed() {
            if let row = memtable.ids[id], !memtable.dead.contains(row) { return .memtable(memtable.table, row) }
        }
        let key = Array(id.utf8)
        for state in segments.reversed() {
            if let row = state.segment.find(key, dead: state.dead) {
                // A row of a damaged block is never served (`SegmentDamage`): its id reads as absent until `repair`.
                return state.segment.unreadableRows?.contains(row) == true ? nil : .segment(state.segment, row)
            }
        }
        return nil
    }
}

/// Where a live row is stored.
enum RowLocation {
    case memtable(Memtable, UInt32)
    case segment(Segment, UInt32)

    /// The row as returned: its id, its values and its metadata bytes when asked for (metadata is copied out as stored,
    /// never parsed).
    func stored(includeValues: Bool, includeMetadata: Bool = true) -> StoredVector {
        switch self {
        case let .memtable(table, row):
            let info = table.row(row)
            return StoredVector(id: info.id, values: includeValues ? table.values(row) : nil,
                                metadata: includeMetadata ? CompactJSON(stored: info.metadata) : nil)
        case let .segment(segment, row):
            return StoredVector(id: segment.id(row), values: includeValues ? segment.values(row) : nil,
                                metadata: includeMetadata ? segment.metadata(row) : nil)
        }
    }

    var values: [Float] {
        switch self {
        case let .memtable(table, row): return table.values(row)
        case let .segment(segment, row): return segment.values(row)
        }
    }

    /// The row's metadata as stored.
    var metadata: CompactJSON? {
        switch self {
        case let .memtable(table, row): return CompactJSON(stored: table.row(row).metadata)
        case let .segment(segment, row): return segment.metadata(row)
        }
    }
}

extension CollectionConfig {
    /// The configuration a stored definition describes; nil for unknown codes.
    init?(definition: EngineCollectionDefinition) {
        let metrics: [DistanceMetric] = [.cosine, .dot, .euclidean]
        let types: [IndexType] = [.hnsw, .flat]
        guard Int(definition.metric) < metrics.count, Int(definition.indexType) < types.count else { return nil }
        self.init(name: definition.name, dimension: Int(definition.dimension), metric: metrics[Int(definition.metric)],
                  index: IndexConfig(type: types[Int(definition.indexType)], m: Int(definition.m),
                                     efConstruction: Int(definition.efConstruction), efSearch: Int(definition.efSearch)))
    }

    /// The stored definition of this configuration.
    func definition(id: UInt64, createdAtMs: Int64) -> EngineCollectionDefinition {
        let metricCode: UInt8 = switch metric { case .cosine: 0; case .dot: 1; case .euclidean: 2 }
        return EngineCollectionDefinition(
            id: id, name: name, dimension: UInt32(dimension), metric: metricCode, indexType: index.type == .hnsw ? 0 : 1,
            m: UInt32(index.m), efConstruction: UInt32(index.efConstruction), efSearch: UInt32(index.efSearch),
            createdAtMs: createdAtMs)
    }
}
