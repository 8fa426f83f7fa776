/// A section kind in a segment file. The engine and the index define the constants (data-format.md, "Segment sections");
/// the container only requires kinds to be unique within a file.
public struct SegmentSectionKind: RawRepresentable, Sendable, Hashable {
    /// The kind as stored in the section table.
    public var rawValue: UInt32
    /// Wraps a stored kind.
    public init(rawValue: UInt32) { self.rawValue = rawValue }
}

/// One entry of a segment's section table.
public struct SegmentSection: Sendable, Hashable {
    /// The section's kind.
    public var kind: UInt32
    /// Byte offset of the section in the file (a multiple of `SegmentContainer.alignment`).
    public var offset: Int
    /// Length of the section in bytes (padding excluded).
    public var length: Int
    /// CRC32C of the section's bytes (unmasked in memory, masked on disk).
    public var crc: UInt32

    /// Creates a table entry.
    public init(kind: UInt32, offset: Int, length: Int, crc: UInt32) {
        self.kind = kind
        self.offset = offset
        self.length = length
        self.crc = crc
    }
}

/// The segment file container (data-format.md, "Segment file container"):
/// header (64 bytes) | sections, each starting 64-byte aligned, zero-padded | section table (64-byte aligned,
/// 24 bytes per entry) | footer (32 bytes, at the very end).
public enum SegmentContainer {
    /// "VLSEG\r\n\u{1A}" (see `LogFraming.magic` for the CR LF SUB rationale).
    public static let magic: [UInt8] = [0x56, 0x4C, 0x53, 0x45, 0x47, 0x0D, 0x0A, 0x1A]
    /// "VLSEGEND": the footer magic, so a reader that starts from the tail recognises the file too.
    public static let footerMagic: [UInt8] = Array("VLSEGEND".utf8)
    /// The format version this build writes: 2 adds per-block checksums (`blockChecksumsKind`).
    public static let version: UInt32 = 2
    /// The versions this build reads: 1 (one CRC per section) and 2.
    public static let readableVersions: ClosedRange<UInt32> = 1...2
    /// Section alignment: a cache line, and a multiple of the 4-byte float and 8-byte integer widths, so mmapped
    /// vectors and arrays can be read in place with aligned SIMD loads.
    public static let alignment = 64
    /// Header size: magic 8, version 4, flags 4, masked header crc 4, then zeros up to the first aligned section.
    public static let headerSize = 64
    /// Section table entry size: kind u32, offset u64, length u64, masked crc u32.
    public static let tableEntrySize = 24
    /// Footer size: table offset u64, section count u32, masked table crc u32, version u32, masked footer crc u32, magic 8.
    public static let footerSize = 32
    /// The most sections a file may declare: bounds the table a reader parses from an untrusted count.
    public static let maxSections = 1024

    /// Builds a whole segment image in memory. Kinds must be unique (a programmer error otherwise). A section whose
    /// kind is in `blockSizes` is checksummed per block of that many bytes instead of as a whole.
    public static func build(sections: [(kind: UInt32, bytes: [UInt8])], blockSizes: [UInt32: Int] = [:]) -> [UInt8] {
        var writer = SegmentWriter()
        var out = SegmentWriter.headerBytes()
        for section in sections {
            let offset = section.bytes.withUnsafeBytes { bytes in
                if let size = blockSizes[section.kind] { return writer.addSection(kind: section.kind, bytes: bytes, blockSize: size) }
                return writer.addSection(kind: section.kind, bytes: bytes)
            }
            out.append(contentsOf: repeatElement(0, count: offset - out.count))
            out.append(contentsOf: section.bytes)
        }
        let trailer = writer.trailer()
        out.append(contentsOf: repeatElement(0, count: trailer.offset - out.count))
        out.append(contentsOf: trailer.bytes)
        return out
    }

    /// Rounds `value` up to the section alignment.
    public static func aligned(_ value: Int) -> Int {
        (value + alignment - 1) / alignment * alignment
    }
}

/// Lays out a segment incrementally so large sections can be streamed to disk without building the file in memory:
/// write `headerBytes()` at 0, each section's bytes at the offset `addSection` returns (the gaps are zero padding; writing
/// past the end of a file fills the gap with zeros), then `trailer()` at its offset.
public struct SegmentWriter: Sendable {
    /// The table entries so far, in order.
    public private(set) var sections: [SegmentSection] = []
    /// The block checksums of block-checked sections so far, in order (written as one section by `trailer()`).
    private var blockChecksums: [(kind: UInt32, blockSize: Int, crcs: [UInt32])] = []
    /// The end of the last section (unaligned).
    public private(set) var end: Int = SegmentContainer.headerSize

    /// An empty layout.
    public init() {}

