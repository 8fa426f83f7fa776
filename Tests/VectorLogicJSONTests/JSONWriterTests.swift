import VectorLogicIO
import Testing
import VectorLogicJSON

@Suite struct JSONWriterTests {
    /// Output is compact, keeps key order, and escapes only what JSON requires (no HTML or slash escaping).
    @Test func writesCompactJSONInKeyOrder() {
        let value: JSONValue = .object(JSONObject([
            ("z", .number(1)), ("a", .array([.null, .bool(true), .string("</script>&'/")])),
            ("s", .string("q\"b\\n\n\t\u{1}é😀")),
        ]))
        #expect(JSONWriter.string(value) == #"{"z":1,"a":[null,true,"</script>&'/"],"s":"q\"b\\n\n\t\u0001é😀"}"#)
    }

    /// Integral numbers below 2^53 have no ".0"; others use the shortest round-trip text.
    @Test func numbersUseIntegerOrShortestForm() {
        let cases: [(Double, String)] = [
            (1, "1"), (-42, "-42"), (0, "0"), (-0.0, "-0"), (0.1, "0.1"), (1.5, "1.5"),
            (9_007_199_254_740_991, "9007199254740991"), (9_007_199_254_740_992, "9007199254740992.0"), (1e16, "1e+16"),
            (1e300, "1e+300"), (5e-324, "5e-324"), (.nan, "null"), (.infinity, "null"),
        ]
        for (number, text) in cases {
            #expect(JSONWriter.string(.number(number)) == text, "\(number)")
        }
    }

    /// Float arrays are written compactly with the shortest text that reads back to the same Float.
    @Test func floatArraysWriteShortest() {
        var buffer: [UInt8] = []
        JSONWriter.writeFloatArray([1, -0.5, 0.1, 3.4028235e38, 1e-45], into: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "[1,-0.5,0.1,3.4028235e+38,1e-45]")
    }

    /// Random documents round-trip: parse(write(v)) == v and writing again gives the same bytes.
    @Test func randomDocumentsRoundTrip() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("randomDocumentsRoundTrip seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for _ in 0..<2_000 {
            let value = randomJSONValue(&rng)
            let bytes = JSONWriter.bytes(value)
            let parsed = try parseBytes(bytes)
            #expect(parsed == value, "seed \(seed)")
            #expect(JSONWriter.bytes(parsed) == bytes, "seed \(seed)")
        }
    }
}
