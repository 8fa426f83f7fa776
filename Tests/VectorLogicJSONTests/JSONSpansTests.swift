import Testing
import VectorLogicIO
import VectorLogicJSON

/// Finding values in compact JSON text without a tree (how filters read stored metadata).
@Suite struct JSONSpansTests {
    func member(_ key: String, in text: String) -> String? {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { raw in
            let escaped = JSONSpans.escapedKey(key)
            return JSONSpans.member(escaped, name: key, keyIsASCII: escaped.allSatisfy { $0 < 0x80 }, in: raw[...])
                .map { String(decoding: UnsafeRawBufferPointer(rebasing: $0), as: UTF8.self) }
        }
    }

    /// A key is found past values that hold brackets, quotes and escapes inside strings, and nested containers.
    @Test func memberSkipsEveryKindOfValue() {
        let text = #"{"a":"}]\"{","b":[{"x":"]"},[]],"c":{"d":{"e":1}},"n":-1.5e3,"t":true,"z":null,"q\"k":7}"#
        #expect(member("a", in: text) == #""}]\"{""#)
        #expect(member("b", in: text) == #"[{"x":"]"},[]]"#)
        #expect(member("c", in: text) == #"{"d":{"e":1}}"#)
        #expect(member("n", in: text) == "-1.5e3")
        #expect(member("z", in: text) == "null")
        #expect(member("q\"k", in: text) == "7")
        #expect(member("x", in: text) == nil)
        #expect(member("e", in: text) == nil)
        #expect(member("a", in: #"{ "a" : [ 1 , 2 ] , "b" : 2 }"#) == "[ 1 , 2 ]")
        #expect(member("a", in: "[1]") == nil)
        #expect(member("a", in: "{}") == nil)
    }

    /// The key count of compact text equals the parsed object's, on random objects.
    @Test func objectKeyCountMatchesParsedObject() {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        for _ in 0..<500 {
            var object = JSONObject()
            for _ in 0..<Int.random(in: 0..<8, using: &rng) { object[randomString(&rng)] = randomJSONValue(&rng) }
            let text = CompactJSON(.object(object))
            #expect(text.isObject)
            #expect(text.objectKeyCount == object.count, "seed \(seed): \(text.text)")
        }
        #expect(CompactJSON(.array([.number(1)])).objectKeyCount == 0)
        #expect(!CompactJSON(.array([])).isObject)
    }

    /// Truncated or corrupted text never traps: every prefix and every one-byte change of a document is scanned
    /// (out-of-bounds reads would trap the test process).
    @Test func damagedTextNeverTraps() throws {
        let original = Array(#"{"a":"x\"y","b":[1,{"c":[]}],"d":{"e":"\u00e9"},"f":-0.5}"#.utf8)
        var variants: [[UInt8]] = (0...original.count).map { Array(original.prefix($0)) }
        for index in original.indices {
            for replacement: UInt8 in [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x00, 0xFF] {
                var copy = original
                copy[index] = replacement
                variants.append(copy)
            }
        }
        for variant in variants {
            variant.withUnsafeBytes { raw in
                JSONSpans.forEachMember(of: raw[...]) { _, value in
                    _ = JSONSpans.value(value)
                    return true
                }
                for key in ["a", "b", "d", "f", "zz"] {
                    let escaped = JSONSpans.escapedKey(key)
                    _ = JSONSpans.member(escaped, name: key, keyIsASCII: true, in: raw[...])
                }
            }
        }
    }

    /// Stored text round-trips: `CompactJSON` keeps the writer's bytes and parses back to the same value.
    @Test func compactTextRoundTrips() throws {
        let value = try JSONParser.parse(#"{ "z" : 1, "a": [1.50, "é"], "z": 2 }"#)
        let text = CompactJSON(value)
        #expect(text.text == #"{"z":2,"a":[1.5,"é"]}"#)
        #expect(try text.value() == value)
        let parsed = try Array(#"{ "z" : 1, "a": [1.50, "é"], "z": 2 }"#.utf8).withUnsafeBytes { raw in try CompactJSON(parsing: raw) }
        #expect(parsed == text)
    }
}
