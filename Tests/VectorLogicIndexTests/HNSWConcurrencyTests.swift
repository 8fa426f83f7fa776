import Testing
import VectorLogicDistance
import VectorLogicIndex

@Suite struct HNSWConcurrencyTests {
    /// Two inserting tasks and one searching task share a graph (run under --sanitize=thread in CI). Afterwards
    /// every row is in, the invariants hold, and recall is good.
    @Test func concurrentInsertAndSearchAreSafe() async throws {
        let seed: UInt64 = 0xC0C0
        print("concurrentInsertAndSearchAreSafe seed \(seed)")
        let n = 1_000
        let data = IndexTestData.clustered(count: n, dimension: 16, clusters: 10, seed: seed)
        let source = FlatVectorSource(dimension: 16, vectors: data)
        // A small first chunk so inserts also grow the storage while searches run.
        let index = MutableHNSW(source: source, metric: .cosine,
                                parameters: HNSWParameters(m: 8, efConstruction: 60), expectedCount: 10)
        await withTaskGroup(of: Int.self) { group in
            for part in 0..<2 {
                group.addTask {
                    for r in stride(from: part, to: n, by: 2) { index.insert(UInt32(r)) }
                    return 0
                }
            }
            group.addTask {
                var hits = 0
                let q = Array(data[0..<16])
                for _ in 0..<300 {
                    let found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 5, ef: 20, accept: nil) }
                    hits += found.filter { Int($0.row) < n }.count
                }
                return hits
            }
            for await _ in group {}
        }
        #expect(index.count == n)
        let bytes = index.serialized()
        try bytes.withUnsafeBytes { raw in
            let frozen = try FrozenHNSW(graph: raw, source: source, metric: .cosine, count: n)
            #expect(frozen.checkInvariants() == [])
        }
        var total = 0.0
        for qi in 0..<20 {
            let q = Array(data[(qi * 37 * 16)..<((qi * 37 + 1) * 16)])
            let truth = IndexTestData.bruteForce(q, source: source, metric: .cosine, k: 10)
            let found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 10, ef: 100, accept: nil) }
            total += IndexTestData.recall(found, truth)
        }
        #expect(total / 20 >= 0.95)
    }

    /// The multi-threaded build of `HNSWParallelBuildTests`, small enough for ThreadSanitizer: several threads insert
    /// while their inserts find each other's half-linked rows (the own-list merge and back-link paths of `connect`),
    /// and every row stays reachable and finds itself.
    @Test func concurrentBuildKeepsEveryRowReachable() throws {
        let losses = try ParallelBuildCheck.run(builds: 2, rows: 600, threads: 4, seed: 0xC0B1)
        #expect(losses.unreachable == 0)
        #expect(losses.notFound == 0)
    }
}
