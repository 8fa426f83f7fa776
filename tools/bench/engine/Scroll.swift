import Foundation
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicJSON

/// `engine-bench --scroll`: the cost of one unfiltered scroll page (100 rows) while every row is still in the memtable,
/// at the first page and from a cursor in the middle — the request the soak found growing with the memtable
/// (RELIABILITY.md). Durability none and no background work: the figure is the page alone.
enum Scroll {
    static func run(dataset: Dataset, work: String) async throws {
        var options = DatabaseOptions(durability: .none)
        options.backgroundWork = false
        let directory = work + "/scroll"
        try? FileManager.default.removeItem(atPath: directory)
        let database = try Database.open(at: directory, options: options)
        _ = try await database.createCollection(CollectionConfig(name: "s", dimension: dataset.dimension, metric: .cosine))
        emit("| memtable rows | first page ms | middle page ms |")
        emit("|---|---|---|")
        var written = 0
        for target in [10_000, 50_000, 100_000] where target <= dataset.vectors.count {
            // Ids in arrival order that is not id order (a hash-like spread), as clients' UUIDs are.
            let records = (written..<target).map { index in
                VectorRecord(id: "id-\((index &* 2_654_435_761) % 1_000_003)-\(index)", values: dataset.vectors[index])
            }
            for start in stride(from: 0, to: records.count, by: 1_000) {
                _ = try await database.upsert("s", Array(records[start..<min(start + 1_000, records.count)]))
            }
            written = target
            var middle: String?
            var passed = 0
            while passed < target / 2 {  // scroll pages hold at most 10,000 rows
                let page = try database.scroll("s", ScrollRequest(limit: min(10_000, target / 2 - passed), cursor: middle))
                passed += page.vectors.count
                middle = page.nextCursor
            }
            func median(_ cursor: String?) throws -> Double {
                var times: [Double] = []
                for _ in 0..<9 {
                    let start = ContinuousClock.now
                    _ = try database.scroll("s", ScrollRequest(limit: 100, cursor: cursor))
                    let elapsed = ContinuousClock.now - start
                    times.append(Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1_000)
                }
                return times.sorted()[times.count / 2]
            }
            emit("| \(target) | \(String(format: "%.2f", try median(nil))) | \(String(format: "%.2f", try median(middle))) |")
        }
        try await database.close()
    }
}
