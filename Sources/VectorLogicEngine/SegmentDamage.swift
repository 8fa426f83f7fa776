import VectorLogicFormat

/// What is known to be damaged in a segment (data-format.md "Block checksums"): the rows of blocks that fail their
/// checksum — found at open (ids, id order, metadata) and by the vectors check (in the background, or before a
/// compaction reads them). Never persisted: the blocks are checked again at the next open. Damaged rows are never
/// served (readers treat them like tombstones) and a segment holding any is never compacted (its evidence stays for
/// `repair`, which writes the lost ids to `lost/`).
struct SegmentDamage: Sendable {
    /// Rows that cannot be served.
    var rows = Bitset()
    /// One line per damaged block or section, for logs and `/v1/stats`.
    var notes: [String] = []
    /// Whether the vectors section has been checked since open.
    var vectorsChecked = false
    /// A version-1 segment (one CRC per section) whose vectors fail it: every row is suspect.
    var wholeVectors: EngineError?

    /// Whether anything is known to be damaged.
    var isDamaged: Bool { !rows.isEmpty || wholeVectors != nil }
}

/// Which rows a damaged block takes with it (pure functions over the section layouts of "Segment sections").
enum BlockDamage {
    /// Rows of the vectors section (`stride` bytes each) overlapping the damaged blocks.
    static func vectorRows(_ damaged: [Int], blocks: SectionBlocks, length: Int, stride: Int, rows: Int) -> Bitset {
        var out = Bitset()
        guard stride > 0, rows > 0 else { return out }
        for block in damaged {
            let range = blocks.range(block, length: length)
            guard !range.isEmpty else { continue }
            for row in (range.lowerBound / stride)...min((range.upperBound - 1) / stride, rows - 1) { out.insert(UInt32(row)) }
        }
        return out
    }

    /// Rows of an offset-table section (ids: `width` 4, metadata: 8) that cannot be read: an offset of theirs lies in a
    /// damaged block or is out of order or range, or their bytes overlap a damaged block. O(rows); replaces the
    /// all-or-nothing `EngineSegmentTables.checkOffsets` for block-checked segments.
    static func tableRows(_ section: UnsafeRawBufferPointer, rows: Int, width: Int, damaged: Set<Int>, blockSize: Int) -> Bitset {
        var out = Bitset()
        let table = (rows + 1) * width
        guard section.count >= table else {
            for row in 0..<rows { out.insert(UInt32(row)) }
            return out
        }
        let area = UInt64(section.count - table)
        func entry(_ index: Int) -> UInt64 {
            width == 4 ? UInt64(UInt32(littleEndian: section.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self)))
                : UInt64(littleEndian: section.loadUnaligned(fromByteOffset: index * 8, as: UInt64.self))
        }
        func touches(_ from: Int, _ to: Int) -> Bool {  // bytes [from, to) touch a damaged block
            guard !damaged.isEmpty, to > from else { return false }
            return (from / blockSize...(to - 1) / blockSize).contains { damaged.contains($0) }
        }
        for row in 0..<rows {
            let start = entry(row), end = entry(row + 1)
            if touches(row * width, (row + 2) * width) || start > end || end > area
                || touches(table + Int(start), table + Int(end)) {
                out.insert(UInt32(row))
            }
        }
        return out
    }
}
