import Logging
import Synchronization
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicJSON

/// A memtable as the core state holds it: the rows, the id map of the newest row per id, and its tombstones.
struct MemtableState: Sendable {
    let table: Memtable
    let graph: MemtableGraph
    /// id → newest row; entries are removed when the row is deleted or overwritten.
    var ids: [String: UInt32] = [:]
    var dead = Bitset()

    init(dimension: Int, metric: DistanceMetric, index: IndexConfig) {
        table = Memtable(dimension: dimension)
        graph = MemtableGraph(table: table, metric: metric, index: index)
    }

    var liveCount: Int { table.count - dead.count }
}

/// A segment as the core state holds it: the mapped file and its current tombstones.
struct SegmentState: Sendable {
    let segment: Segment
    var dead: Bitset

    /// What readers skip: the tombstones and the rows of damaged blocks (`SegmentDamage`, not persisted).
    var servedDead: Bitset { segment.unreadableRows.map { dead.union($0) } ?? dead }
}

/// Everything the engine knows about one collection, kept under the core lock.
struct CollectionRuntime: Sendable {
    let definition: EngineCollectionDefinition
    let config: CollectionConfig
    /// Writes go here.
    var active: MemtableState
    /// Memtables being flushed by a checkpoint (still searched until their segment is installed).
    var frozen: [MemtableState] = []
    /// Live segments, oldest first.
    var segments: [SegmentState] = []
    /// Set when a background check found a damaged segment: reads of this collection then fail.
    var damage: EngineError?

    init(definition: EngineCollectionDefinition, config: CollectionConfig) {
        self.definition = definition
        self.config = config
        active = MemtableState(dimension: config.dimension, metric: config.metric, index: config.index)
    }

    var id: UInt64 { definition.id }

    /// A new empty memtable for this collection.
    func makeMemtable() -> MemtableState {
        MemtableState(dimension: config.dimension, metric: config.metric, index: config.index)
    }

    /// Live vectors.
    var liveCount: Int {
        active.liveCount + frozen.reduce(0) { $0 + $1.liveCount } + segments.reduce(0) { $0 + $1.segment.rows - $1.dead.count }
    }

    /// Tombstoned rows still held in segments.
    var deadInSegments: Int { segments.reduce(0) { $0 + $1.dead.count } }

    /// An immutable view for readers: no id maps (so later writes never copy them), tombstones shared copy-on-write.
    func view() -> CollectionView {
        var memtables = frozen.map { MemtableView(table: $0.table, graph: $0.graph, count: $0.table.count, dead: $0.dead) }
        memtables.append(MemtableView(table: active.table, graph: active.graph, count: active.table.count, dead: active.dead))
        return CollectionView(config: config, id: id, damage: damage, memtables: memtables,
                              segments: segments.map { SegmentView(segment: $0.segment, dead: $0.servedDead) })
    }
}

/// A reader's snapshot of a memtable: rows below `count` with these tombstones.
struct MemtableView: Sendable {
    let table: Memtable
    let graph: MemtableGraph
    let count: Int
    let dead: Bitset
}

/// A reader's snapshot of a segment.
struct SegmentView: Sendable {
    let segment: Segment
    let dead: Bitset
}

/// A consistent version of a collection for one read: searches, scrolls and counts see exactly this.
struct CollectionView: Sendable {
    let config: CollectionConfig
    let id: UInt64
    let damage: EngineError?
    /// Frozen memtables then the active one.
    let memtables: [MemtableView]
    /// Segments, oldest first.
    let segments: [SegmentView]
}
