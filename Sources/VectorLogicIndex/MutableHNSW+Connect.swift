import VectorLogicSync
import CVectorLogicKernels
import Synchronization

/// What `MutableHNSW.connectUnreachable()` found and did.
public struct ConnectReport: Sendable, Hashable {
    /// Rows with no level-0 path from the entry point before the pass.
    public var unreachableBefore: Int
    /// Level-0 links the pass added or redirected.
    public var linksChanged: Int
    /// Rows still unreachable after the pass: 0 (anything else is a bug; debug builds assert).
    public var unreachableAfter: Int

    /// A report.
    public init(unreachableBefore: Int, linksChanged: Int, unreachableAfter: Int) {
        self.unreachableBefore = unreachableBefore
        self.linksChanged = linksChanged
        self.unreachableAfter = unreachableAfter
    }
}

extension MutableHNSW {
    /// Links every row that has no level-0 path from the entry point back into the graph, so that every stored row
    /// can be found (issue 8, section 3; Lucene's `connectComponents` does the same since 9.x).
    ///
    /// The neighbour-selection heuristic may drop a row's only in-link when it prunes a full list, even on one thread
    /// with a small m; no search can return such a row. For each row no walk from the entry point reaches, in row order:
    /// find its nearest reached rows (an exact scan when the graph is small, else a level-0 search with ef =
    /// efConstruction from the entry point, which only walks reached rows), add it to the level-0 list of the nearest
    /// of them that has a free slot — or, when all are full, replace the farthest link of the nearest candidate whose
    /// target keeps another in-link from a reached row — add the reverse link when its own list has room, then mark it
    /// and every row it reaches as reached, so a whole unreachable component is joined by one link.
    ///
    /// Changes nothing when every row is reachable (then `serialized()` bytes are as before). Deterministic. Call when
    /// no insert is running and rows `0..<count` are all inserted (as for `serialized()`, which calls it); concurrent
    /// searches are fine. Cost: one BFS over level 0 (O(rows + links)), plus one small search per unreachable row.
    @discardableResult
    public func connectUnreachable() -> ConnectReport {
        let n = count
        precondition(n <= capacity.load(ordering: .acquiring), "connectUnreachable() needs rows 0..<count inserted")
        guard n > 1, let entry = top.withLock({ $0 }) else {
            return ConnectReport(unreachableBefore: 0, linksChanged: 0, unreachableAfter: 0)
        }
        let bound = capacity.load(ordering: .acquiring)
        if let rows = contiguous {
            let reader = MutableGraphReader(vectors: ContiguousVectors(base: rows.base, stride: rows.stride),
                                            dimension: dimension, kind: kind.buildKind, rowBound: bound, storage: storage)
            return connectUnreachable(count: n, entry: entry, reader: reader)
        }
        let reader = MutableGraphReader(vectors: SourceVectors(source: source),
                                        dimension: dimension, kind: kind.buildKind, rowBound: bound, storage: storage)
        return connectUnreachable(count: n, entry: entry, reader: reader)
    }

    /// Runs `connectUnreachable()` when some row other than the entry point is in no level-0 list — one look at each
    /// row's in-link counter, so it is cheap enough to call after every batch of inserts (the graph walk of the full
    /// pass is not: 50 ms at 100,000 rows of 384 dims, against ~200 ms for a batch of 256 inserts on one thread).
    /// Returns the pass's report, or nil when no row was orphaned.
    ///
    /// Why: the neighbour-selection heuristic can drop a row's only in-link while pruning a full list, on one thread
    /// or several (100,000 MiniLM rows, m 16, ef_construction 200, 2 threads: 4 rows orphaned), and a memtable's live
    /// graph is searched as it is built, so such a row was missed by every search until its memtable was flushed.
    /// A row with in-links that still cannot be reached (a cut-off group linking only among itself) is left to the
    /// full pass that `serialized()` runs. Same contract as `connectUnreachable()`: no insert running.
    @discardableResult
    public func linkOrphans() -> ConnectReport? {
        let n = count
        precondition(n <= capacity.load(ordering: .acquiring), "linkOrphans() needs rows 0..<count inserted")
        guard n > 1, let entry = top.withLock({ $0 }) else { return nil }
        guard firstOrphan(below: n, entry: entry.row) != nil else { return nil }
        return connectUnreachable()
    }

