// Fuzzes the metadata codec as segments and logs store it (compact JSON): decoded metadata re-encodes to bytes that
// decode and re-encode to the same bytes (EngineFuzzChecks.metadata).
@_spi(Fuzzing) import VectorLogicEngine

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzMetadataCodec(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let failure = EngineFuzzChecks.metadata(input) { preconditionFailure(failure) }
    return 0
}
