import VectorLogicJSON

/// The stored-metadata fuzz property (`Fuzz/Sources/FuzzMetadataCodec`, replayed by `FuzzCheckReplayEngineTests`).
/// Stored metadata is compact JSON text read without parsing (`JSONSpans`), so arbitrary bytes must never trap the
/// span scanner or the parser; text that parses re-encodes to a fixed point (one round of `JSONWriter` gives bytes
/// that parse and re-encode to the same bytes) whose top-level key count the scanner agrees with.
/// Nil when the input is refused or passes, else what broke.
@_spi(Fuzzing) public enum EngineFuzzChecks {
    /// Checks stored metadata bytes as segments and the log keep them.
    public static func metadata(_ input: UnsafeRawBufferPointer) -> String? {
        guard let stored = CompactJSON(stored: input) else { return nil }  // empty: no metadata
        _ = stored.objectKeyCount  // the scanner filters use: total over any bytes
        guard let value = try? stored.value() else { return nil }  // refused
        let once = CompactJSON(value)
        guard let reparsed = try? once.value() else { return "re-encoded metadata does not parse" }
        guard CompactJSON(reparsed) == once else { return "re-encoded metadata is not a fixed point" }
        if case .object(let object) = value, once.objectKeyCount != object.count {
            return "the span scanner counts \(once.objectKeyCount) keys, the parser \(object.count)"
        }
        return nil
    }
}
