// Fuzzes the HNSW graph section codec (GraphSection.decode/encode/open, data-format.md "HNSW graph section"): never
// trap; an accepted section re-encodes byte-exactly and opens with its own count and metric (FormatFuzzChecks).
@_spi(Fuzzing) import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGraphSection(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let failure = FormatFuzzChecks.graphSection(input) { preconditionFailure(failure) }
    return 0
}
