// Fuzzes the engine's log record payloads (EngineLogPayload: collection and vector records, data-format.md "Log record
// payloads"): byte 0 is the record type, the rest the payload; an accepted payload re-encodes byte-exactly.
@_spi(Fuzzing) import VectorLogicFormat

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzLogPayload(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let failure = FormatFuzzChecks.logPayload(input) { preconditionFailure(failure) }
    return 0
}
