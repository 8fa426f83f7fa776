import Testing
import VectorLogicDistance
@testable import VectorLogicIndex

/// Issue 8, section 3: the neighbour-selection heuristic can drop a row's only level-0 in-link even on one thread,
/// so no search finds that row. `connectUnreachable()` (run by `serialized()`) links such rows back in.
@Suite struct HNSWConnectTests {
    /// Single-threaded builds with a small m (8, ef_construction 40) over 3,000 clustered rows leave some rows
    /// unreachable (6 rows in 4 of these 6 builds); after the pass none are, every row finds itself at k = 1, and
    /// the serialized graph passes its invariants (reachability included).
    @Test func smallMBuildsLoseRowsAndThePassReconnectsThem() throws {
        let n = 3_000, dimension = 32
        var before = 0, lossyBuilds = 0
        for build in 0..<6 {
            let seed = 0xC0_0000 + UInt64(build)
            let data = IndexTestData.clustered(count: n, dimension: dimension, clusters: 40, seed: seed)
            let source = FlatVectorSource(dimension: dimension, vectors: data)
            let index = IndexTestData.build(source, count: n, metric: .euclidean,
                                            parameters: HNSWParameters(m: 8, efConstruction: 40, seed: seed))
            let reach = index.reachability()
            print("connect: build \(build): \(reach.unreachable) unreachable before the pass")
            if reach.unreachable > 0 { lossyBuilds += 1 }
            before += reach.unreachable
            let report = index.connectUnreachable()
            #expect(report.unreachableBefore == reach.unreachable, "build \(build)")
            #expect(report.unreachableAfter == 0, "build \(build)")
            #expect(index.reachability() == GraphReachability(unreachable: 0, examples: []), "build \(build)")
            #expect(index.connectUnreachable() == ConnectReport(unreachableBefore: 0, linksChanged: 0, unreachableAfter: 0))
            var missing = 0
            for row in 0..<n {
                let q = Array(data[(row * dimension)..<((row + 1) * dimension)])
                var found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 1, ef: 40, accept: nil) }
                if found.first?.row != UInt32(row) {
                    found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 1, ef: n, accept: nil) }
                }
                if found.first?.row != UInt32(row) { missing += 1 }
            }
            #expect(missing == 0, "build \(build)")
            let bytes = index.serialized()
            try bytes.withUnsafeBytes { raw in
                let frozen = try FrozenHNSW(graph: raw, source: source, metric: .euclidean, count: n)
                #expect(frozen.checkInvariants() == [], "build \(build)")
                #expect(frozen.reachability().unreachable == 0, "build \(build)")
            }
        }
        print("connect: 6 builds × \(n) rows, m 8, ef_construction 40, one thread: \(before) unreachable rows "
              + "before the pass in \(lossyBuilds) builds, 0 after")
        #expect(lossyBuilds > 0, "no build lost a row: the test no longer exercises the pass")
    }

    /// The pass is deterministic: two builds of the same rows and seed (one with unreachable rows) give the same bytes.
    @Test func reconnectedGraphsAreDeterministic() throws {
        let n = 3_000, dimension = 32
        var checked = false
        for build in 0..<6 where !checked {
            let seed = 0xC0_0000 + UInt64(build)
            let data = IndexTestData.clustered(count: n, dimension: dimension, clusters: 40, seed: seed)
            let source = FlatVectorSource(dimension: dimension, vectors: data)
            let parameters = HNSWParameters(m: 8, efConstruction: 40, seed: seed)
            let a = IndexTestData.build(source, count: n, metric: .euclidean, parameters: parameters)
            guard a.reachability().unreachable > 0 else { continue }
            let b = IndexTestData.build(source, count: n, metric: .euclidean, parameters: parameters)
            #expect(a.serialized() == b.serialized())
            checked = true
        }
        #expect(checked, "no build lost a row")
    }

    /// A healthy graph is left alone: the pass reports nothing and changes no byte.
    @Test func healthyGraphIsUnchanged() {
        let n = 500
        let data = IndexTestData.uniform(count: n, dimension: 12, seed: 0x5A)
        let source = FlatVectorSource(dimension: 12, vectors: data)
        let index = IndexTestData.build(source, count: n, metric: .cosine)
        #expect(index.reachability().unreachable == 0)
        let bytes = index.serialized()
        #expect(index.connectUnreachable() == ConnectReport(unreachableBefore: 0, linksChanged: 0, unreachableAfter: 0))
        #expect(index.serialized() == bytes)
    }

    /// Handcrafted: every level-0 in-link of one row (small graph: exact scan) or of a small group of rows (a larger
    /// graph: search) is removed; the pass links them back, and each row finds itself again.
    @Test(arguments: [300, 2_000])
    func cutOffRowsAreReconnected(n: Int) throws {
        let dimension = 8
        let data = IndexTestData.uniform(count: n, dimension: dimension, seed: 0x4EAC)
        let source = FlatVectorSource(dimension: dimension, vectors: data)
        let index = IndexTestData.build(source, count: n, metric: .euclidean)
        #expect(index.reachability().unreachable == 0)
        let entry = try #require(index.top.withLock { $0 }).row
        let cut = Set((0..<UInt32(n)).filter { $0 != entry && index.storage.level($0) == 0 }.prefix(n == 300 ? 1 : 5))
        index.removeLevel0Links(to: cut)
        let reach = index.reachability()
        #expect(reach.unreachable >= cut.count && cut.allSatisfy(reach.examples.contains))
        let report = index.connectUnreachable()
        #expect(report.unreachableBefore == reach.unreachable && report.unreachableAfter == 0)
        #expect(report.linksChanged >= reach.unreachable)
        #expect(index.reachability().unreachable == 0)
        for row in cut {
            let q = Array(data[(Int(row) * dimension)..<((Int(row) + 1) * dimension)])
            let found = q.withUnsafeBufferPointer { index.search($0.baseAddress!, k: 1, ef: n, accept: nil) }
            #expect(found.first?.row == row)
        }
        try index.serialized().withUnsafeBytes { raw in
            let frozen = try FrozenHNSW(graph: raw, source: source, metric: .euclidean, count: n)
            #expect(frozen.checkInvariants() == [])
        }
    }

    /// A full graph (every list at 2m): the pass must redirect a link, and only one whose target keeps another
    /// in-link, so it still reaches every row.
    @Test func fullListsGetALinkRedirected() throws {
        let n = 200, dimension = 4
        let data = IndexTestData.uniform(count: n, dimension: dimension, seed: 0xF011)
        let source = FlatVectorSource(dimension: dimension, vectors: data)
        let index = IndexTestData.build(source, count: n, metric: .euclidean,
                                        parameters: HNSWParameters(m: 2, efConstruction: 8))
        let entry = try #require(index.top.withLock { $0 }).row
        let cut = try #require((0..<UInt32(n)).first { $0 != entry })
        index.removeLevel0Links(to: [cut])
        index.fillLevel0Lists(except: cut)
        let reach = index.reachability()
        #expect(reach.unreachable >= 1 && reach.examples.contains(cut))
        let report = index.connectUnreachable()
        #expect(report.unreachableAfter == 0 && report.linksChanged >= 1)
        #expect(index.reachability().unreachable == 0)
    }
}

extension MutableHNSW {
    /// Test hook: removes every level-0 link to the rows of `cut`.
    func removeLevel0Links(to cut: Set<UInt32>) {
        for r in 0..<UInt32(count) {
            let list = storage.level0List(r)
            let ids = (0..<Int(list.pointee)).map { list[1 + $0] }.filter { !cut.contains($0) }
            for (i, id) in ids.enumerated() { list[1 + i] = id }
            list.pointee = UInt32(ids.count)
        }
        recountInLinks()
    }

    /// Test hook: tops every level-0 list up to 2m links with rows other than `except` (and the row itself).
    func fillLevel0Lists(except: UInt32) {
        let n = UInt32(count)
        for r in 0..<n {
            let list = storage.level0List(r)
            var ids = (0..<Int(list.pointee)).map { list[1 + $0] }
            var next = (r + 1) % n
            while ids.count < storage.m0 {
                if next != r && next != except && !ids.contains(next) { ids.append(next) }
                next = (next + 1) % n
            }
            for (i, id) in ids.enumerated() { list[1 + i] = id }
            list.pointee = UInt32(ids.count)
        }
        recountInLinks()
    }
}
