import Logging
import Testing
@_spi(Testing) @testable import VectorLogicEngine
import VectorLogicSync
import VectorLogicTestSupport

/// Collects formatted log lines (`message key=value …`) in memory, with their levels.
final class CollectingLogHandlerStore: Sendable {
    let lines = Locked<[String]>([])
    /// The lines with their levels, in order.
    let entries = Locked<[(level: Logger.Level, line: String)]>([])
}

struct CollectingLogHandler: LogHandler {
    let store: CollectingLogHandlerStore
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        let fields = (event.metadata ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        let line = ([event.message.description] + fields).joined(separator: " ")
        store.lines.withLock { $0.append(line) }
        store.entries.withLock { $0.append((event.level, line)) }
    }
}

/// Flushes and compactions each log one line with their counts and duration, once the manifest naming them is durable.
@Suite(.serialized) struct CheckpointLogTests {
    @Test func flushesAndCompactionsLogOneLineEach() async throws {
        let temporary = EngineTempDirectory("checkpoint-log")
        defer { temporary.remove() }
        let store = CollectingLogHandlerStore()
        var options = DatabaseOptions(durability: .none, backgroundWork: false)
        options.compactionSegmentCount = 1  // past the limit the smallest merge until one is left: all three here
        options.logger = Logger(label: "test") { _ in CollectingLogHandler(store: store) }
        let database = try Database.open(at: temporary.path, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "c", dimension: 2, metric: .euclidean, index: IndexConfig(type: .flat)))
        for round in 0..<3 {
            _ = try await database.upsert("c", (0..<(round + 1)).map { VectorRecord(id: "r\(round)-\($0)", values: [Float(round), 1], metadata: nil) })
            try await database.checkpointNow(compact: false)
        }
        _ = try await database.delete("c", ids: ["r2-0"])
        try await database.checkpointNow(compact: true)
        try await database.close()
        let lines = store.lines.withLock { $0 }
        let flushes = lines.filter { $0.hasPrefix("flushed memtable ") }
        #expect(flushes.count == 3, "\(lines)")
        #expect(flushes.first?.contains("collection=c") == true && flushes.first?.contains("rows=1 ") == true)
        #expect(flushes.allSatisfy { $0.contains("duration_ms=") && $0.contains("segment=") })
        let compactions = lines.filter { $0.hasPrefix("compacted segments ") }
        #expect(compactions.count == 1, "\(lines)")
        let compaction = compactions.first ?? ""
        #expect(compaction.contains("inputs=3") && compaction.contains("rows_in=6") && compaction.contains("rows_out=5"), "\(compaction)")
        #expect(compaction.contains("duration_ms="))
    }
}
