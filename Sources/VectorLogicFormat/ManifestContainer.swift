/// The manifest file container (data-format.md, "Manifest container"):
/// magic 8 | version u32 | flags u32 | body length u64 | body | masked crc32c u32 of everything before it.
/// The body belongs to the engine; the container only makes a half-written or damaged manifest detectable.
public enum ManifestContainer {
    /// "VLMAN\r\n\u{1A}" (see `LogFraming.magic` for the CR LF SUB rationale).
    public static let magic: [UInt8] = [0x56, 0x4C, 0x4D, 0x41, 0x4E, 0x0D, 0x0A, 0x1A]
    /// The format version this build writes and reads.
    public static let version: UInt32 = 1
    /// Bytes before the body: magic 8, version 4, flags 4, body length 8.
    public static let headerSize = 24
    /// Bytes after the body: the masked CRC.
    public static let trailerSize = 4
    /// The largest body accepted (256 MiB): the manifest lists collections and segments, never vectors.
    public static let maxBodyLength = 256 << 20

    /// Wraps a body into a complete manifest file image.
    /// - Precondition: `body.count <= maxBodyLength`.
    public static func encode(body: [UInt8]) -> [UInt8] {
        precondition(body.count <= maxBodyLength, "manifest body exceeds maxBodyLength")
        var out = magic
        out.reserveCapacity(headerSize + body.count + trailerSize)
        out.appendLE(version)
        out.appendLE(UInt32(0))  // flags: none in version 1
        out.appendLE(UInt64(body.count))
        out.append(contentsOf: body)
        let crc = out.withUnsafeBytes { CRC32C.checksum($0) }
        out.appendLE(CRC32C.mask(crc))
        return out
    }

    /// Checks magic, version, exact length and checksum, and returns the body. Total: throws on any damage.
    public static func decode(_ file: UnsafeRawBufferPointer) throws(FormatError) -> [UInt8] {
        guard file.count >= headerSize + trailerSize else {
            throw FormatError(offset: 0, reason: "manifest of \(file.count) bytes is shorter than its header")
        }
        guard file.sub(0, 8).elementsEqual(magic) else { throw FormatError(offset: 0, reason: "not a VectorLogic manifest (bad magic)") }
        let length = file.le64(at: 16)
        guard length <= UInt64(maxBodyLength), Int(length) == file.count - headerSize - trailerSize else {
            throw FormatError(offset: 16, reason: "manifest body length \(length) does not match the file size \(file.count)")
        }
        let end = headerSize + Int(length)
        guard CRC32C.checksum(file.sub(0, end)) == CRC32C.unmask(file.le32(at: end)) else {
            throw FormatError(offset: end, reason: "manifest checksum mismatch")
        }
        let fileVersion = file.le32(at: 8)
        guard fileVersion == version else {
            throw FormatError(offset: 8, reason: "unsupported manifest format version \(fileVersion) (this build reads \(version))")
        }
        guard file.le32(at: 12) == 0 else {
            throw FormatError(offset: 12, reason: "manifest flags \(file.le32(at: 12)) are not defined in version \(version)")
        }
        return Array(file.sub(headerSize, Int(length)))
    }

    /// Decodes a manifest held in an array.
    public static func decode(_ file: [UInt8]) throws(FormatError) -> [UInt8] {
        // withUnsafeBytes rethrows untyped errors, so carry the typed error out in a Result.
        let result = file.withUnsafeBytes { buffer in Result { () throws(FormatError) -> [UInt8] in try decode(buffer) } }
        return try result.get()
    }
}
