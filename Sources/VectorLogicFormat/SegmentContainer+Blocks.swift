// Per-block checksums of segment sections (container version 2; data-format.md "Block checksums"): a section may be
// covered block by block instead of by one CRC, so damage costs the rows of one small block, not the section.

extension SegmentContainer {
    /// The container's own section kind holding the block checksums (version 2). Engine and index kinds are small
    /// numbers; the container reserves the top of the range.
    public static let blockChecksumsKind: UInt32 = 0xFFFF_0001
    /// Smallest and largest block size: a disk sector and 1 MiB (bounds what a damaged count makes a reader compute).
    public static let blockSizeRange = 512...(1 << 20)
}

/// The block checksums of one section: block `i` covers section bytes `[i × blockSize, min((i + 1) × blockSize, length))`.
public struct SectionBlocks: @unchecked Sendable {
    /// Bytes per block (a power of two).
    public let blockSize: Int
    /// Blocks: ⌈section length / block size⌉.
    public let count: Int
    /// The masked CRCs, `count` little-endian u32 (borrowed from the file image).
    let crcs: UnsafeRawBufferPointer

    /// The unmasked CRC32C block `index` must have.
    public func crc(_ index: Int) -> UInt32 { CRC32C.unmask(crcs.le32(at: index * 4)) }

    /// The section-relative byte range of block `index` in a section of `length` bytes.
    public func range(_ index: Int, length: Int) -> Range<Int> {
        (index * blockSize)..<min((index + 1) * blockSize, length)
    }
}

extension SegmentLayout {
    /// The block checksums of the section of `kind`, or nil when it is covered by one CRC in the table.
    public func blocks(_ kind: UInt32) -> SectionBlocks? { blockTable[kind] }

    /// The block checksums of the section of `kind`, or nil when it is covered by one CRC in the table.
    public func blocks(_ kind: SegmentSectionKind) -> SectionBlocks? { blockTable[kind.rawValue] }

    /// Whether block `index` of the section of `kind` matches its checksum (false for an unknown section or block).
    public func blockIsIntact(_ kind: UInt32, _ index: Int) -> Bool {
        guard let blocks = blockTable[kind], let bytes = section(kind), index >= 0, index < blocks.count else { return false }
        let range = blocks.range(index, length: bytes.count)
        return CRC32C.checksum(bytes.sub(range.lowerBound, range.count)) == blocks.crc(index)
    }

    /// The blocks of the section of `kind` that fail their checksum, in order (O(section size)).
    public func damagedBlocks(_ kind: UInt32) -> [Int] {
        guard let blocks = blockTable[kind] else { return [] }
        return (0..<blocks.count).filter { !blockIsIntact(kind, $0) }
    }
}

/// Builds and parses the block-checksum section.
enum BlockChecksums {
    /// Parses the section (already checked against its table CRC) against the table: every covered kind is a listed
    /// section other than this one, at most once, with a valid block size, the block count its length implies, and a
    /// table CRC of 0 (version 2 stores no whole-section CRC for a covered section). Offsets are file offsets.
    static func decode(_ bytes: UnsafeRawBufferPointer, at base: Int, sections: [SegmentSection]) throws(FormatError) -> [UInt32: SectionBlocks] {
        var reader = ByteReader(bytes)
        let count = Int(try reader.u32())
        guard count <= sections.count, count * 12 <= reader.remaining else {
            throw FormatError(offset: base, reason: "block checksums list \(count) sections")
        }
        var entries: [(kind: UInt32, size: Int, blocks: Int, at: Int)] = []
        for _ in 0..<count {
            let at = base + reader.offset
            entries.append((try reader.u32(), Int(try reader.u32()), Int(try reader.u32()), at))
        }
        var table: [UInt32: SectionBlocks] = [:]
        for entry in entries {
            guard entry.kind != SegmentContainer.blockChecksumsKind, table[entry.kind] == nil,
                  let section = sections.first(where: { $0.kind == entry.kind }) else {
                throw FormatError(offset: entry.at, reason: "block checksums name section kind \(entry.kind), which is absent or listed twice")
            }
            guard SegmentContainer.blockSizeRange.contains(entry.size), entry.size & (entry.size - 1) == 0,
                  entry.blocks == (section.length + entry.size - 1) / entry.size else {
                throw FormatError(offset: entry.at + 4, reason: "block size \(entry.size) × \(entry.blocks) blocks does not fit section kind \(entry.kind)")
            }
            guard section.crc == 0 else {
                throw FormatError(offset: entry.at, reason: "section kind \(entry.kind) has block checksums and a whole-section CRC")
            }
            table[entry.kind] = SectionBlocks(blockSize: entry.size, count: entry.blocks, crcs: try reader.slice(count: entry.blocks * 4))
        }
        guard reader.isAtEnd else { throw FormatError(offset: base + reader.offset, reason: "\(reader.remaining) bytes after the block checksums") }
        return table
    }
}
