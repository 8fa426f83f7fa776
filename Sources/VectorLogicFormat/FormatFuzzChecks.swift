/// The round-trip properties the fuzz targets check (`Fuzz/Sources/<Target>/main.swift`) and the fail-case replay
/// tests repeat, defined once beside the decoders they exercise. Each returns nil when the input is refused or passes,
/// else the property that broke; none may trap. Byte-exact comparisons, because the fuzzer makes NaNs (NaN != NaN).
@_spi(Fuzzing) public enum FormatFuzzChecks {
    /// `GraphSection.decode` → `encode` gives back the input, and `open` accepts it with the header's count and metric.
    public static func graphSection(_ input: UnsafeRawBufferPointer) -> String? {
        guard let value = try? GraphSection.decode(input) else { return nil }
        guard GraphSection.encode(value).elementsEqual(input) else { return "an accepted graph section re-encodes differently" }
        guard (try? GraphSection.open(input, metric: value.header.metric, count: value.header.count)) != nil else {
            return "a decodable graph section does not open"
        }
        return nil
    }

    /// The first byte is a record type, the rest its payload: an accepted payload re-encodes to the same type and bytes.
    public static func logPayload(_ input: UnsafeRawBufferPointer) -> String? {
        guard let type = input.first else { return nil }
        let payload = Array(input.dropFirst())
        guard let entry = try? EngineLogPayload.decode(type: type, payload: payload) else { return nil }
        let encoded = EngineLogPayload.encode(entry)
        guard encoded.type == type, encoded.payload == payload else { return "an accepted log payload re-encodes differently" }
        return nil
    }

    /// The input is an index without its CRC (the check appends the right one, so the fuzzer reaches the entries):
    /// accepted entries re-encode to exactly those bytes; the input as it is must not trap either.
    public static func snapshotIndex(_ input: UnsafeRawBufferPointer) -> String? {
        _ = try? SnapshotIndex.decode(input)
        var sealed = Array(input)
        sealed.appendLE(CRC32C.mask(CRC32C.checksum(input)))
        guard let entries = try? withRawBytes(sealed, { raw throws(FormatError) in try SnapshotIndex.decode(raw) }) else { return nil }
        guard SnapshotIndex.encode(entries) == sealed else { return "an accepted snapshot index re-encodes differently" }
        return nil
    }
}
