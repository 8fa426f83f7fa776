// Fuzzes JSONParser.parse: never trap; writing an accepted value and parsing it again gives the same bytes when written
// (byte comparison, not ==, because NaN != NaN — although the parser should never produce NaN).
// Also fuzzes JSONSpans (how filters read stored metadata): scanning any bytes never traps, and on the compact text
// of an accepted object every key is found and its span holds exactly that key's value.
import VectorLogicJSON

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = UnsafeRawBufferPointer(start: data, count: data == nil ? 0 : size)
    JSONSpans.forEachMember(of: input[...]) { _, value in
        _ = JSONSpans.value(value)
        return true
    }
    guard let value = try? JSONParser.parse(input) else { return 0 }
    let written = JSONWriter.bytes(value)
    guard let reparsed = try? JSONParser.parse(written) else { preconditionFailure("writer output does not parse") }
    precondition(JSONWriter.bytes(reparsed) == written, "write(parse(write(v))) != write(v)")
    guard case .object(let object) = value else { return 0 }
    let text = CompactJSON(value)
    precondition(text.objectKeyCount == object.count, "objectKeyCount differs from the parsed object's key count")
    text.bytes.withUnsafeBytes { raw in
        for (key, member) in object.entries {
            let escaped = JSONSpans.escapedKey(key)
            guard let span = JSONSpans.member(escaped, name: key, keyIsASCII: escaped.allSatisfy { $0 < 0x80 }, in: raw[...]),
                  let found = JSONSpans.value(span) else { preconditionFailure("key \(key) not found in the compact text") }
            precondition(JSONWriter.bytes(found) == JSONWriter.bytes(member), "the span of \(key) holds another value")
        }
    }
    return 0
}
