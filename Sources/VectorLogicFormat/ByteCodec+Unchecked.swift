// Fixed-offset little-endian loads for decoders that have already bounds-checked a whole header
// (the WAL scanner and the container parsers), so the hot path does not re-check each field.
extension UnsafeRawBufferPointer {
    /// Little-endian UInt32 at `offset`. Caller guarantees `offset + 4 <= count`.
    func le32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }

    /// Little-endian UInt64 at `offset`. Caller guarantees `offset + 8 <= count`.
    func le64(at offset: Int) -> UInt64 {
        UInt64(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The sub-buffer `[offset, offset + count)`. Caller guarantees it lies inside.
    func sub(_ offset: Int, _ count: Int) -> UnsafeRawBufferPointer {
        count == 0 ? UnsafeRawBufferPointer(start: nil, count: 0) : UnsafeRawBufferPointer(rebasing: self[offset..<(offset + count)])
    }
}

extension Array where Element == UInt8 {
    /// Appends a little-endian fixed-width integer.
    mutating func appendLE<T: FixedWidthInteger>(_ value: T) {
        Swift.withUnsafeBytes(of: value.littleEndian) { append(contentsOf: $0) }
    }
}
