// Opening a segment image: header, footer and table are checked; section bodies are not (data-format.md,
// "Segment file container": open is O(number of sections), verify is O(file size)).
extension SegmentContainer {
    /// Parses header, footer and table and bounds-checks every entry (aligned, inside the body, not overlapping, kinds
    /// unique). Does NOT checksum section bodies, so opening a mapped multi-gigabyte segment touches only its first and
    /// last pages; `SegmentLayout.verify()` does the full check. `file` must outlive the returned layout.
    public static func open(_ file: UnsafeRawBufferPointer) throws(FormatError) -> SegmentLayout {
        guard file.count >= headerSize + footerSize else {
            throw FormatError(offset: 0, reason: "segment file of \(file.count) bytes is shorter than header and footer")
        }
        guard file.sub(0, 8).elementsEqual(magic) else { throw FormatError(offset: 0, reason: "not a VectorLogic segment (bad magic)") }
        guard CRC32C.checksum(file.sub(0, 16)) == CRC32C.unmask(file.le32(at: 16)) else {
            throw FormatError(offset: 16, reason: "segment header checksum mismatch")
        }
        let headerVersion = file.le32(at: 8)
        guard readableVersions.contains(headerVersion) else {
            throw FormatError(offset: 8, reason: "unsupported segment format version \(headerVersion) (this build reads \(version))")
        }
        guard file.le32(at: 12) == 0, file.sub(20, headerSize - 20).allSatisfy({ $0 == 0 }) else {
            throw FormatError(offset: 12, reason: "segment header has flags or reserved bytes this build does not know")
        }
        let footerStart = file.count - footerSize
        guard file.sub(footerStart + 24, 8).elementsEqual(footerMagic) else {
            throw FormatError(offset: footerStart + 24, reason: "segment footer magic missing (file truncated or incomplete)")
        }
        guard CRC32C.checksum(file.sub(footerStart, 20)) == CRC32C.unmask(file.le32(at: footerStart + 20)) else {
            throw FormatError(offset: footerStart + 20, reason: "segment footer checksum mismatch")
        }
        guard file.le32(at: footerStart + 16) == headerVersion else {
            throw FormatError(offset: footerStart + 16, reason: "segment footer version differs from the header's")
        }
        let sections = try readTable(file, footerStart: footerStart)
        guard headerVersion >= 2, let blocks = sections.first(where: { $0.kind == blockChecksumsKind }) else {
            return SegmentLayout(file: file, version: headerVersion, physical: sections, blockTable: [:])
        }
        // Small (4 bytes per block): checked at open, so every later block check can trust it.
        let bytes = file.sub(blocks.offset, blocks.length)
        guard CRC32C.checksum(bytes) == blocks.crc else {
            throw FormatError(offset: blocks.offset, reason: "block checksum section fails its CRC32C")
        }
        let table = try BlockChecksums.decode(bytes, at: blocks.offset, sections: sections)
        return SegmentLayout(file: file, version: headerVersion, physical: sections, blockTable: table)
    }

    private static func readTable(_ file: UnsafeRawBufferPointer, footerStart: Int) throws(FormatError) -> [SegmentSection] {
        let tableOffset64 = file.le64(at: footerStart)
        let count = Int(file.le32(at: footerStart + 8))
        guard count <= maxSections else {
            throw FormatError(offset: footerStart + 8, reason: "segment declares \(count) sections (limit \(maxSections))")
        }
        let tableLength = count * tableEntrySize
        guard tableOffset64 <= UInt64(footerStart), Int(tableOffset64) == footerStart - tableLength,
              Int(tableOffset64) >= headerSize, Int(tableOffset64) % alignment == 0 else {
            throw FormatError(offset: footerStart, reason: "section table offset \(tableOffset64) does not fit the file")
        }
        let tableOffset = Int(tableOffset64)
        guard CRC32C.checksum(file.sub(tableOffset, tableLength)) == CRC32C.unmask(file.le32(at: footerStart + 12)) else {
            throw FormatError(offset: tableOffset, reason: "section table checksum mismatch")
        }
        var sections: [SegmentSection] = []
        sections.reserveCapacity(count)
        var previousEnd = headerSize
        for index in 0..<count {
            let at = tableOffset + index * tableEntrySize
            let kind = file.le32(at: at)
            let offset = file.le64(at: at + 4), length = file.le64(at: at + 12)
            guard offset % UInt64(alignment) == 0, offset >= UInt64(previousEnd), offset <= UInt64(tableOffset),
                  length <= UInt64(tableOffset) - offset else {
                throw FormatError(offset: at, reason: "section \(index) (kind \(kind)) lies outside the body or overlaps another")
            }
            guard !sections.contains(where: { $0.kind == kind }) else {
                throw FormatError(offset: at, reason: "section kind \(kind) appears twice")
            }
            sections.append(SegmentSection(kind: kind, offset: Int(offset), length: Int(length), crc: CRC32C.unmask(file.le32(at: at + 20))))
            previousEnd = Int(offset + length)
        }
        return sections
    }
}

