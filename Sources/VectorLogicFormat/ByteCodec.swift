/// Appends little-endian, explicitly sized fields to a byte array (data-format.md, introduction:
/// "all integers are little-endian with explicit widths"). Never fails.
public struct ByteWriter: Sendable {
    /// The bytes written so far.
    public var bytes: [UInt8]

    /// An empty writer with room for `capacity` bytes before it reallocates.
    public init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(max(0, capacity))
    }

    /// The number of bytes written so far.
    public var count: Int { bytes.count }

    /// Appends one byte.
    public mutating func u8(_ value: UInt8) { bytes.append(value) }

    /// Appends a little-endian UInt16.
    public mutating func u16(_ value: UInt16) { appendLittleEndian(value) }

    /// Appends a little-endian UInt32.
    public mutating func u32(_ value: UInt32) { appendLittleEndian(value) }

    /// Appends a little-endian UInt64.
    public mutating func u64(_ value: UInt64) { appendLittleEndian(value) }

    /// Appends a little-endian two's-complement Int64.
    public mutating func i64(_ value: Int64) { appendLittleEndian(UInt64(bitPattern: value)) }

    /// Appends an IEEE-754 binary32 by bit pattern (NaN payloads and -0 are preserved exactly).
    public mutating func f32(_ value: Float) { appendLittleEndian(value.bitPattern) }

    /// Appends an IEEE-754 binary64 by bit pattern.
    public mutating func f64(_ value: Double) { appendLittleEndian(value.bitPattern) }

    /// Appends raw bytes with no length.
    public mutating func bytes(_ value: [UInt8]) { bytes.append(contentsOf: value) }

    /// Appends raw bytes with no length.
    public mutating func bytes(_ value: UnsafeRawBufferPointer) { bytes.append(contentsOf: value) }

    /// Appends `count` zero bytes (padding).
    public mutating func zeros(_ count: Int) {
        if count > 0 { bytes.append(contentsOf: repeatElement(0, count: count)) }
    }

    /// Appends a u32 byte count followed by the bytes; read back with `ByteReader.lengthPrefixed(limit:)`.
    /// - Precondition: `value.count` fits in a UInt32 (a programmer error otherwise: callers cap their inputs).
    public mutating func lengthPrefixed(_ value: [UInt8]) {
        precondition(value.count <= Int(UInt32.max), "length-prefixed field longer than 4 GiB")
        u32(UInt32(value.count))
        bytes.append(contentsOf: value)
    }

    /// Appends a u32 byte count followed by the string's UTF-8 bytes.
    public mutating func string(_ value: String) { lengthPrefixed(Array(value.utf8)) }

    /// Overwrites a little-endian UInt32 at `offset` (for back-patching a length or checksum).
    /// - Precondition: `offset + 4 <= count`.
    public mutating func patchU32(_ value: UInt32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= bytes.count, "patch outside the written bytes")
        for i in 0..<4 { bytes[offset + i] = UInt8(truncatingIfNeeded: value >> (8 * UInt32(i))) }
    }

    private mutating func appendLittleEndian<T: FixedWidthInteger>(_ value: T) {
        withUnsafeBytes(of: value.littleEndian) { bytes.append(contentsOf: $0) }
    }
}

/// Reads little-endian fields from a borrowed buffer. Total: every read checks the remaining length first and throws
/// `FormatError` (with the offset of the field) on short input; lengths read from the input are checked against the
/// bytes actually remaining, and against the caller's limit, before anything is allocated.
/// The buffer must outlive the reader.
public struct ByteReader {
    /// The buffer being read.
    public let buffer: UnsafeRawBufferPointer
    /// The offset of the next byte to read.
    public var offset: Int

