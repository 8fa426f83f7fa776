/// Constants and limits of the snapshot file (data-format.md "Snapshot file"):
///
/// ```
/// snapshot = header | entry* | index | trailer (32 B, at EOF)
/// entry    = entry header | LZ4 frame (compressed length bytes) | entry trailer (20 B)
/// ```
///
/// Written strictly front to back (no seek, no back-patching) so the writer hashes the file (SHA-256) as it writes it.
public enum SnapshotFormat {
    /// "VLSNP\r\n\x1A" (CR LF SUB catch text-mode mangling, as in `LogFraming.magic`).
    public static let magic: [UInt8] = [0x56, 0x4C, 0x53, 0x4E, 0x50, 0x0D, 0x0A, 0x1A]
    /// "VLSNPEND": the trailer magic, so a truncated file is recognised as such from its tail.
    public static let endMagic: [UInt8] = Array("VLSNPEND".utf8)
    /// "VLSI": the index magic.
    public static let indexMagic: UInt32 = 0x4953_4C56
    /// The version this build writes, and the newest it reads (data-format.md "Versioning").
    public static let version: UInt16 = 1
    /// Codec 1: the entry's bytes are one LZ4 frame (the only codec of version 1).
    public static let codecLZ4Frame: UInt8 = 1

    /// Fixed header bytes before the header extension: magic 8, version 2, flags 2, extension length 4, created_at 8, entry count 4.
    public static let headerFixedSize = 28
    /// Entry trailer: compressed length 8, original crc 4, compressed crc 4, trailer crc 4.
    public static let entryTrailerSize = 20
    /// Trailer: index offset 8, index length 8, reserved 4, crc 4, end magic 8.
    public static let trailerSize = 32

    /// Limits that bound every allocation made from a length read from the file ("Put a limit on everything").
    public static let maxHeaderExtension = 65_536
    /// A data directory has a few hundred files; a million leaves room and bounds the index (< 300 MB).
    public static let maxEntries = 1_000_000
    /// Entry names are one path component of at most 255 bytes (a POSIX NAME_MAX).
    public static let maxNameBytes = 255
    /// No file in a data directory comes near 2^48 bytes (256 TiB); larger lengths are damage.
    public static let maxOriginalLength: UInt64 = 1 << 48

    /// The largest entry header: name length 2 + name + codec 1 + flags 1 + extension length 2 + original length 8 +
    /// extension (u16) + crc 4.
    public static let maxEntryHeaderSize = 18 + maxNameBytes + Int(UInt16.max)

    /// Whether `name` may be an entry: one path component of `[A-Za-z0-9._-]`, 1…255 bytes, not `.` or `..`, so a
    /// restore can never write outside its target directory.
    public static func isValidEntryName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard !bytes.isEmpty, bytes.count <= maxNameBytes, name != ".", name != ".." else { return false }
        return bytes.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x2E || byte == 0x5F || byte == 0x2D
        }
    }
}

/// The snapshot header: what was snapshotted when, and how many entries follow.
public struct SnapshotHeader: Sendable, Hashable {
    /// Format version of the file.
    public var version: UInt16
    /// Compatible flags; version 1 defines none, writes 0 and ignores unknown bits (data-format.md).
    public var flags: UInt16
    /// When the snapshot was taken, milliseconds since the Unix epoch.
    public var createdAtMs: Int64
    /// Number of entries (files).
    public var entryCount: UInt32
    /// Header extension bytes: skipped by version-1 readers, kept for compatible additions.
    public var extensionBytes: [UInt8]

    /// A version-1 header.
    public init(createdAtMs: Int64, entryCount: UInt32, flags: UInt16 = 0, extensionBytes: [UInt8] = [], version: UInt16 = SnapshotFormat.version) {
        self.version = version
        self.flags = flags
        self.createdAtMs = createdAtMs
        self.entryCount = entryCount
        self.extensionBytes = extensionBytes
    }

    /// Encoded size: fixed part, extension, crc.
    public var encodedSize: Int { SnapshotFormat.headerFixedSize + extensionBytes.count + 4 }