    /// The 64 header bytes.
    public static func headerBytes() -> [UInt8] {
        var out = SegmentContainer.magic
        out.appendLE(SegmentContainer.version)
        out.appendLE(UInt32(0))  // flags: none in version 1
        let crc = out.withUnsafeBytes { CRC32C.checksum($0) }
        out.appendLE(CRC32C.mask(crc))
        out.append(contentsOf: repeatElement(0, count: SegmentContainer.headerSize - out.count))
        return out
    }

    /// Reserves the next aligned slot for a section of `length` bytes whose CRC32C is `crc` (computed by the caller while
    /// streaming, e.g. with `CRC32C.checksum(_:seed:)`); returns the offset to write it at.
    public mutating func addSection(kind: UInt32, length: Int, crc: UInt32) -> Int {
        precondition(!sections.contains { $0.kind == kind }, "duplicate segment section kind \(kind)")
        precondition(sections.count < SegmentContainer.maxSections, "too many segment sections")
        precondition(length >= 0)
        let offset = SegmentContainer.aligned(end)
        sections.append(SegmentSection(kind: kind, offset: offset, length: length, crc: crc))
        end = offset + length
        return offset
    }

    /// Reserves a slot for `bytes` and checksums them; returns the offset to write them at.
    public mutating func addSection(kind: UInt32, bytes: UnsafeRawBufferPointer) -> Int {
        addSection(kind: kind, length: bytes.count, crc: CRC32C.checksum(bytes))
    }

    /// Reserves a slot for `bytes` checksummed per block of `blockSize` bytes (a power of two in
    /// `SegmentContainer.blockSizeRange`); the table then holds CRC 0 for it. Returns the offset to write them at.
    public mutating func addSection(kind: UInt32, bytes: UnsafeRawBufferPointer, blockSize: Int) -> Int {
        precondition(SegmentContainer.blockSizeRange.contains(blockSize) && blockSize & (blockSize - 1) == 0, "bad block size \(blockSize)")
        var crcs: [UInt32] = []
        crcs.reserveCapacity((bytes.count + blockSize - 1) / blockSize)
        var start = 0
        while start < bytes.count {
            let count = min(blockSize, bytes.count - start)
            crcs.append(CRC32C.checksum(bytes.sub(start, count)))
            start += count
        }
        blockChecksums.append((kind, blockSize, crcs))
        return addSection(kind: kind, length: bytes.count, crc: 0)
    }

    /// The block-checksum section (when any section is block-checked), the section table and the footer, and the
    /// (aligned) offset to write them at; the file ends right after them.
    public func trailer() -> (offset: Int, bytes: [UInt8]) {
        var sections = self.sections
        var prefix: [UInt8] = []
        var tableOffset = SegmentContainer.aligned(end)
        if !blockChecksums.isEmpty {
            var blocks = ByteWriter()
            blocks.u32(UInt32(blockChecksums.count))
            for entry in blockChecksums {
                blocks.u32(entry.kind)
                blocks.u32(UInt32(entry.blockSize))
                blocks.u32(UInt32(entry.crcs.count))
            }
            for entry in blockChecksums { for crc in entry.crcs { blocks.u32(CRC32C.mask(crc)) } }
            sections.append(SegmentSection(kind: SegmentContainer.blockChecksumsKind, offset: tableOffset, length: blocks.count,
                                           crc: CRC32C.checksum(blocks.bytes)))
            prefix = blocks.bytes
            let next = SegmentContainer.aligned(tableOffset + blocks.count)
            prefix.append(contentsOf: repeatElement(0, count: next - tableOffset - blocks.count))
            tableOffset = next
        }
        let start = sections.count > self.sections.count ? SegmentContainer.aligned(end) : tableOffset
        var table: [UInt8] = []
        table.reserveCapacity(sections.count * SegmentContainer.tableEntrySize + SegmentContainer.footerSize)
        for section in sections {
            table.appendLE(section.kind)
            table.appendLE(UInt64(section.offset))
            table.appendLE(UInt64(section.length))
            table.appendLE(CRC32C.mask(section.crc))
        }
        let tableCRC = table.withUnsafeBytes { CRC32C.checksum($0) }
        var footer: [UInt8] = []
        footer.appendLE(UInt64(tableOffset))
        footer.appendLE(UInt32(sections.count))
        footer.appendLE(CRC32C.mask(tableCRC))
        footer.appendLE(SegmentContainer.version)
        let footerCRC = footer.withUnsafeBytes { CRC32C.checksum($0) }
        footer.appendLE(CRC32C.mask(footerCRC))
        footer.append(contentsOf: SegmentContainer.footerMagic)
        return (start, prefix + table + footer)
    }
}
