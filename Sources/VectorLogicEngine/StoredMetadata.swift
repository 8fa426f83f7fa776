import VectorLogicJSON
import VectorLogicFilter

/// Metadata as the engine keeps it: the compact JSON text of a `CompactJSON` (data-format.md "Log record payloads",
/// "Segment sections"), the empty byte string standing for "no metadata". The same bytes are logged, kept in the
/// memtable, written to segments and handed back; they are parsed only to merge a PATCH (`Database.patchMetadata`).
extension CompactJSON {
    /// The metadata of stored bytes: nil for the empty string (no metadata).
    init?(stored bytes: [UInt8]) {
        guard !bytes.isEmpty else { return nil }
        self.init(writtenBytes: bytes)
    }

    /// The metadata of stored bytes in a mapped segment, copied out: nil for none.
    init?(stored bytes: UnsafeRawBufferPointer) {
        guard !bytes.isEmpty else { return nil }
        self.init(writtenBytes: Array(bytes))
    }
}

extension CompiledFilter {
    /// Whether a row with these stored metadata bytes (empty for none) passes, scanning the text in place.
    @inline(__always)
    func matches(stored bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { matches(text: $0) }
    }
}