    /// The header bytes.
    public func encode() -> [UInt8] {
        precondition(extensionBytes.count <= SnapshotFormat.maxHeaderExtension, "snapshot header extension too long")
        var writer = ByteWriter(capacity: encodedSize)
        writer.bytes(SnapshotFormat.magic)
        writer.u16(version)
        writer.u16(flags)
        writer.u32(UInt32(extensionBytes.count))
        writer.i64(createdAtMs)
        writer.u32(entryCount)
        writer.bytes(extensionBytes)
        writer.u32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        return writer.bytes
    }

    /// Decodes the header at the start of `prefix` (the first bytes of the file); returns it and its size.
    public static func decode(_ prefix: UnsafeRawBufferPointer) throws(FormatError) -> SnapshotHeader {
        var reader = ByteReader(prefix)
        guard try reader.bytes(count: 8) == SnapshotFormat.magic else {
            throw FormatError(offset: 0, reason: "not a VectorLogic snapshot (bad magic)")
        }
        let version = try reader.u16()
        guard version >= 1, version <= SnapshotFormat.version else {
            throw FormatError(offset: 8, reason: "unsupported snapshot format version \(version) (this build reads 1...\(SnapshotFormat.version))")
        }
        let flags = try reader.u16()
        let extensionLength = Int(try reader.u32())
        guard extensionLength <= SnapshotFormat.maxHeaderExtension else {
            throw FormatError(offset: 12, reason: "header extension length \(extensionLength) exceeds \(SnapshotFormat.maxHeaderExtension)")
        }
        let createdAtMs = try reader.i64()
        let entryCount = try reader.u32()
        let extensionBytes = try reader.bytes(count: extensionLength)
        let covered = reader.offset
        let stored = try reader.u32()
        guard CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: prefix[0..<covered]))) == stored else {
            throw FormatError(offset: covered, reason: "snapshot header checksum mismatch")
        }
        guard entryCount <= SnapshotFormat.maxEntries else {
            throw FormatError(offset: 24, reason: "entry count \(entryCount) exceeds \(SnapshotFormat.maxEntries)")
        }
        return SnapshotHeader(createdAtMs: createdAtMs, entryCount: entryCount, flags: flags, extensionBytes: extensionBytes, version: version)
    }
}

/// The header in front of each entry's frame: its name, codec and original length.
public struct SnapshotEntryHeader: Sendable, Hashable {
    /// The file name relative to the data directory (`SnapshotFormat.isValidEntryName`).
    public var name: String
    /// How the bytes are stored (`SnapshotFormat.codecLZ4Frame`).
    public var codec: UInt8
    /// Compatible flags (none in version 1; ignored).
    public var flags: UInt8
    /// Length of the file before compression.
    public var originalLength: UInt64
    /// Entry header extension: skipped by version-1 readers.
    public var extensionBytes: [UInt8]

    /// An entry header.
    public init(name: String, originalLength: UInt64, codec: UInt8 = SnapshotFormat.codecLZ4Frame, flags: UInt8 = 0, extensionBytes: [UInt8] = []) {
        self.name = name
        self.codec = codec
        self.flags = flags
        self.originalLength = originalLength
        self.extensionBytes = extensionBytes
    }

    /// Encoded size.
    public var encodedSize: Int { 18 + name.utf8.count + extensionBytes.count }

    /// The entry header bytes.
    public func encode() -> [UInt8] {
        precondition(SnapshotFormat.isValidEntryName(name), "invalid snapshot entry name \(name)")
        precondition(extensionBytes.count <= Int(UInt16.max), "snapshot entry extension too long")
        var writer = ByteWriter(capacity: encodedSize)
        let nameBytes = Array(name.utf8)
        writer.u16(UInt16(nameBytes.count))
        writer.bytes(nameBytes)
        writer.u8(codec)
        writer.u8(flags)
        writer.u16(UInt16(extensionBytes.count))
        writer.u64(originalLength)
        writer.bytes(extensionBytes)
        writer.u32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        return writer.bytes
    }

