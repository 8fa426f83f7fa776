/// Random access to the bytes of a snapshot: a file (the engine adapts a `FileHandle`) or memory (tests, fuzzing).
public protocol SnapshotSource {
    /// Total size in bytes.
    var size: Int64 { get }
    /// Up to `count` bytes at `offset`; fewer only at the end.
    func read(at offset: Int64, count: Int) throws -> [UInt8]
}

/// A snapshot held in memory.
public struct SnapshotMemorySource: SnapshotSource {
    /// The file's bytes.
    public let bytes: [UInt8]
    /// Wraps `bytes`.
    public init(_ bytes: [UInt8]) { self.bytes = bytes }
    /// The byte count.
    public var size: Int64 { Int64(bytes.count) }
    /// A copy of the bytes at `offset`.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        guard offset >= 0, offset <= Int64(bytes.count), count >= 0 else { return [] }
        let start = Int(offset)
        return Array(bytes[start..<(start + min(count, bytes.count - start))])
    }
}

/// What a snapshot holds, read from its header, index and trailer alone (O(entries), no entry bytes read).
public struct SnapshotCatalog: Sendable, Hashable {
    /// The header.
    public var header: SnapshotHeader
    /// The entries in file order.
    public var entries: [SnapshotIndexEntry]
    /// File offset of the index (the end of the last entry).
    public var indexOffset: UInt64

    /// Where entry `index` ends: the next entry's offset, or the index's.
    public func end(of index: Int) -> UInt64 {
        index + 1 < entries.count ? entries[index + 1].offset : indexOffset
    }
}

/// Reads and verifies snapshots (data-format.md "Snapshot file"). Total: any damage, truncation or unknown version
/// throws `FormatError` with the file offset; the source's own errors (I/O) pass through unchanged. Every length read
/// from the file is checked against the file size and a hard limit before it is used.
public enum SnapshotReader {
    /// Bytes of frame read per step when streaming an entry.
    public static let chunkBytes = 1 << 20

    /// Reads the header, trailer and index, and checks that the entries tile the file between header and index.
    public static func catalog(of source: some SnapshotSource) throws -> SnapshotCatalog {
        let size = source.size
        let minimum = Int64(SnapshotFormat.headerFixedSize + 4 + 12 + SnapshotFormat.trailerSize)
        guard size >= minimum else { throw FormatError(offset: Int(max(0, size)), reason: "file too short for a snapshot (\(size) bytes)") }
        let prefix = try exact(source, at: 0, count: Int(min(size, Int64(SnapshotFormat.headerFixedSize + SnapshotFormat.maxHeaderExtension + 4))))
        let header = try withRawBytes(prefix) { raw throws(FormatError) in try SnapshotHeader.decode(raw) }
        let trailerOffset = size - Int64(SnapshotFormat.trailerSize)
        let trailerBytes = try exact(source, at: trailerOffset, count: SnapshotFormat.trailerSize)
        let trailer = try withRawBytes(trailerBytes) { raw throws(FormatError) in try SnapshotTrailer.decode(raw, base: Int(trailerOffset)) }
        let headerSize = UInt64(header.encodedSize)
        guard trailer.indexLength >= 12, trailer.indexLength <= UInt64(SnapshotIndex.maxSize(entries: Int(header.entryCount))),
              trailer.indexOffset >= headerSize, trailer.indexOffset <= UInt64(trailerOffset),
              trailer.indexOffset + trailer.indexLength == UInt64(trailerOffset) else {
            throw FormatError(offset: Int(trailerOffset), reason: "trailer points to an index outside the file")
        }
        let indexBytes = try exact(source, at: Int64(trailer.indexOffset), count: Int(trailer.indexLength))
        let entries = try withRawBytes(indexBytes) { raw throws(FormatError) in try SnapshotIndex.decode(raw, base: Int(trailer.indexOffset)) }
        guard entries.count == Int(header.entryCount) else {
            throw FormatError(offset: Int(trailer.indexOffset), reason: "index lists \(entries.count) entries, the header \(header.entryCount)")
        }
        // Entries tile the space between header and index. The index does not record each entry header's size (a later
        // version may extend it), so this checks the minimum; `read(entry:)` checks the exact tiling from the header.
        var minimumNext = headerSize
        var names = Set<String>()
        for (position, entry) in entries.enumerated() {
            let placed = position == 0 ? entry.offset == headerSize : entry.offset >= minimumNext
            guard placed, entry.offset <= trailer.indexOffset, entry.compressedLength <= trailer.indexOffset,
                  entry.originalLength <= SnapshotFormat.maxOriginalLength else {
                throw FormatError(offset: Int(trailer.indexOffset), reason: "index entry \(entry.name) is not placed after the previous entry")
            }
            guard names.insert(entry.name).inserted else {
                throw FormatError(offset: Int(trailer.indexOffset), reason: "entry \(entry.name) appears twice")
            }
            minimumNext = entry.offset + UInt64(18 + entry.name.utf8.count) + entry.compressedLength + UInt64(SnapshotFormat.entryTrailerSize)
            guard minimumNext <= trailer.indexOffset else {
                throw FormatError(offset: Int(entry.offset), reason: "entry \(entry.name) runs past the index")
            }
        }
        guard !entries.isEmpty || trailer.indexOffset == headerSize else {
            throw FormatError(offset: Int(headerSize), reason: "bytes between the header and the index of an empty snapshot")
        }
        return SnapshotCatalog(header: header, entries: entries, indexOffset: trailer.indexOffset)
    }

