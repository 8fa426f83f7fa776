import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicFormat
import VectorLogicTestSupport
import VectorLogicJSON
import VectorLogicIO

/// What the writers have had acknowledged, and when to stop (an actor: ThreadSanitizer sees its synchronisation).
private actor WriterProgress {
    var acknowledged: [Int]
    var stopped = false

    init(writers: Int) { acknowledged = Array(repeating: 0, count: writers) }
    func acknowledge(writer: Int, batches: Int) { acknowledged[writer] = batches }
    func stop() { stopped = true }
}

/// Snapshots taken while writers, flushes and compactions run (real files; run under ThreadSanitizer in CI).
@Suite("SnapshotConcurrency")
struct SnapshotConcurrencyTests {
    static let batchSize = 5

    /// The rows of batch `batch` of `writer`, plus the writer's counter row naming the batch (a torn batch would
    /// show as a counter ahead of or behind its rows).
    static func batch(writer: Int, batch: Int) -> [VectorRecord] {
        var rows = (0..<batchSize).map { k in
            VectorRecord(id: "w\(writer)-b\(batch)-k\(k)", values: [Float(writer), Float(batch), Float(k), 1],
                         metadata: .object(JSONObject([("batch", .number(Double(batch)))])))
        }
        rows.append(VectorRecord(id: "counter-\(writer)", values: [0, 0, 0, Float(batch)],
                                 metadata: .object(JSONObject([("batch", .number(Double(batch)))]))))
        return rows
    }

    /// Every batch acknowledged before `snapshot(to:)` was called is in the restored copy, whole; later batches are
    /// whole or absent; the restored directory verifies clean and opens; the file's SHA-256 is the reported one.
    @Test func snapshotWhileWritingRestoresAConsistentCut() async throws {
        let temporary = EngineTempDirectory("snapshot")
        defer { temporary.remove() }
        var options = DatabaseOptions(durability: .none, memtableFlushRows: 60)
        options.compactionSegmentCount = 2
        options.logger.logLevel = .critical
        let database = try Database.open(at: temporary.path + "/data", options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 4, metric: .euclidean, index: IndexConfig(type: .flat)))
        let writers = 2
        let progress = WriterProgress(writers: writers)
        let tasks = (0..<writers).map { writer in
            Task {
                var next = 0
                while await !progress.stopped {
                    _ = try await database.upsert("c", Self.batch(writer: writer, batch: next))
                    next += 1
                    await progress.acknowledge(writer: writer, batches: next)
                }
            }
        }
        while await progress.acknowledged.min() ?? 0 < 15 { try await Task.sleep(for: .milliseconds(2)) }
        let before = await progress.acknowledged
        async let compaction: Void = database.checkpointNow(compact: true)
        let info = try await database.snapshot(to: temporary.path + "/copy.vlsnap")
        try await compaction
        try await Task.sleep(for: .milliseconds(20))
        await progress.stop()
        for task in tasks { try await task.value }
        try await database.close()

        let file = try PosixFileSystem().open(info.path, create: false)
        var hasher = SHA256()
        hasher.update(try file.read(at: 0, count: Int(try file.size())))
        file.close()
        #expect(hasher.hexDigest() == info.sha256)

        let restored = temporary.path + "/restored"
        _ = try SnapshotTool.restore(snapshot: info.path, into: restored)
        let report = try Verifier.verify(directory: restored)
        #expect(report.isClean, "\(report.render())")
        let copy = try Database.open(at: restored, options: options)
        for writer in 0..<writers {
            var present = 0
            while try copy.get("c", id: "w\(writer)-b\(present)-k0", includeValues: false) != nil { present += 1 }
            #expect(present >= before[writer], "writer \(writer): \(present) batches restored, \(before[writer]) acknowledged before")
            for batch in 0..<(present + 3) {
                let rows = try (0..<Self.batchSize).filter { try copy.get("c", id: "w\(writer)-b\(batch)-k\($0)", includeValues: false) != nil }
                #expect(rows.count == (batch < present ? Self.batchSize : 0), "writer \(writer) batch \(batch) is torn")
            }
            let counter = try copy.get("c", id: "counter-\(writer)", includeValues: false)
            #expect(counter?.metadata == .object(JSONObject([("batch", .number(Double(present - 1)))])))
        }
        try await copy.close()
    }
}