    /// Decodes an entry header from the start of `prefix`.
    public static func decode(_ prefix: UnsafeRawBufferPointer) throws(FormatError) -> SnapshotEntryHeader {
        var reader = ByteReader(prefix)
        let nameLength = Int(try reader.u16())
        guard nameLength >= 1, nameLength <= SnapshotFormat.maxNameBytes else {
            throw FormatError(offset: 0, reason: "entry name length \(nameLength) outside 1...\(SnapshotFormat.maxNameBytes)")
        }
        let nameBytes = try reader.bytes(count: nameLength)
        let codec = try reader.u8()
        let flags = try reader.u8()
        let extensionLength = Int(try reader.u16())
        let originalLength = try reader.u64()
        let extensionBytes = try reader.bytes(count: extensionLength)
        let covered = reader.offset
        let stored = try reader.u32()
        guard CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: prefix[0..<covered]))) == stored else {
            throw FormatError(offset: covered, reason: "entry header checksum mismatch")
        }
        guard let name = String(validating: nameBytes, as: UTF8.self), SnapshotFormat.isValidEntryName(name) else {
            throw FormatError(offset: 2, reason: "entry name is not one safe path component")
        }
        guard codec == SnapshotFormat.codecLZ4Frame else {
            throw FormatError(offset: 2 + nameLength, reason: "unknown entry codec \(codec)")
        }
        guard originalLength <= SnapshotFormat.maxOriginalLength else {
            throw FormatError(offset: 6 + nameLength, reason: "original length \(originalLength) is implausible")
        }
        return SnapshotEntryHeader(name: name, originalLength: originalLength, codec: codec, flags: flags, extensionBytes: extensionBytes)
    }
}

/// One entry as the index lists it (and as its header and trailer must repeat it).
public struct SnapshotIndexEntry: Sendable, Hashable {
    /// File name relative to the data directory.
    public var name: String
    /// File offset of the entry header.
    public var offset: UInt64
    /// Length before compression.
    public var originalLength: UInt64
    /// Length of the LZ4 frame.
    public var compressedLength: UInt64
    /// CRC32C of the original bytes (unmasked; stored masked).
    public var originalCRC: UInt32
    /// CRC32C of the frame bytes (unmasked; stored masked).
    public var compressedCRC: UInt32

    /// An index entry.
    public init(name: String, offset: UInt64, originalLength: UInt64, compressedLength: UInt64, originalCRC: UInt32, compressedCRC: UInt32) {
        self.name = name
        self.offset = offset
        self.originalLength = originalLength
        self.compressedLength = compressedLength
        self.originalCRC = originalCRC
        self.compressedCRC = compressedCRC
    }
}

/// The entry trailer after each frame: the lengths and checksums known only once the frame is written.
public enum SnapshotEntryTrailer {
    /// The 20 trailer bytes of `entry`.
    public static func encode(_ entry: SnapshotIndexEntry) -> [UInt8] {
        var writer = ByteWriter(capacity: SnapshotFormat.entryTrailerSize)
        writer.u64(entry.compressedLength)
        writer.u32(CRC32C.mask(entry.originalCRC))
        writer.u32(CRC32C.mask(entry.compressedCRC))
        writer.u32(CRC32C.mask(CRC32C.checksum(writer.bytes)))
        return writer.bytes
    }

    /// Decodes a trailer: (compressed length, original crc, compressed crc), unmasked.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> (compressedLength: UInt64, originalCRC: UInt32, compressedCRC: UInt32) {
        var reader = ByteReader(bytes)
        let compressedLength = try reader.u64()
        let originalCRC = CRC32C.unmask(try reader.u32())
        let compressedCRC = CRC32C.unmask(try reader.u32())
        let stored = try reader.u32()
        guard CRC32C.mask(CRC32C.checksum(UnsafeRawBufferPointer(rebasing: bytes[0..<16]))) == stored else {
            throw FormatError(offset: 16, reason: "entry trailer checksum mismatch")
        }
        return (compressedLength, originalCRC, compressedCRC)
    }
}