    /// Verifies entry `index` of `catalog` completely (header, frame CRC, decompression, original CRC and length,
    /// trailer, all against the index) and passes its decompressed bytes to `sink` in order.
    /// `sink` may see bytes of a damaged entry before the error is thrown: verify before acting on them (restore does).
    public static func read(entry index: Int, of catalog: SnapshotCatalog, from source: some SnapshotSource,
                            sink: (UnsafeRawBufferPointer) throws -> Void = { _ in }) throws {
        let entry = catalog.entries[index]
        let end = catalog.end(of: index)
        let headerBytes = try exact(source, at: Int64(entry.offset), count: Int(min(end - entry.offset, UInt64(SnapshotFormat.maxEntryHeaderSize))))
        let header: SnapshotEntryHeader
        do {
            header = try withRawBytes(headerBytes) { raw throws(FormatError) in try SnapshotEntryHeader.decode(raw) }
        } catch {
            throw FormatError(offset: Int(entry.offset) + error.offset, reason: "entry \(entry.name): \(error.reason)")
        }
        let frameStart = entry.offset + UInt64(header.encodedSize)
        let frameEnd = frameStart + entry.compressedLength
        guard header.name == entry.name, header.originalLength == entry.originalLength,
              frameEnd + UInt64(SnapshotFormat.entryTrailerSize) == end else {
            throw FormatError(offset: Int(entry.offset), reason: "entry \(entry.name): header disagrees with the index")
        }
        let (compressedCRC, originalCRC) = try streamFrame(entry, from: source, range: frameStart..<frameEnd, sink: sink)
        guard compressedCRC == entry.compressedCRC else {
            throw FormatError(offset: Int(frameStart), reason: "entry \(entry.name): checksum mismatch in the compressed bytes")
        }
        guard originalCRC == entry.originalCRC else {
            throw FormatError(offset: Int(frameStart), reason: "entry \(entry.name): checksum mismatch in the decompressed bytes")
        }
        let trailerBytes = try exact(source, at: Int64(frameEnd), count: SnapshotFormat.entryTrailerSize)
        let trailer = try withRawBytes(trailerBytes) { raw throws(FormatError) in try SnapshotEntryTrailer.decode(raw) }
        guard trailer.compressedLength == entry.compressedLength, trailer.originalCRC == entry.originalCRC,
              trailer.compressedCRC == entry.compressedCRC else {
            throw FormatError(offset: Int(frameEnd), reason: "entry \(entry.name): trailer disagrees with the index")
        }
    }

