import Foundation
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicIndex
import VectorLogicIO

/// Databases left open on purpose (their process exits instead of closing them).
nonisolated(unsafe) var keptOpen: [Database] = []

/// Time from `Database.open` to the first search answer, for clean and crashed directories.
enum Reopen {
    /// Opens `directory`, runs one k=10 search, closes; returns (ms to first answer, ms of the open alone).
    static func measure(directory: String, query: [Float], collection: String, close: Bool = true) async throws -> (firstAnswer: Double, open: Double) {
        let clock = ContinuousClock()
        let start = clock.now
        let database = try Database.open(at: directory)
        let opened = clock.now
        let hits = try database.search(collection, SearchRequest(vector: query, k: 10))
        let answered = clock.now
        guard !hits.isEmpty else { throw EngineError.io("reopened database answered no hits") }
        if close { try await database.close() } else { keptOpen.append(database) }
        return (Timing.milliseconds(answered - start), Timing.milliseconds(opened - start))
    }

    /// `runs` measurements; the report shows the median and the list.
    static func series(directory: String, query: [Float], collection: String, runs: Int) async throws -> [Double] {
        var samples: [Double] = []
        for _ in 0..<runs {
            samples.append(try await measure(directory: directory, query: query, collection: collection).firstAnswer)
        }
        return samples
    }

    /// Child mode: writes `count` vectors (8 writers × 256, fsync), never flushing the memtable, then SIGKILLs itself.
    static func crashChild(directory: String, dataset: Dataset, count: Int) async throws -> Never {
        let options = DatabaseOptions(durability: .fsync, memtableFlushRows: count + 1, memtableFlushBytes: Int.max / 2)
        let database = try Database.open(at: directory, options: options)
        _ = try await database.createCollection(CollectionConfig(name: Ingest.collection, dimension: dataset.dimension, metric: .cosine))
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    var first = writer * 256
                    while first < count {
                        let records = (first..<min(first + 256, count)).map { VectorRecord(id: "v\($0)", values: dataset.vectors[$0]) }
                        _ = try await database.upsert(Ingest.collection, records)
                        first += 8 * 256
                    }
                }
            }
            try await group.waitForAll()
        }
        emit("acknowledged \(count); memtable \(database.stats().memtableVectors) vectors; SIGKILL now")
        kill(getpid(), SIGKILL)
        fatalError("SIGKILL did not stop the process")
    }

    /// Parent: runs the crash child on `directory` and waits for it to die.
    static func runCrashChild(directory: String, dataPath: String, count: Int) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["--child-crash", directory, "--data", dataPath, "--count", String(count)]
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Builds a clean database of `count` synthetic vectors (flat index, no fsync: only the reopen is measured).
    static func buildSynthetic(directory: String, count: Int, dimension: Int) async throws {
        let dataset = Dataset.synthetic(count: count, dimension: dimension, seed: 42)
        let database = try Database.open(at: directory, options: DatabaseOptions(durability: .none, memtableFlushRows: 250_000))
        _ = try await database.createCollection(CollectionConfig(name: "synthetic", dimension: dimension, metric: .euclidean,
                                                                 index: IndexConfig(type: .flat)))
        var first = 0
        while first < count {
            let records = (first..<min(first + 2_000, count)).map { VectorRecord(id: "s\($0)", values: dataset.vectors[$0]) }
            _ = try await database.upsert("synthetic", records)
            first += 2_000
        }
        try await database.close()
    }
}
