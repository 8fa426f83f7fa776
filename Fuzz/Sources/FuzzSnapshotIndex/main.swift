// Fuzzes the snapshot index (SnapshotIndex.decode, data-format.md "Snapshot file"): the input is an index without its
// CRC, which the check appends so the fuzzer reaches the entries; accepted entries re-encode byte-exactly.
@_spi(Fuzzing) import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSnapshotIndex(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let failure = FormatFuzzChecks.snapshotIndex(input) { preconditionFailure(failure) }
    return 0
}