    /// Reads the catalog and verifies every entry; returns the catalog.
    public static func verify(_ source: some SnapshotSource) throws -> SnapshotCatalog {
        let catalog = try catalog(of: source)
        for index in catalog.entries.indices { try read(entry: index, of: catalog, from: source) }
        return catalog
    }

    /// Streams the frame through CRC32C and the LZ4 decoder; returns (frame crc, decompressed crc).
    private static func streamFrame(_ entry: SnapshotIndexEntry, from source: some SnapshotSource, range: Range<UInt64>,
                                    sink: (UnsafeRawBufferPointer) throws -> Void) throws -> (UInt32, UInt32) {
        let decoder = try LZ4FrameDecoder(limit: entry.originalLength)
        var compressedCRC: UInt32 = 0
        var originalCRC: UInt32 = 0
        var position = range.lowerBound
        do {
            while position < range.upperBound {
                let chunk = try exact(source, at: Int64(position), count: Int(min(UInt64(chunkBytes), range.upperBound - position)))
                compressedCRC = CRC32C.checksum(chunk, seed: compressedCRC)
                try chunk.withUnsafeBytes { raw in
                    try decoder.feed(raw) { piece in
                        originalCRC = CRC32C.checksum(piece, seed: originalCRC)
                        try sink(piece)
                    }
                }
                position += UInt64(chunk.count)
            }
        } catch let error as FormatError {
            throw FormatError(offset: Int(range.lowerBound) + error.offset, reason: "entry \(entry.name): \(error.reason)")
        }
        guard decoder.isComplete, decoder.produced == entry.originalLength else {
            throw FormatError(offset: Int(range.upperBound), reason: "entry \(entry.name): the LZ4 frame holds \(decoder.produced) bytes, not \(entry.originalLength)")
        }
        return (compressedCRC, originalCRC)
    }

    /// Exactly `count` bytes at `offset`, or a truncation error.
    private static func exact(_ source: some SnapshotSource, at offset: Int64, count: Int) throws -> [UInt8] {
        let bytes = try source.read(at: offset, count: count)
        guard bytes.count == count else {
            throw FormatError(offset: Int(offset) + bytes.count, reason: "truncated: \(count) bytes needed at \(offset), \(bytes.count) present")
        }
        return bytes
    }
}

/// Whole snapshots in memory: the encoder and reader above over byte arrays (tests, fuzzing, small files).
public enum SnapshotFile {
    /// A snapshot of `files` (name, bytes) taken at `createdAtMs`.
    public static func encode(createdAtMs: Int64, files: [(name: String, bytes: [UInt8])]) throws(FormatError) -> [UInt8] {
        let encoder = SnapshotEncoder(createdAtMs: createdAtMs, entryCount: files.count)
        var out = encoder.start()
        for file in files {
            out += try encoder.beginEntry(name: file.name, originalLength: UInt64(file.bytes.count))
            out += try withRawBytes(file.bytes) { raw throws(FormatError) in try encoder.append(raw) }
            out += try encoder.endEntry()
        }
        out += try encoder.finish()
        return out
    }

    /// Verifies and decodes a whole snapshot: its header and every entry's name and bytes.
    public static func decode(_ bytes: [UInt8]) throws -> (header: SnapshotHeader, files: [(name: String, bytes: [UInt8])]) {
        let source = SnapshotMemorySource(bytes)
        let catalog = try SnapshotReader.catalog(of: source)
        var files: [(name: String, bytes: [UInt8])] = []
        for index in catalog.entries.indices {
            var content: [UInt8] = []
            try SnapshotReader.read(entry: index, of: catalog, from: source) { content.append(contentsOf: $0) }
            files.append((catalog.entries[index].name, content))
        }
        return (catalog.header, files)
    }
}
