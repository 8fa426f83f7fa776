// Fuzzes JSONParser.parse: never trap; writing an accepted value and parsing it again gives the same bytes when written
// (byte comparison, not ==, because NaN != NaN — although the parser should never produce NaN).
import VectorLogicJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let value = try? JSONParser.parse(input) else { return 0 }
    let written = JSONWriter.bytes(value)
    guard let reparsed = try? JSONParser.parse(written) else { preconditionFailure("writer output does not parse") }
    precondition(JSONWriter.bytes(reparsed) == written, "write(parse(write(v))) != write(v)")
    return 0
}
