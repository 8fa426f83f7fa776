/// The index after the last entry (every entry's name, offset, lengths and checksums, with its own CRC) and the fixed
/// trailer at EOF that locates it (data-format.md "Snapshot file"). A reader lists a snapshot from these two alone,
/// and a truncated file has no valid trailer, so truncation is always detected.
public enum SnapshotIndex {
    /// Index bytes: magic u32, count u32, entries, masked crc u32.
    public static func encode(_ entries: [SnapshotIndexEntry]) -> [UInt8] {
        var writer = ByteWriter(capacity: 12 + entries.reduce(0) { $0 + 34 + $1.name.utf8.count })
        writer.u32(SnapshotFormat.indexMagic)
        writer.u32(UInt32(entries.count))
        for entry in entries {
            let name = Array(entry.name.utf8)
            writer.u16(UInt16(name.count))
            writer.bytes(name)
            writer.u64(entry.offset)
            writer.u64(entry.originalLength)
            writer.u64(entry.compressedLength)
            writer.u32(CRC32C.mask(entry.originalCRC))
            writer.u32(CRC32C.mask(entry.compressedCRC))
        }
        writer.u32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        return writer.bytes
    }

    /// The largest index `count` entries can need (bounds the read before anything is allocated).
    public static func maxSize(entries count: Int) -> Int { 12 + count * (34 + SnapshotFormat.maxNameBytes) }

    /// Decodes the index; `base` is its file offset (for error offsets).
    public static func decode(_ bytes: UnsafeRawBufferPointer, base: Int = 0) throws(FormatError) -> [SnapshotIndexEntry] {
        guard bytes.count >= 12 else { throw FormatError(offset: base, reason: "index shorter than 12 bytes") }
        let covered = bytes.count - 4
        let stored = bytes.loadUnaligned(fromByteOffset: covered, as: UInt32.self).littleEndian
        guard CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<covered]))) == stored else {
            throw FormatError(offset: base + covered, reason: "index checksum mismatch")
        }
        var reader = ByteReader(UnsafeRawBufferPointer(rebasing: bytes[0..<covered]))
        guard try reader.u32() == SnapshotFormat.indexMagic else { throw FormatError(offset: base, reason: "bad index magic") }
        let count = Int(try reader.u32())
        guard count <= SnapshotFormat.maxEntries, count * 34 <= reader.remaining else {
            throw FormatError(offset: base + 4, reason: "index entry count \(count) does not fit the index")
        }
        var entries: [SnapshotIndexEntry] = []
        entries.reserveCapacity(count)
        for _ in 0..<count {
            let at = reader.offset
            let nameLength = Int(try reader.u16())
            let nameBytes = try reader.bytes(count: nameLength)
            guard let name = String(validating: nameBytes, as: UTF8.self), SnapshotFormat.isValidEntryName(name) else {
                throw FormatError(offset: base + at, reason: "index entry name is not one safe path component")
            }
            entries.append(SnapshotIndexEntry(name: name, offset: try reader.u64(), originalLength: try reader.u64(),
                                              compressedLength: try reader.u64(), originalCRC: CRC32C.unmask(try reader.u32()),
                                              compressedCRC: CRC32C.unmask(try reader.u32())))
        }
        guard reader.isAtEnd else { throw FormatError(offset: base + reader.offset, reason: "\(reader.remaining) bytes after the last index entry") }
        return entries
    }
}

/// The 32 bytes at the end of a snapshot: where the index is.
public struct SnapshotTrailer: Sendable, Hashable {
    /// File offset of the index.
    public var indexOffset: UInt64
    /// Index length in bytes, its crc included.
    public var indexLength: UInt64

    /// A trailer.
    public init(indexOffset: UInt64, indexLength: UInt64) {
        self.indexOffset = indexOffset
        self.indexLength = indexLength
    }

    /// The trailer bytes: index offset u64, index length u64, reserved u32 (0), masked crc of bytes 0..<20, end magic.
    public func encode() -> [UInt8] {
        var writer = ByteWriter(capacity: SnapshotFormat.trailerSize)
        writer.u64(indexOffset)
        writer.u64(indexLength)
        writer.u32(0)
        writer.u32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        writer.bytes(SnapshotFormat.endMagic)
        return writer.bytes
    }

    /// Decodes the last 32 bytes of a file; `base` is their file offset.
    public static func decode(_ bytes: UnsafeRawBufferPointer, base: Int = 0) throws(FormatError) -> SnapshotTrailer {
        guard bytes.count == SnapshotFormat.trailerSize else { throw FormatError(offset: base, reason: "trailer is not 32 bytes") }
        var reader = ByteReader(bytes)
        let indexOffset = try reader.u64()
        let indexLength = try reader.u64()
        _ = try reader.u32()  // reserved: ignored by version-1 readers (covered by the crc)
        let stored = try reader.u32()
        guard try reader.bytes(count: 8) == SnapshotFormat.endMagic else {
            throw FormatError(offset: base + 24, reason: "no snapshot end magic: the file is truncated or not a snapshot")
        }
        guard CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<20]))) == stored else {
            throw FormatError(offset: base + 20, reason: "trailer checksum mismatch")
        }
        return SnapshotTrailer(indexOffset: indexOffset, indexLength: indexLength)
    }
}