    /// The first row below `n`, other than `entry`, with no level-0 in-link; scans the counters a chunk at a time.
    func firstOrphan(below n: Int, entry: UInt32) -> UInt32? {
        var row = 0
        var k = 0
        while row < n {
            let rows = min(storage.geometry.rows(inChunk: k), n - row)
            guard let counters = storage.inLinks[k] else { break }
            for o in 0..<rows where vl_load_acquire_u32(counters + o) == 0 && UInt32(row + o) != entry {
                return UInt32(row + o)
            }
            row += rows
            k += 1
        }
        return nil
    }

    /// Level-0 in-links of every row below `count`, counted from the lists (what the counters must say when no insert
    /// is running); for tests and checks.
    func countedInLinks() -> [UInt32] {
        let n = count
        var out = [UInt32](repeating: 0, count: n)
        for r in 0..<UInt32(n) {
            let list = storage.level0List(r)
            for i in 0..<min(Int(vl_load_acquire_u32(list)), storage.m0) {
                let target = Int(vl_load_acquire_u32(list + 1 + i))
                if target < n { out[target] += 1 }
            }
        }
        return out
    }

    /// The in-link counters of rows below `count`.
    func inLinkCounters() -> [UInt32] {
        (0..<UInt32(count)).map { vl_load_acquire_u32(storage.inLinkCount($0)) }
    }

    /// Sets the counters from the lists: for test hooks that rewrite lists directly.
    func recountInLinks() {
        for (row, links) in countedInLinks().enumerated() { vl_store_release_u32(storage.inLinkCount(UInt32(row)), links) }
    }

    /// Graphs up to this many rows find a lost row's nearest reached rows by an exact scan.
    static let connectExactScanRows = 1_024

    /// Rounds of the pass: a redirected link can, very rarely, cut off the row it pointed to (its other in-link came
    /// from a row only it led to); the next round reconnects that row.
    static let connectRounds = 4

    private func connectUnreachable<R: GraphReader>(count n: Int, entry: EntryPoint, reader: R) -> ConnectReport {
        var before = -1
        var changed = 0
        for _ in 0..<Self.connectRounds {
            var reached = RowBitset(count: n)
            let total = reader.level0Walk(from: entry.row, marking: &reached, maxDegree: storage.m0)
            if before < 0 { before = n - total }
            if total == n { return ConnectReport(unreachableBefore: before, linksChanged: changed, unreachableAfter: 0) }
            changed += connectRound(count: n, entry: entry, reached: &reached, reader: reader)
        }
        let after = reader.level0Reachability(from: entry.row, count: n, maxDegree: storage.m0).unreachable
        assert(after == 0, "connectUnreachable left \(after) rows unreachable")
        return ConnectReport(unreachableBefore: before, linksChanged: changed, unreachableAfter: after)
    }

