/// Row → (chunk, offset) for storage that grows by doubling without ever moving: chunk 0 holds rows `0..<B`,
/// chunk k ≥ 1 holds rows `B·2^(k-1) ..< B·2^k`. Growing never relocates rows, so concurrent searches keep valid
/// pointers while inserts add chunks; the directory is a fixed array of `maxChunks` pointers.
struct ChunkGeometry {
    let firstShift: Int
    static let maxChunks = 40

    init(expectedCount: Int) {
        var shift = 10
        while (1 << shift) < expectedCount && shift < 30 { shift += 1 }
        firstShift = shift
    }

    @inline(__always)
    func locate(_ row: UInt32) -> (chunk: Int, offset: Int) {
        let r = Int(row)
        if r < (1 << firstShift) { return (0, r) }
        let q = r >> firstShift
        let k = Int.bitWidth - q.leadingZeroBitCount
        return (k, r - (1 << (firstShift + k - 1)))
    }

    func rows(inChunk k: Int) -> Int { k == 0 ? 1 << firstShift : 1 << (firstShift + k - 1) }

    /// Rows covered by chunks `0..<chunks`.
    func capacity(chunks: Int) -> Int { chunks == 0 ? 0 : 1 << (firstShift + chunks - 1) }
}
