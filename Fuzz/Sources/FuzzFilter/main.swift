// Fuzzes the metadata filter: parse JSON, build a Filter from it (must throw FilterError or succeed, never trap), and
// evaluate it against a few fixed metadata objects (also must not trap), both as parsed trees and as the compact text
// the engine stores (the two must agree).
import VectorLogicFilter
import VectorLogicJSON

/// Metadata the filters are evaluated against (a static, so it is initialised lazily: libFuzzer's main never runs
/// this file's top-level code).
enum Fixtures {
    static let documents: [JSONValue] = [
        "{}", #"{"a":1,"b":"x","c":[1,2,"y"],"d":{"e":true},"f":null}"#, #"{"a":-2.5,"b":["x","z"],"c":false}"#,
    ].compactMap { try? JSONParser.parse($0) }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzFilter(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    guard let json = try? JSONParser.parse(input), let filter = try? Filter(json: json) else { return 0 }
    let compiled = CompiledFilter(filter)
    for document in Fixtures.documents {
        precondition(compiled.matches(document) == compiled.matches(CompactJSON(document)), "text and tree evaluation differ")
    }
    precondition(compiled.matches(nil as JSONValue?) == compiled.matches(nil as CompactJSON?), "text and tree differ on no metadata")
    return 0
}
