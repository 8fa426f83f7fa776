// Fuzzes the persona, key and search request bodies (POST/PUT /personas, memories, memory search, POST /v1/keys,
// POST …/search, …/search/batch and the short /vectors/search) exactly as
// the routes decode them: the accepted fields, written back as JSON, are accepted again unchanged (ServerFuzzChecks).
@_spi(Fuzzing) import VectorLogicServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRequestBodies(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    if let failure = ServerFuzzChecks.requestBodies(input) { preconditionFailure(failure) }
    return 0
}
