/// The metadata codec's fuzz property (`Fuzz/Sources/FuzzMetadataCodec`, replayed by `FailCaseReplayEngineTests`):
/// stored metadata that decodes re-encodes to bytes that decode again and re-encode to the same bytes (compact JSON
/// is a fixed point after one round); nothing traps. Nil when the input is refused or passes, else what broke.
@_spi(Fuzzing) public enum EngineFuzzChecks {
    /// Checks `MetadataCodec` on stored metadata bytes.
    public static func metadata(_ input: UnsafeRawBufferPointer) -> String? {
        guard let value = try? MetadataCodec.decode(input) else { return nil }  // refused, or empty (no metadata)
        let once = MetadataCodec.encode(value)
        guard let reparsed = try? MetadataCodec.decode(once) else { return "re-encoded metadata does not decode" }
        guard MetadataCodec.encode(reparsed) == once else { return "re-encoded metadata is not a fixed point" }
        return nil
    }
}
