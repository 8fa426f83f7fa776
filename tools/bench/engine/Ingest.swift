import Foundation
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicIndex
import VectorLogicIO

/// One ingest run: `writers` concurrent tasks upserting batches of `batch` vectors with fsync durability.
struct IngestResult {
    let writers: Int
    let batch: Int
    let acknowledged: Int
    let seconds: Double
    let fsyncs: Int64
    let p50: Double
    let p99: Double
    /// Seconds from the start until every acknowledged vector was in an HNSW graph (nil: never unindexed / timed out).
    let indexedSeconds: Double?
    /// The largest unindexed backlog seen while writing (0: no graph is built, or indexing kept pace).
    let peakBacklog: Int

    var vectorsPerSecond: Double { Double(acknowledged) / seconds }
    var fsyncsPerSecond: Double { Double(fsyncs) / seconds }
    var writesPerFsync: Double { fsyncs > 0 ? Double(acknowledged / batch) / Double(fsyncs) : 0 }

    var row: String {
        let indexed = indexedSeconds.map { String(format: "%.0f", Double(acknowledged) / $0) } ?? "n/a"
        return String(format: "| %d | %d | %d | %.2f | %.0f | %.0f | %.1f | %.2f | %.2f | %@ | %d |", writers, batch, acknowledged, seconds,
                      vectorsPerSecond, fsyncsPerSecond, writesPerFsync, p50, p99, indexed, peakBacklog)
    }
}

enum Ingest {
    static let collection = "bench"

    /// Runs one configuration in a fresh directory; stops after `limit` vectors or `maxSeconds`.
    static func run(dataset: Dataset, directory: String, writers: Int, batch: Int, limit: Int, maxSeconds: Double,
                    keepOpen: Bool = false) async throws -> IngestResult {
        let database = try Database.open(at: directory, options: DatabaseOptions(durability: .fsync))
        _ = try await database.createCollection(CollectionConfig(name: collection, dimension: dataset.dimension, metric: .cosine))
        let before = database.stats().fsyncs
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start.advanced(by: .milliseconds(Int(maxSeconds * 1_000)))
        let total = min(limit, dataset.vectors.count)
        let sampler = Task { () -> Int in
            var peak = 0
            while !Task.isCancelled {
                peak = max(peak, database.stats().unindexedVectors)
                try? await Task.sleep(for: .milliseconds(50))
            }
            return peak
        }
        let latencies = try await withThrowingTaskGroup(of: [Double].self) { group in
            for writer in 0..<writers {
                group.addTask {
                    try await writerLoop(database, dataset: dataset, writer: writer, writers: writers, batch: batch, total: total, deadline: deadline)
                }
            }
            var all: [Double] = []
            for try await part in group { all += part }
            return all.sorted()
        }
        let elapsed = Timing.seconds(clock.now - start)
        let fsyncs = database.stats().fsyncs - before
        let acknowledged = latencies.count * batch
        sampler.cancel()
        let peakBacklog = await sampler.value
        let indexed = await waitIndexed(database, start: start, timeout: 300)
        try await database.close()
        return IngestResult(writers: writers, batch: batch, acknowledged: min(acknowledged, total), seconds: elapsed, fsyncs: fsyncs,
                            p50: Timing.quantile(latencies, 0.5), p99: Timing.quantile(latencies, 0.99), indexedSeconds: indexed,
                            peakBacklog: peakBacklog)
    }

    /// Writer `writer` takes batches `writer, writer + writers, …`; returns each acknowledged call's latency in ms.
    private static func writerLoop(_ database: Database, dataset: Dataset, writer: Int, writers: Int, batch: Int, total: Int,
                                   deadline: ContinuousClock.Instant) async throws -> [Double] {
        let clock = ContinuousClock()
        var latencies: [Double] = []
        var first = writer * batch
        while first < total, clock.now < deadline {
            let records = (first..<min(first + batch, total)).map { VectorRecord(id: "v\($0)", values: dataset.vectors[$0]) }
            let start = clock.now
            _ = try await database.upsert(collection, records)
            latencies.append(Timing.milliseconds(clock.now - start))
            first += writers * batch
        }
        return latencies
    }

    /// Polls `unindexedVectors` until it is 0; the seconds since `start`, or nil when nothing was ever pending.
    private static func waitIndexed(_ database: Database, start: ContinuousClock.Instant, timeout: Double) async -> Double? {
        let clock = ContinuousClock()
        var sawBacklog = false
        while Timing.seconds(clock.now - start) < timeout {
            let pending = database.stats().unindexedVectors
            if pending == 0 { return sawBacklog ? Timing.seconds(clock.now - start) : nil }
            sawBacklog = true
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }
}
