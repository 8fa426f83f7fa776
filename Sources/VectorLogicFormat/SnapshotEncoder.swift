/// Produces a snapshot file front to back (data-format.md "Snapshot file"): each call returns the next bytes of the
/// file, which the caller writes in order (and may hash as it goes). Entries are compressed in chunks, so a large file
/// is never held whole. Pure: no I/O.
///
/// Order: `start()`, then per entry `beginEntry` → `append`… → `endEntry`, then `finish()`.
public final class SnapshotEncoder {
    private let header: SnapshotHeader
    private var offset: UInt64 = 0
    /// The finished entries, as the index will list them.
    public private(set) var entries: [SnapshotIndexEntry] = []
    private var current: OpenEntry?

    /// The state of the entry being written.
    private struct OpenEntry {
        var entry: SnapshotIndexEntry
        let compressor: LZ4FrameEncoder
        var fed: UInt64 = 0
    }

    /// An encoder for a snapshot taken at `createdAtMs` that will hold exactly `entryCount` entries.
    public init(createdAtMs: Int64, entryCount: Int) {
        precondition(entryCount >= 0 && entryCount <= SnapshotFormat.maxEntries, "snapshot entry count out of range")
        header = SnapshotHeader(createdAtMs: createdAtMs, entryCount: UInt32(entryCount))
    }

    /// The header bytes (first).
    public func start() -> [UInt8] {
        precondition(offset == 0, "start() called twice")
        return advance(header.encode())
    }

    /// Starts entry `name` of exactly `originalLength` bytes: its header and the LZ4 frame header.
    public func beginEntry(name: String, originalLength: UInt64) throws(FormatError) -> [UInt8] {
        precondition(current == nil && offset > 0, "beginEntry out of order")
        guard SnapshotFormat.isValidEntryName(name) else { throw FormatError(offset: Int(offset), reason: "invalid entry name \(name)") }
        guard entries.count < Int(header.entryCount) else { throw FormatError(offset: Int(offset), reason: "more entries than the header declares") }
        let entryHeader = SnapshotEntryHeader(name: name, originalLength: originalLength).encode()
        let compressor = try LZ4FrameEncoder(contentSize: originalLength)
        let frameHead = try compressor.begin()
        let entry = SnapshotIndexEntry(name: name, offset: offset, originalLength: originalLength, compressedLength: UInt64(frameHead.count),
                                       originalCRC: 0, compressedCRC: CRC32C.checksum(frameHead))
        current = OpenEntry(entry: entry, compressor: compressor)
        return advance(entryHeader + frameHead)
    }

    /// Compresses the next bytes of the current entry; returns the frame bytes ready so far.
    public func append(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> [UInt8] {
        guard var open = current else { preconditionFailure("append outside an entry") }
        var out: [UInt8] = []
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + LZ4FrameEncoder.chunkBytes)
            let piece = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            open.entry.originalCRC = CRC32C.checksum(piece, seed: open.entry.originalCRC)
            out.append(contentsOf: try open.compressor.update(piece))
            start = end
        }
        open.fed += UInt64(bytes.count)
        guard open.fed <= open.entry.originalLength else {
            throw FormatError(offset: Int(offset), reason: "entry \(open.entry.name) is longer than its declared \(open.entry.originalLength) bytes")
        }
        open.entry.compressedLength += UInt64(out.count)
        open.entry.compressedCRC = CRC32C.checksum(out, seed: open.entry.compressedCRC)
        current = open
        return advance(out)
    }

    /// Ends the current entry: the frame's end mark and the entry trailer. Throws when fewer bytes than declared came.
    public func endEntry() throws(FormatError) -> [UInt8] {
        guard var open = current else { preconditionFailure("endEntry outside an entry") }
        guard open.fed == open.entry.originalLength else {
            throw FormatError(offset: Int(offset), reason: "entry \(open.entry.name) has \(open.fed) bytes, not the declared \(open.entry.originalLength)")
        }
        let tail = try open.compressor.end()
        open.entry.compressedLength += UInt64(tail.count)
        open.entry.compressedCRC = CRC32C.checksum(tail, seed: open.entry.compressedCRC)
        entries.append(open.entry)
        current = nil
        return advance(tail + SnapshotEntryTrailer.encode(open.entry))
    }

    /// The index and the trailer (last). Throws unless every declared entry was written.
    public func finish() throws(FormatError) -> [UInt8] {
        precondition(current == nil, "finish() inside an entry")
        guard entries.count == Int(header.entryCount) else {
            throw FormatError(offset: Int(offset), reason: "\(entries.count) entries written, \(header.entryCount) declared")
        }
        let index = SnapshotIndex.encode(entries)
        let trailer = SnapshotTrailer(indexOffset: offset, indexLength: UInt64(index.count)).encode()
        return advance(index + trailer)
    }

    /// Bytes produced so far (the file offset of the next byte).
    public var bytesWritten: UInt64 { offset }

    private func advance(_ bytes: [UInt8]) -> [UInt8] {
        offset += UInt64(bytes.count)
        return bytes
    }
}
