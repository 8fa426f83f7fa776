import CVectorLogicKernels

/// Raw-pointer view of a `MutableHNSW` for the shared search code. Links are read with acquire loads because
/// inserts rewrite them concurrently (writers hold the node's spin lock and publish with release stores; a reader
/// may see an older or newer list, every id in it is an inserted row).
struct MutableGraphReader<Vectors: RowVectors>: GraphReader {
    let vectors: Vectors
    let dimension: Int
    let kind: MetricKind
    let rowBound: Int
    let storage: MutableGraphStorage

    @inline(__always)
    func inverseNorm(_ row: UInt32) -> Float { storage.inverseNorm(row).pointee }

    @inline(__always)
    func prefetchLinks(_ row: UInt32) {
        vl_prefetch(storage.lockWord(row), storage.stride0 * 4)
    }

    @inline(__always)
    func neighbors(of row: UInt32, level: Int, into out: UnsafeMutablePointer<UInt32>) -> Int {
        let list: UnsafeMutablePointer<UInt32>
        let maxDegree: Int
        if level == 0 {
            list = storage.level0List(row)
            maxDegree = storage.m0
        } else {
            guard let upper = storage.upperList(row, level: level) else { return 0 }
            list = upper
            maxDegree = storage.m
        }
        let n = min(Int(vl_load_acquire_u32(list)), maxDegree)
        for i in 0..<n { out[i] = vl_load_acquire_u32(list + 1 + i) }
        return n
    }
}

/// The flat arrays behind a `MutableHNSW`, addressed through `ChunkGeometry` directories.
/// Level-0 record per row: `[lock u32][count u32][m0 × u32]`; upper layers: one allocation per row with
/// `level × [count u32][m × u32]`; plus the row's level (u8), inverse norm (f32) and level-0 in-link count (u32).
struct MutableGraphStorage: @unchecked Sendable {
    let geometry: ChunkGeometry
    let m: Int
    let m0: Int
    let stride0: Int
    let strideUpper: Int
    let links: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
    let levels: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
    let uppers: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>?>
    let norms: UnsafeMutablePointer<UnsafeMutablePointer<Float>?>
    /// Per row: how many level-0 lists hold it. A row at 0 that is not the entry point cannot be reached on level 0;
    /// a look at these counters after a batch of inserts finds such rows without walking the graph (`MutableHNSW.linkOrphans`).
    let inLinks: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>

    init(m: Int, expectedCount: Int) {
        geometry = ChunkGeometry(expectedCount: expectedCount)
        self.m = m
        m0 = 2 * m
        stride0 = 2 + m0
        strideUpper = 1 + m
        links = .allocate(capacity: ChunkGeometry.maxChunks)
        links.initialize(repeating: nil, count: ChunkGeometry.maxChunks)
        levels = .allocate(capacity: ChunkGeometry.maxChunks)
        levels.initialize(repeating: nil, count: ChunkGeometry.maxChunks)
        uppers = .allocate(capacity: ChunkGeometry.maxChunks)
        uppers.initialize(repeating: nil, count: ChunkGeometry.maxChunks)
        norms = .allocate(capacity: ChunkGeometry.maxChunks)
        norms.initialize(repeating: nil, count: ChunkGeometry.maxChunks)
        inLinks = .allocate(capacity: ChunkGeometry.maxChunks)
        inLinks.initialize(repeating: nil, count: ChunkGeometry.maxChunks)
    }

    /// Allocates chunk `k` (zero-filled). Caller holds the growth lock.
    func allocateChunk(_ k: Int) {
        let rows = geometry.rows(inChunk: k)
        let l = UnsafeMutablePointer<UInt32>.allocate(capacity: rows * stride0)
        l.initialize(repeating: 0, count: rows * stride0)
        let lv = UnsafeMutablePointer<UInt8>.allocate(capacity: rows)
        lv.initialize(repeating: 0, count: rows)
        let up = UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>.allocate(capacity: rows)
        up.initialize(repeating: nil, count: rows)
        let nm = UnsafeMutablePointer<Float>.allocate(capacity: rows)
        nm.initialize(repeating: 0, count: rows)
        let il = UnsafeMutablePointer<UInt32>.allocate(capacity: rows)
        il.initialize(repeating: 0, count: rows)
        inLinks[k] = il
        links[k] = l
        levels[k] = lv
        uppers[k] = up
        norms[k] = nm
    }

    /// Frees everything. Only from deinit.
    func deallocate(chunks: Int) {
        for k in 0..<chunks {
            let rows = geometry.rows(inChunk: k)
            if let up = uppers[k] {
                for i in 0..<rows { up[i]?.deallocate() }
                up.deallocate()
            }
            links[k]?.deallocate()
            levels[k]?.deallocate()
            norms[k]?.deallocate()
            inLinks[k]?.deallocate()
        }
        links.deallocate()
        levels.deallocate()
        uppers.deallocate()
        norms.deallocate()
        inLinks.deallocate()
    }

    @inline(__always)
    func lockWord(_ row: UInt32) -> UnsafeMutablePointer<UInt32> {
        let (k, o) = geometry.locate(row)
        return links[k].unsafelyUnwrapped + o &* stride0
    }

    /// Pointer to the count word of the row's level-0 list (ids follow).
    @inline(__always)
    func level0List(_ row: UInt32) -> UnsafeMutablePointer<UInt32> { lockWord(row) + 1 }

    @inline(__always)
    func level(_ row: UInt32) -> Int {
        let (k, o) = geometry.locate(row)
        return Int(levels[k].unsafelyUnwrapped[o])
    }

    @inline(__always)
    func inverseNorm(_ row: UInt32) -> UnsafeMutablePointer<Float> {
        let (k, o) = geometry.locate(row)
        return norms[k].unsafelyUnwrapped + o
    }

    /// The row's level-0 in-link counter (atomic: lists of different rows change under different locks).
    @inline(__always)
    func inLinkCount(_ row: UInt32) -> UnsafeMutablePointer<UInt32> {
        let (k, o) = geometry.locate(row)
        return inLinks[k].unsafelyUnwrapped + o
    }

    /// Counts a level-0 link to `row` that a list gained.
    @inline(__always)
    func linkAdded(to row: UInt32) { _ = vl_fetch_add_u32(inLinkCount(row), 1) }

    /// Counts a level-0 link to `row` that a list lost.
    @inline(__always)
    func linkRemoved(to row: UInt32) {
        let old = vl_fetch_sub_u32(inLinkCount(row), 1)
        assert(old > 0, "in-link count of row \(row) below zero")
    }

    @inline(__always)
    func upperSlot(_ row: UInt32) -> UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?> {
        let (k, o) = geometry.locate(row)
        return uppers[k].unsafelyUnwrapped + o
    }

    /// Pointer to the count word of the row's list at `level ≥ 1`, or nil when the row does not reach that level.
    @inline(__always)
    func upperList(_ row: UInt32, level: Int) -> UnsafeMutablePointer<UInt32>? {
        let (k, o) = geometry.locate(row)
        guard Int(levels[k].unsafelyUnwrapped[o]) >= level, let base = uppers[k].unsafelyUnwrapped[o] else { return nil }
        return base + (level - 1) * strideUpper
    }

    /// The list of `row` at `level` (level 0 or upper), and its maximum degree.
    @inline(__always)
    func list(_ row: UInt32, level: Int) -> (UnsafeMutablePointer<UInt32>, Int)? {
        if level == 0 { return (level0List(row), m0) }
        guard let p = upperList(row, level: level) else { return nil }
        return (p, m)
    }
}