    /// One pass over the rows `reached` lacks (the rows reachable from the entry point); returns links changed.
    private func connectRound<R: GraphReader>(count n: Int, entry: EntryPoint, reached: inout RowBitset,
                                              reader: R) -> Int {
        let m0 = storage.m0
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: m0)
        defer { buffer.deallocate() }
        // Level-0 in-links from reached rows, kept up to date as rows become reached: a link is only redirected when
        // its target keeps another one.
        var inLinks = [UInt32](repeating: 0, count: n)
        func countLinks(of row: UInt32) {
            let k = min(reader.neighbors(of: row, level: 0, into: buffer), m0)
            for i in 0..<k where Int(buffer[i]) < n { inLinks[Int(buffer[i])] &+= 1 }
        }
        for row in 0..<UInt32(n) where reached.contains(row) { countLinks(of: row) }
        var changed = 0
        pool.withScratch(rows: reader.rowBound) { scratch in
            for u in 0..<UInt32(n) where !reached.contains(u) {
                let candidates = nearestReached(u, count: n, entry: entry, reached: reached, reader: reader,
                                                scratch: scratch)
                guard let (target, replaced) = attach(u, to: candidates, inLinks: inLinks, reader: reader) else { continue }
                changed += 1
                inLinks[Int(u)] &+= 1
                if let replaced { inLinks[Int(replaced)] &-= 1 }
                // The reverse link, when the row's own list has room (it usually has out-links already).
                if appendLink(target, to: u) { changed += 1 }
                // u and its whole component are reached now; count their links as coming from reached rows.
                reader.level0Walk(from: u, marking: &reached, maxDegree: m0) { countLinks(of: $0) }
            }
        }
        return changed
    }

    /// Reached rows nearest to `u`, nearest first (at most efConstruction).
    private func nearestReached<R: GraphReader>(_ u: UInt32, count n: Int, entry: EntryPoint, reached: RowBitset,
                                                reader: R, scratch: SearchScratch) -> [Candidate] {
        let ef = parameters.efConstruction
        var out: [Candidate] = []
        if n <= Self.connectExactScanRows {
            for row in 0..<UInt32(n) where reached.contains(row) {
                out.append(Candidate(distance: reader.distance(row: u, row: row), row: row))
            }
            out.sort { $0.distance < $1.distance || ($0.distance == $1.distance && $0.row < $1.row) }
            if out.count > ef { out.removeLast(out.count - ef) }
            return out
        }
        reader.kind.prepare(source.vector(u), dimension: dimension, into: scratch.query)
        let query = UnsafePointer(scratch.query)
        var start = reader.greedyDescend(query, entry: entry.row, fromLevel: entry.level, toLevel: 0, scratch: scratch)
        if !reached.contains(start.row) { start = Candidate(distance: reader.distance(query, entry.row), row: entry.row) }
        // Reached rows only link to reached rows, so this walk never leaves them.
        reader.searchLayer(query, entry: start, ef: ef, level: 0, accept: nil, scratch: scratch)
        scratch.results.drainSorted(into: &scratch.sorted)
        out.append(contentsOf: scratch.sorted.lazy.filter { $0.row != u && reached.contains($0.row) })
        return out
    }

    /// Puts `u` in the level-0 list of one of `candidates`: the nearest with a free slot; else the nearest whose
    /// farthest link to a row with another in-link can be redirected to `u`; else (never seen) the nearest
    /// candidate's farthest link, whose row a later round reconnects. Returns the row linked from and the row whose
    /// in-link was taken, or nil when there is no candidate.
    private func attach<R: GraphReader>(_ u: UInt32, to candidates: [Candidate], inLinks: [UInt32],
                                        reader: R) -> (target: UInt32, replaced: UInt32?)? {
        guard let nearest = candidates.first else { return nil }
        for c in candidates where appendLink(u, to: c.row) { return (c.row, nil) }
        for c in candidates {
            if let replaced = replaceFarthestLink(of: c.row, with: u, reader: reader, where: { inLinks[Int($0)] >= 2 }) {
                return (c.row, replaced)
            }
        }
        guard let replaced = replaceFarthestLink(of: nearest.row, with: u, reader: reader, where: { _ in true }) else {
            return nil
        }
        return (nearest.row, replaced)
    }

    /// Appends `row` to the level-0 list of `owner` if it has room and lacks it; returns whether it did.
    private func appendLink(_ row: UInt32, to owner: UInt32) -> Bool {
        guard row != owner else { return false }
        let list = storage.level0List(owner)
        let lock = storage.lockWord(owner)
        vl_spin_lock(lock)
        defer { vl_spin_unlock(lock) }
        let k = min(Int(vl_load_acquire_u32(list)), storage.m0)
        guard k < storage.m0 else { return false }
        for i in 0..<k where vl_load_acquire_u32(list + 1 + i) == row { return false }
        vl_store_release_u32(list + 1 + k, row)
        vl_store_release_u32(list, UInt32(k + 1))
        storage.linkAdded(to: row)
        return true
    }

    /// Replaces the farthest link of `owner` that satisfies `allowed` with `row`; returns the replaced row.
    private func replaceFarthestLink<R: GraphReader>(of owner: UInt32, with row: UInt32, reader: R,
                                                     where allowed: (UInt32) -> Bool) -> UInt32? {
        let list = storage.level0List(owner)
        let lock = storage.lockWord(owner)
        vl_spin_lock(lock)
        defer { vl_spin_unlock(lock) }
        let k = min(Int(vl_load_acquire_u32(list)), storage.m0)
        var farthest: (slot: Int, distance: Float)?
        for i in 0..<k {
            let other = vl_load_acquire_u32(list + 1 + i)
            if other == row { return nil }
            guard allowed(other) else { continue }
            let d = reader.distance(row: owner, row: other)
            if farthest == nil || d > farthest!.distance { farthest = (i, d) }
        }
        guard let farthest else { return nil }
        let replaced = vl_load_acquire_u32(list + 1 + farthest.slot)
        vl_store_release_u32(list + 1 + farthest.slot, row)
        storage.linkAdded(to: row)
        storage.linkRemoved(to: replaced)
        return replaced
    }
}
