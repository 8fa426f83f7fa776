internal import CLZ4

/// Streaming LZ4 frame compression (the system liblz4, frame format of lz4.org "LZ4 Frame Format Description"):
/// how each snapshot entry is stored (data-format.md "Snapshot file"). Input goes in chunks, so a large segment is
/// never held whole in memory; the frame records the content size and an xxHash32 content checksum, so the `lz4`
/// command line tool can decompress an entry's bytes on its own.
///
/// Not thread-safe: one encoder per entry, used by one thread.
public final class LZ4FrameEncoder {
    /// The largest input `update` takes at once; the output buffer is sized for it.
    public static let chunkBytes = 1 << 20

    private var context: OpaquePointer?
    private var preferences = LZ4F_preferences_t()
    private var output: [UInt8]
    private var finished = false

    /// Starts a frame whose content is exactly `contentSize` bytes (written into the frame header; the decoder checks it).
    public init(contentSize: UInt64) throws(FormatError) {
        var created: OpaquePointer?
        let status = LZ4F_createCompressionContext(&created, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(status) == 0, let created else { throw LZ4FrameEncoder.failure(status, "creating the compressor") }
        context = created
        preferences.frameInfo.contentSize = contentSize
        preferences.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled
        preferences.frameInfo.blockSizeID = LZ4F_max4MB
        output = [UInt8](repeating: 0, count: max(LZ4F_compressBound(LZ4FrameEncoder.chunkBytes, &preferences), Int(LZ4F_HEADER_SIZE_MAX)))
    }

    deinit {
        if let context { LZ4F_freeCompressionContext(context) }
    }

    /// The frame header; call once, before the first `update`.
    public func begin() throws(FormatError) -> [UInt8] {
        guard let context else { throw FormatError(offset: 0, reason: "LZ4 compressor already released") }
        let written = output.withUnsafeMutableBytes { buffer in
            LZ4F_compressBegin(context, buffer.baseAddress, buffer.count, &preferences)
        }
        return try result(written, "writing the frame header")
    }

    /// Compresses up to `chunkBytes` of input; returns the frame bytes produced (often empty: liblz4 buffers a block).
    public func update(_ input: UnsafeRawBufferPointer) throws(FormatError) -> [UInt8] {
        guard let context, !finished else { throw FormatError(offset: 0, reason: "LZ4 compressor already finished") }
        precondition(input.count <= LZ4FrameEncoder.chunkBytes, "LZ4 update larger than chunkBytes")
        guard input.count > 0 else { return [] }
        let written = output.withUnsafeMutableBytes { buffer in
            LZ4F_compressUpdate(context, buffer.baseAddress, buffer.count, input.baseAddress, input.count, nil)
        }
        return try result(written, "compressing")
    }

    /// Flushes the last block and writes the end mark and content checksum.
    public func end() throws(FormatError) -> [UInt8] {
        guard let context, !finished else { throw FormatError(offset: 0, reason: "LZ4 compressor already finished") }
        finished = true
        let written = output.withUnsafeMutableBytes { buffer in
            LZ4F_compressEnd(context, buffer.baseAddress, buffer.count, nil)
        }
        return try result(written, "ending the frame")
    }

    private func result(_ written: Int, _ what: String) throws(FormatError) -> [UInt8] {
        guard LZ4F_isError(written) == 0 else { throw LZ4FrameEncoder.failure(written, what) }
        return Array(output[0..<written])
    }

    static func failure(_ code: Int, _ what: String) -> FormatError {
        let name = LZ4F_getErrorName(code).map { String(cString: $0) } ?? "unknown error"
        return FormatError(offset: 0, reason: "LZ4 \(what): \(name)")
    }

    /// A whole frame of `bytes` (tests and small inputs).
    public static func compress(_ bytes: [UInt8]) throws(FormatError) -> [UInt8] {
        let encoder = try LZ4FrameEncoder(contentSize: UInt64(bytes.count))
        var frame = try encoder.begin()
        var start = 0
        while start < bytes.count {
            let end = min(bytes.count, start + chunkBytes)
            let piece = try withRawBytes(bytes) { raw throws(FormatError) in
                try encoder.update(UnsafeRawBufferPointer(rebasing: raw[start..<end]))
            }
            frame.append(contentsOf: piece)
            start = end
        }
        frame.append(contentsOf: try encoder.end())
        return frame
    }
}

/// Streaming LZ4 frame decompression with a hard output limit: garbage input throws `FormatError`, never traps, and a
/// frame that would expand past `limit` bytes stops with an error before producing them (no decompression bombs).
public final class LZ4FrameDecoder {
    private var context: OpaquePointer?
    private var output = [UInt8](repeating: 0, count: 1 << 18)
    private let limit: UInt64
    /// Decompressed bytes produced so far.
    public private(set) var produced: UInt64 = 0
    /// Whether the frame's end mark (and content checksum) has been read and verified.
    public private(set) var isComplete = false
    /// Compressed bytes consumed so far (for error offsets).
    public private(set) var consumed: Int = 0

