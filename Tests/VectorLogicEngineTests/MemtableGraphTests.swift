import Testing
import VectorLogicDistance
import VectorLogicTestSupport
@testable import VectorLogicEngine

/// A memtable's live graph is searched while the indexer builds it; a row the neighbour heuristic leaves in no
/// level-0 list could not be found by any search until the memtable's flush (the serialized graph is connected then).
/// Measured before the fix: 1 row of 30,000 in a four-thread build (CI), 4 of 100,000 MiniLM rows on two threads.
@Suite struct MemtableGraphTests {
    /// Clustered rows and a small m (8, ef_construction 40), indexed 256 rows a step on one thread as the indexer
    /// does while writes arrive: after every step every indexed row is reachable. Before the fix, 4 of these 6
    /// tables ended with unreachable indexed rows.
    @Test func everyIndexedRowIsReachableAfterEachStep() {
        let n = 3_000, dimension = 32
        var steps = 0
        for build in 0..<6 {
            let data = TestVectors.clustered(count: n, dimension: dimension, clusters: 40, seed: 0xC0_0000 + UInt64(build))
            let table = Memtable(dimension: dimension)
            data.withUnsafeBufferPointer { all in
                for row in 0..<n {
                    let values = UnsafeBufferPointer(rebasing: all[(row * dimension)..<((row + 1) * dimension)])
                    _ = table.append(values: values, row: MemtableRow(id: "r\(row)", metadata: []))
                }
            }
            let graph = MemtableGraph(table: table, metric: .euclidean,
                                      index: IndexConfig(type: .hnsw, m: 8, efConstruction: 40))
            while graph.indexedCount < n {
                #expect(graph.indexPending(upTo: n, budget: 256) > 0)
                steps += 1
                #expect(graph.unreachableIndexedRows == 0, "table \(build), \(graph.indexedCount) rows indexed")
            }
        }
        #expect(steps == 6 * 12)
    }
}