/// A parsed segment: the section table over a borrowed file image (usually an mmap). The image must outlive the
/// layout and must not change (segments are immutable once written), which is why sharing it across threads is safe.
public struct SegmentLayout: @unchecked Sendable {
    /// The whole file image.
    public let file: UnsafeRawBufferPointer
    /// The container version (1 or 2).
    public let version: UInt32
    /// The data sections in file order (the table, less the container's block-checksum section).
    public let sections: [SegmentSection]
    /// Every entry of the table, in file order.
    let physical: [SegmentSection]
    /// Block checksums by section kind (version 2).
    let blockTable: [UInt32: SectionBlocks]

    /// Wraps a validated table; use `SegmentContainer.open`.
    init(file: UnsafeRawBufferPointer, version: UInt32, physical: [SegmentSection], blockTable: [UInt32: SectionBlocks]) {
        self.file = file
        self.version = version
        self.physical = physical
        self.blockTable = blockTable
        sections = version >= 2 ? physical.filter { $0.kind != SegmentContainer.blockChecksumsKind } : physical
    }

    /// Block sizes of the block-checked sections (as `SegmentContainer.build(sections:blockSizes:)` takes them).
    public var blockSizes: [UInt32: Int] { blockTable.mapValues(\.blockSize) }

    /// The bytes of the section of `kind` (64-byte aligned relative to the file start), or nil when absent.
    public func section(_ kind: UInt32) -> UnsafeRawBufferPointer? {
        guard let entry = sections.first(where: { $0.kind == kind }) else { return nil }
        return file.sub(entry.offset, entry.length)
    }

    /// The bytes of the section of `kind`, or nil when absent.
    public func section(_ kind: SegmentSectionKind) -> UnsafeRawBufferPointer? { section(kind.rawValue) }

    /// Checksums every section body (O(file size)); one error per damaged section, or per damaged block of a
    /// block-checked section, with its file offset. Also reports non-zero padding, which a correct writer never produces.
    public func verify() -> [FormatError] {
        var problems: [FormatError] = []
        for entry in sections {
            if let blocks = blockTable[entry.kind] {
                for index in damagedBlocks(entry.kind) {
                    let range = blocks.range(index, length: entry.length)
                    problems.append(FormatError(offset: entry.offset + range.lowerBound,
                                                reason: "section kind \(entry.kind) block \(index) (bytes \(range.lowerBound)..<\(range.upperBound)) checksum mismatch"))
                }
            } else if CRC32C.checksum(file.sub(entry.offset, entry.length)) != entry.crc {
                problems.append(FormatError(offset: entry.offset, reason: "section kind \(entry.kind) (\(entry.length) bytes) checksum mismatch"))
            }
        }
        var gapStart = SegmentContainer.headerSize
        let tableStart = file.count - SegmentContainer.footerSize - physical.count * SegmentContainer.tableEntrySize
        for entry in physical + [SegmentSection(kind: 0, offset: tableStart, length: 0, crc: 0)] {
            if let bad = file.sub(gapStart, entry.offset - gapStart).firstIndex(where: { $0 != 0 }) {
                problems.append(FormatError(offset: gapStart + bad, reason: "non-zero padding before offset \(entry.offset)"))
            }
            gapStart = entry.offset + entry.length
        }
        return problems
    }
}
