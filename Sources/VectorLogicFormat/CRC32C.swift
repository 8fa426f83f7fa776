internal import CVectorLogicCRC

/// CRC32C (Castagnoli): the checksum of every VectorLogic file (data-format.md, introduction).
/// Hardware `crc32` (SSE4.2) when the CPU has it, a table otherwise; both give identical results.
public enum CRC32C {
    /// The CRC32C of `bytes`, continuing from `seed` (a previous result, or 0 to start):
    /// `checksum(b, seed: checksum(a)) == checksum(a ++ b)`.
    public static func checksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        extend(seed, bytes)
    }

    /// The CRC32C of a byte array, continuing from `seed`.
    public static func checksum(_ bytes: [UInt8], seed: UInt32 = 0) -> UInt32 {
        bytes.withUnsafeBytes { extend(seed, $0) }
    }

    /// The CRC32C of `bytes` computed by the portable table path, whatever the CPU (for tests and benchmarks).
    public static func portableChecksum(_ bytes: UnsafeRawBufferPointer, seed: UInt32 = 0) -> UInt32 {
        vl_crc32c_extend_portable(seed, bytes.baseAddress, bytes.count)
    }

    /// Whether `checksum` uses the SSE4.2 instruction on this machine.
    public static var usesHardware: Bool { vl_crc32c_hardware_available() != 0 }

    static func extend(_ seed: UInt32, _ bytes: UnsafeRawBufferPointer) -> UInt32 {
        vl_crc32c_extend(seed, bytes.baseAddress, bytes.count)
    }

    /// The constant LevelDB adds when masking; see `mask(_:)`.
    public static let maskDelta: UInt32 = 0xa282_ead8

    /// Masks a CRC before storing it (LevelDB `crc32c::Mask`): the CRC of a byte string that itself contains
    /// embedded CRCs is otherwise prone to degenerate values, and a masked zero is not zero, so an all-zero
    /// region never passes as a checksummed one.
    @inlinable
    public static func mask(_ crc: UInt32) -> UInt32 {
        ((crc >> 15) | (crc << 17)) &+ maskDelta
    }

    /// Inverts `mask(_:)`.
    @inlinable
    public static func unmask(_ masked: UInt32) -> UInt32 {
        let rotated = masked &- maskDelta
        return (rotated >> 17) | (rotated << 15)
    }
}
