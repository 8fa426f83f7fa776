// `crash-writer bench`: ingest throughput with concurrent writers (fsync durability, group commit), then clean close
// and the time to reopen and answer the first search. Release build: swift build -c release --product crash-writer.
import VectorLogicEngine
#if canImport(Glibc)
import Glibc
import VectorLogicIndex
import VectorLogicDistance
#endif

func nowSeconds() -> Double {
    var spec = timespec()
    clock_gettime(CLOCK_MONOTONIC, &spec)
    return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// Deterministic pseudo-random values (no Foundation).
func benchVector(_ seed: Int, dimension: Int) -> [Float] {
    var state = UInt64(seed) &* 0x9E37_79B9_7F4A_7C15 &+ 1
    return (0..<dimension).map { _ in
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Float(Int64(state >> 41) - (1 << 22)) / Float(1 << 22)
    }
}

func runBenchmark(_ arguments: [String]) async throws {
    guard arguments.count >= 6, let writers = Int(arguments[1]), let batch = Int(arguments[2]), let total = Int(arguments[3]),
          let dimension = Int(arguments[4]), let type = IndexType(rawValue: arguments[5]) else {
        print("usage: crash-writer bench <directory> <writers> <batch> <vectors> <dimension> <hnsw|flat>")
        return
    }
    let directory = arguments[0]
    let database = try Database.open(at: directory, options: DatabaseOptions(durability: .fsync))
    _ = try await database.createCollection(CollectionConfig(name: "bench", dimension: dimension, metric: .cosine, index: IndexConfig(type: type)))
    let perWriter = total / writers
    let start = nowSeconds()
    try await withThrowingTaskGroup(of: Void.self) { group in
        for writer in 0..<writers {
            group.addTask {
                var written = 0
                while written < perWriter {
                    let count = min(batch, perWriter - written)
                    let records = (0..<count).map { index in
                        let number = writer * perWriter + written + index
                        return VectorRecord(id: "v\(number)", values: benchVector(number, dimension: dimension))
                    }
                    _ = try await database.upsert("bench", records)
                    written += count
                }
            }
        }
        try await group.waitForAll()
    }
    let elapsed = nowSeconds() - start
    let stats = database.stats()
    print("ingest: \(perWriter * writers) vectors, \(writers) writers × batch \(batch): \(Int(Double(perWriter * writers) / elapsed)) vectors/s, \(stats.fsyncs) fsyncs (\(Int(Double(stats.fsyncs) / elapsed))/s), unindexed at end \(stats.unindexedVectors)")
    let closeStart = nowSeconds()
    try await database.close()
    print("close (flush + index the rest): \(format2(nowSeconds() - closeStart)) s")
    let openStart = nowSeconds()
    let reopened = try Database.open(at: directory, options: DatabaseOptions(durability: .fsync))
    let opened = nowSeconds()
    let matches = try reopened.search("bench", SearchRequest(vector: benchVector(7, dimension: dimension), k: 10))
    let searched = nowSeconds()
    print("reopen: open \(format2((opened - openStart) * 1000)) ms, first search \(format2((searched - opened) * 1000)) ms (total \(format2((searched - openStart) * 1000)) ms), top hit \(matches.first?.id ?? "-"), replayed \(reopened.recovery.replayedRecords)")
    try await reopened.close()
}

func format2(_ value: Double) -> String {
    let scaled = Int((value * 100).rounded())
    return "\(scaled / 100).\(String(repeating: "0", count: scaled % 100 < 10 ? 1 : 0))\(scaled % 100)"
}