    /// A decoder that refuses to produce more than `limit` bytes.
    public init(limit: UInt64) throws(FormatError) {
        var created: OpaquePointer?
        let status = LZ4F_createDecompressionContext(&created, UInt32(LZ4F_VERSION))
        guard LZ4F_isError(status) == 0, let created else { throw LZ4FrameEncoder.failure(status, "creating the decompressor") }
        context = created
        self.limit = limit
    }

    deinit {
        if let context { LZ4F_freeDecompressionContext(context) }
    }

    /// Feeds compressed bytes; `sink` receives each piece of decompressed output in order.
    /// Throws on a damaged frame, on bytes after the frame's end, or when the output would pass the limit.
    public func feed(_ input: UnsafeRawBufferPointer, sink: (UnsafeRawBufferPointer) throws -> Void) throws {
        guard let context else { throw FormatError(offset: consumed, reason: "LZ4 decompressor released") }
        var position = 0
        while position < input.count || !isComplete {
            if isComplete {
                throw FormatError(offset: consumed, reason: "\(input.count - position) bytes after the end of the LZ4 frame")
            }
            var sourceSize = input.count - position
            var destinationSize = output.count
            let hint = output.withUnsafeMutableBytes { buffer in
                LZ4F_decompress(context, buffer.baseAddress, &destinationSize, input.baseAddress.map { $0 + position }, &sourceSize, nil)
            }
            guard LZ4F_isError(hint) == 0 else {
                let name = LZ4F_getErrorName(hint).map { String(cString: $0) } ?? "unknown error"
                throw FormatError(offset: consumed, reason: "damaged LZ4 frame: \(name)")
            }
            position += sourceSize
            consumed += sourceSize
            if destinationSize > 0 {
                produced += UInt64(destinationSize)
                guard produced <= limit else {
                    throw FormatError(offset: consumed, reason: "LZ4 frame expands past the declared \(limit) bytes")
                }
                try output.withUnsafeBytes { buffer in try sink(UnsafeRawBufferPointer(rebasing: buffer[0..<destinationSize])) }
            }
            if hint == 0 { isComplete = true; continue }
            // A call that neither consumed nor produced anything means the decoder waits for more input.
            if sourceSize == 0 && destinationSize == 0 {
                if position >= input.count { return }
                throw FormatError(offset: consumed, reason: "LZ4 decoder made no progress")
            }
        }
    }

    /// Decompresses a whole frame held in memory (tests, fuzzing); throws unless it is exactly one complete frame.
    public static func decompress(_ frame: [UInt8], limit: UInt64) throws -> [UInt8] {
        let decoder = try LZ4FrameDecoder(limit: limit)
        var out: [UInt8] = []
        try frame.withUnsafeBytes { raw in try decoder.feed(raw) { out.append(contentsOf: $0) } }
        guard decoder.isComplete else { throw FormatError(offset: frame.count, reason: "truncated LZ4 frame") }
        return out
    }
}
