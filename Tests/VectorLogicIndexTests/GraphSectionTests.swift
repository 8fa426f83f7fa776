import VectorLogicIO
import Testing
import VectorLogicDistance
import VectorLogicIndex

@Suite struct GraphSectionTests {
    /// The same seed and insert order give byte-identical graph sections; another seed gives other bytes.
    @Test func sameSeedAndOrderGiveSameBytes() {
        let data = IndexTestData.uniform(count: 500, dimension: 12, seed: 0x5A)
        let source = FlatVectorSource(dimension: 12, vectors: data)
        let a = IndexTestData.build(source, count: 500, metric: .euclidean).serialized()
        let b = IndexTestData.build(source, count: 500, metric: .euclidean).serialized()
        let c = IndexTestData.build(source, count: 500, metric: .euclidean,
                                    parameters: HNSWParameters(m: 12, efConstruction: 100, seed: 99)).serialized()
        #expect(a == b)
        #expect(a != c)
        #expect(a.count > 64)
    }

    /// serialize → FrozenHNSW over the bytes answers exactly like the mutable graph, for every metric,
    /// and the frozen graph passes its invariant check.
    @Test(arguments: DistanceMetric.allCases)
    func frozenGraphAnswersLikeTheMutableOne(metric: DistanceMetric) throws {
        let n = 700
        let data = IndexTestData.clustered(count: n, dimension: 20, clusters: 10, seed: 0x77)
        let source = FlatVectorSource(dimension: 20, vectors: data)
        let index = IndexTestData.build(source, count: n, metric: metric)
        let bytes = index.serialized()
        try bytes.withUnsafeBytes { raw in
            let frozen = try FrozenHNSW(graph: raw, source: source, metric: metric, count: n)
            #expect(frozen.checkInvariants() == [])
            let stats = frozen.statistics
            #expect(stats.nodes == n && stats.bytes == bytes.count && stats.maxDegree <= 24 && stats.meanDegree > 4)
            #expect(stats.nodesPerLevel.first == n)
            let queries = IndexTestData.uniform(count: 25, dimension: 20, seed: 0x78)
            for qi in 0..<25 {
                let q = Array(queries[(qi * 20)..<((qi + 1) * 20)])
                for ef in [10, 64] {
                    let before = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 10, ef: ef, accept: nil) }
                    let after = q.withUnsafeBufferPointer { frozen.search($0.baseAddress!, k: 10, ef: ef, accept: nil) }
                    #expect(before == after)
                }
            }
        }
    }

    /// Reachability (issue 8, section 3): a healthy graph reaches every row from its entry point on level 0; once
    /// every level-0 link to a row is removed, the frozen graph counts it as unreachable and `checkInvariants` says so.
    @Test func unlinkedRowIsReportedUnreachable() throws {
        let n = 300
        let data = IndexTestData.uniform(count: n, dimension: 8, seed: 0x4EAC)
        let source = FlatVectorSource(dimension: 8, vectors: data)
        let index = IndexTestData.build(source, count: n, metric: .euclidean)
        #expect(index.reachability() == GraphReachability(unreachable: 0, examples: []))
        var bytes = index.serialized()
        func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(bytes[at + $1]) << (8 * $1) } }
        func set(_ value: UInt32, at: Int) { for i in 0..<4 { bytes[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) } }
        let m0 = Int(u32(16)), entry = u32(24), levels = 64 + n * (1 + m0) * 4
        let cut = try #require((0..<UInt32(n)).first { $0 != entry && bytes[levels + Int($0)] == 0 })
        for r in 0..<n {
            let list = 64 + r * (1 + m0) * 4
            let ids = (0..<Int(u32(list))).map { u32(list + 4 + $0 * 4) }.filter { $0 != cut }
            set(UInt32(ids.count), at: list)
            for i in 0..<m0 { set(i < ids.count ? ids[i] : 0xFFFF_FFFF, at: list + 4 + i * 4) }
        }
        try bytes.withUnsafeBytes { raw in
            let frozen = try FrozenHNSW(graph: raw, source: source, metric: .euclidean, count: n)
            let reach = frozen.reachability()
            #expect(reach.unreachable >= 1 && reach.examples.contains(cut))
            #expect(frozen.checkInvariants().contains { $0.contains("not reachable from the entry point") })
            #expect(frozen.checkInvariants(includingReachability: false) == [])
            let q = Array(data[(Int(cut) * 8)..<(Int(cut) * 8 + 8)])
            let found = q.withUnsafeBufferPointer { frozen.search($0.baseAddress!, k: 1, ef: n, accept: nil) }
            #expect(found.first?.row != cut)
        }
    }

    /// Garbage never traps: random bytes, truncations and corrupted header fields throw; corrupted link bytes
    /// either throw or give a graph whose searches stay in range and whose invariant check reports the damage.
    @Test func garbageBytesThrowOrStaySafe() throws {
        let seed: UInt64 = 0x6A7
        print("garbageBytesThrowOrStaySafe seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let n = 200
        let data = IndexTestData.uniform(count: n, dimension: 8, seed: seed)
        let source = FlatVectorSource(dimension: 8, vectors: data)
        let good = IndexTestData.build(source, count: n, metric: .cosine).serialized()
        func open(_ bytes: [UInt8], metric: DistanceMetric = .cosine, count: Int = n) -> FrozenHNSW? {
            bytes.withUnsafeBytes { try? FrozenHNSW(graph: $0, source: source, metric: metric, count: count) }
        }
        #expect(open(good) != nil)
        #expect(open(good, metric: .dot) == nil)
        #expect(open(good, count: n - 1) == nil)
        #expect(open([]) == nil)
        #expect(open(Array(good.dropLast(4))) == nil)
        #expect(open(good + [0, 0, 0, 0]) == nil)
        for _ in 0..<200 {
            let random = (0..<Int(rng.next() % 300)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            #expect(open(random) == nil)
        }
        for offset in stride(from: 0, to: 64, by: 4) where offset != 40 && offset != 44 && offset < 48 {
            var bad = good
            bad[offset + 3] ^= 0x80
            #expect(open(bad) == nil, "header field at \(offset)")
        }
        var damagedSeen = 0
        for _ in 0..<50 {
            var bad = good
            for _ in 0..<20 {
                let i = 64 + Int(rng.next() % UInt64(good.count - 64))
                bad[i] = UInt8(truncatingIfNeeded: rng.next())
            }
            guard let frozen = open(bad) else { continue }
            let q = Array(data[0..<8])
            try bad.withUnsafeBytes { raw in
                let f = try FrozenHNSW(graph: raw, source: source, metric: .cosine, count: n)
                let hits = q.withUnsafeBufferPointer { f.search($0.baseAddress!, k: 10, ef: 40, accept: nil) }
                #expect(hits.allSatisfy { Int($0.row) < n })
                if !f.checkInvariants().isEmpty { damagedSeen += 1 }
            }
            _ = frozen
        }
        #expect(damagedSeen > 0)
    }

    /// An empty graph serialises and opens, and searches return nothing.
    @Test func emptyGraphRoundTrips() throws {
        let source = FlatVectorSource(dimension: 4, vectors: [])
        let index = MutableHNSW(source: source, metric: .dot, parameters: HNSWParameters(), expectedCount: 0)
        let bytes = index.serialized()
        try bytes.withUnsafeBytes { raw in
            let frozen = try FrozenHNSW(graph: raw, source: source, metric: .dot, count: 0)
            let q: [Float] = [1, 0, 0, 0]
            #expect(q.withUnsafeBufferPointer { frozen.search($0.baseAddress!, k: 3, ef: 10, accept: nil) } == [])
            #expect(frozen.checkInvariants() == [])
        }
    }
}
