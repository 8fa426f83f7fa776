import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// Compaction: merges some of a collection's segments (`inputs`) into one, dropping rows dead as of the checkpoint, rebuilding the graph
/// (a fresh HNSW over the survivors). Runs inside a checkpoint, in the background; searches keep using the old segments
/// until the new manifest is durable and the swap happens under the core lock.
enum Compaction {
    /// Some segment is due (`inputs` is not empty) — and no segment is known to be damaged: a compaction would copy
    /// its damaged rows into a file with valid checksums (or drop them unreported), so damaged segments wait for `repair`.
    static func shouldCompact(_ segments: [SegmentState], options: DatabaseOptions) -> Bool {
        if segments.contains(where: { $0.segment.knownDamage.isDamaged }) { return false }
        return !inputs(segments, options: options).isEmpty
    }

    /// Which segments (indexes into `segments`) a compaction merges: each one with enough dead rows, and — past
    /// `compactionSegmentCount` — the smallest by live rows, as many as bring the count back to the limit.
    ///
    /// Why not all of them: merging rebuilds the merged graph from scratch (~2,300 inserts/s on 2 cores at 1M rows), so
    /// merging every segment costs the whole collection on every compaction — a 1,000,000-row collection reopened with
    /// seven segments spent ~10 minutes rebuilding one graph because a 12,000-row flush made the seventh. Merging the
    /// smallest keeps each compaction's cost near the size of what was recently written (LevelDB's and RocksDB's
    /// tiered merges make the same trade), at the price of searching up to `compactionSegmentCount` graphs.
    static func inputs(_ segments: [SegmentState], options: DatabaseOptions) -> [Int] {
        var chosen = Set(segments.indices.filter { index in
            let state = segments[index]
            return (state.dead.count >= options.compactionMinDeadRows
                    && Double(state.dead.count) >= options.compactionDeadFraction * Double(state.segment.rows))
                || (state.dead.count == state.segment.rows && state.segment.rows > 0)
        })
        if segments.count > options.compactionSegmentCount {
            let bySize = segments.indices.sorted { a, b in
                let liveA = segments[a].segment.rows - segments[a].dead.count
                let liveB = segments[b].segment.rows - segments[b].dead.count
                return liveA != liveB ? liveA < liveB : a < b
            }
            let merged = max(2, segments.count - options.compactionSegmentCount + 1)
            chosen.formUnion(bySize.prefix(merged))
        }
        return chosen.sorted()
    }

    /// Writes the merged segment; returns for each output row its source (input index, row).
    static func write(_ job: CompactionJob, number: UInt64, checkpointLSN: UInt64, database: Database) throws -> [(input: Int, row: UInt32)] {
        var mapping: [(input: Int, row: UInt32)] = []
        let table = Memtable(dimension: job.config.dimension)
        for (inputIndex, input) in job.inputs.enumerated() {
            let segment = input.segment
            for row in 0..<UInt32(segment.rows) where !input.dead.contains(row) {
                let metadata = Array(segment.metadataBytes(row))
                _ = UnsafeBufferPointer(start: segment.vector(row), count: segment.dimension).withMemoryRebound(to: Float.self) { values in
                    table.append(values: values, row: MemtableRow(id: segment.id(row), metadata: metadata))
                }
                mapping.append((inputIndex, row))
            }
        }
        let graph = MemtableGraph(table: table, metric: job.config.metric, index: job.config.index, searchedWhileBuilt: false)
        graph.prepareQuantizedBuild(rows: table.count)
        // In chunks, so that `close` is heard within one chunk.
        try graph.finish(upTo: table.count, threads: Database.indexingThreads) { () throws(EngineError) in
            if database.closing.load(ordering: .acquiring) { throw EngineError.cancelled }
        }
        let info = EngineSegmentInfo(collectionID: job.collectionID, dimension: job.definition.dimension, metric: job.definition.metric,
                                     indexType: job.definition.indexType, rows: UInt32(table.count), maxLSN: checkpointLSN,
                                     definition: job.definition)
        try SegmentBuilder.write(rows: MemtableRows(table: table, count: table.count), info: info, graph: graph.serialized(),
                                 path: database.path(FileNames.segment(number)), fileSystem: database.fileSystem)
        return mapping
    }
}
