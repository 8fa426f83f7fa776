import Logging

/// How long each job of a checkpoint took to write (segment build, graph finish, fsync), for its log line.
struct CheckpointTimings {
    /// By output segment number.
    var flushes: [UInt64: Duration] = [:]
    /// By index in `CheckpointPlan.compactions`.
    var compactions: [Int: Duration] = [:]
}

extension Database {
    /// One info line per flush (`flushed memtable`: collection, segment, rows, live rows, duration) and per compaction
    /// (`compacted segments`: collection, input segments, rows in and out, output segment, duration), written once the
    /// manifest naming them is durable — an operator reading the log sees only work that took effect.
    func logCheckpoint(_ plan: CheckpointPlan, timings: CheckpointTimings) {
        for job in plan.flushes {
            options.logger.info("flushed memtable", metadata: [
                "collection": .string(job.collection),
                "segment": .stringConvertible(job.number),
                "rows": .stringConvertible(job.memtable.table.count),
                "live_rows": .stringConvertible(job.memtable.liveCount),
                "duration_ms": Self.milliseconds(timings.flushes[job.number]),
            ])
        }
        for (index, job) in plan.compactions.enumerated() {
            let rowsIn = job.inputs.reduce(0) { $0 + $1.segment.rows }
            let rowsOut = job.inputs.reduce(0) { $0 + $1.segment.rows - $1.dead.count }
            options.logger.info("compacted segments", metadata: [
                "collection": .string(job.collection),
                "inputs": .stringConvertible(job.inputs.count),
                "rows_in": .stringConvertible(rowsIn),
                "rows_out": .stringConvertible(rowsOut),
                "segment": job.number.map { .stringConvertible($0) } ?? .string("none"),
                "duration_ms": Self.milliseconds(timings.compactions[index]),
            ])
        }
    }

    /// A duration as milliseconds with microsecond precision (`12.345`).
    static func milliseconds(_ duration: Duration?) -> Logger.MetadataValue {
        guard let duration else { return .stringConvertible(0) }
        let microseconds = duration.components.seconds * 1_000_000 + duration.components.attoseconds / 1_000_000_000_000
        return .stringConvertible(Double(microseconds) / 1_000)
    }
}
