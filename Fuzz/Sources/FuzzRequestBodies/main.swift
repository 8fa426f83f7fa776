// Fuzzes the persona and key request bodies (POST/PUT /personas, memories, memory search, POST /v1/keys) exactly as
// the routes decode them: the accepted fields, written back as JSON, are accepted again unchanged (ServerFuzzChecks).
@_spi(Fuzzing) import VectorLogicServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestBodies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let failure = ServerFuzzChecks.personaAndKeyBodies(input) { preconditionFailure(failure) }
    return 0
}