    /// A reader positioned at the start of `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer) {
        buffer = bytes
        offset = 0
    }

    /// Bytes left to read.
    public var remaining: Int { buffer.count - offset }

    /// Whether every byte has been read.
    public var isAtEnd: Bool { offset >= buffer.count }

    /// Reads one byte.
    public mutating func u8() throws(FormatError) -> UInt8 {
        try require(1, "u8")
        let value = buffer[offset]
        offset += 1
        return value
    }

    /// Reads a little-endian UInt16.
    public mutating func u16() throws(FormatError) -> UInt16 { try readLittleEndian(UInt16.self, "u16") }

    /// Reads a little-endian UInt32.
    public mutating func u32() throws(FormatError) -> UInt32 { try readLittleEndian(UInt32.self, "u32") }

    /// Reads a little-endian UInt64.
    public mutating func u64() throws(FormatError) -> UInt64 { try readLittleEndian(UInt64.self, "u64") }

    /// Reads a little-endian Int64.
    public mutating func i64() throws(FormatError) -> Int64 { Int64(bitPattern: try readLittleEndian(UInt64.self, "i64")) }

    /// Reads an IEEE-754 binary32 by bit pattern.
    public mutating func f32() throws(FormatError) -> Float { Float(bitPattern: try readLittleEndian(UInt32.self, "f32")) }

    /// Reads an IEEE-754 binary64 by bit pattern.
    public mutating func f64() throws(FormatError) -> Double { Double(bitPattern: try readLittleEndian(UInt64.self, "f64")) }

    /// Reads `count` raw bytes into a new array (checked against the remaining bytes before allocating).
    public mutating func bytes(count: Int) throws(FormatError) -> [UInt8] {
        Array(try slice(count: count))
    }

    /// Borrows the next `count` bytes without copying; valid as long as the buffer.
    public mutating func slice(count: Int) throws(FormatError) -> UnsafeRawBufferPointer {
        guard count >= 0 else { throw FormatError(offset: offset, reason: "negative length \(count)") }
        try require(count, "\(count)-byte field")
        let result = count == 0
            ? UnsafeRawBufferPointer(start: nil, count: 0)
            : UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + count)])
        offset += count
        return result
    }

    /// Skips `count` bytes.
    public mutating func skip(_ count: Int) throws(FormatError) {
        _ = try slice(count: count)
    }

    /// Reads a u32 length and that many bytes; throws when the length exceeds `limit` or the remaining input.
    public mutating func lengthPrefixed(limit: Int) throws(FormatError) -> [UInt8] {
        let start = offset
        let length = Int(try u32())
        guard length <= limit else {
            offset = start
            throw FormatError(offset: start, reason: "length \(length) exceeds the limit \(limit)")
        }
        return try bytes(count: length)
    }

    /// Reads a u32 length and that many bytes as UTF-8; throws on a bad length or invalid UTF-8.
    public mutating func string(limit: Int) throws(FormatError) -> String {
        let start = offset
        let raw = try lengthPrefixed(limit: limit)
        guard let value = String(validating: raw, as: UTF8.self) else {
            throw FormatError(offset: start, reason: "string is not valid UTF-8")
        }
        return value
    }

    /// Throws unless every byte has been consumed (trailing garbage is an error, not ignored).
    public func expectEnd() throws(FormatError) {
        guard offset == buffer.count else {
            throw FormatError(offset: offset, reason: "\(buffer.count - offset) unexpected trailing bytes")
        }
    }

    private func require(_ count: Int, _ what: String) throws(FormatError) {
        guard offset >= 0, count <= buffer.count - offset else {
            throw FormatError(offset: offset, reason: "truncated: \(what) needs \(count) bytes, \(max(0, buffer.count - offset)) left")
        }
    }

    private mutating func readLittleEndian<T: FixedWidthInteger>(_: T.Type, _ what: String) throws(FormatError) -> T {
        try require(MemoryLayout<T>.size, what)
        let value = buffer.loadUnaligned(fromByteOffset: offset, as: T.self)
        offset += MemoryLayout<T>.size
        return T(littleEndian: value)
    }
}
