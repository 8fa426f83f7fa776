import VectorLogicIO
import Testing
import VectorLogicJSON

@Suite struct JSONParserTests {
    /// Every kind of value parses to the expected JSONValue, keys in document order.
    @Test func parsesEveryKindOfValue() throws {
        let value = try JSONParser.parse(#" { "b" : [1, -2.5, 1e3, true, false, null], "a": {"x": "y"}, "s": "\u00e9\n" } "#)
        guard case .object(let object) = value else { Issue.record("not an object"); return }
        #expect(object.keys == ["b", "a", "s"])
        #expect(object["b"] == .array([.number(1), .number(-2.5), .number(1000), .bool(true), .bool(false), .null]))
        #expect(object["a"] == .object(JSONObject([("x", .string("y"))])))
        #expect(object["s"] == .string("é\n"))
    }

    /// A repeated key keeps its last value in its first position, also past the size where an index is built.
    @Test func repeatedKeyKeepsLastValueInFirstPosition() throws {
        let small = try JSONParser.parse(#"{"a":1,"b":2,"a":3}"#)
        guard case .object(let object) = small else { Issue.record("not an object"); return }
        #expect(object.keys == ["a", "b"])
        #expect(object["a"] == .number(3))
        let keys = (0..<40).map { "\"k\($0)\":\($0)" }.joined(separator: ",")
        let large = try JSONParser.parse("{\(keys),\"k3\":\"again\"}")
        guard case .object(let big) = large else { Issue.record("not an object"); return }
        #expect(big.count == 40)
        #expect(big.keys[3] == "k3")
        #expect(big["k3"] == .string("again"))
    }

    /// Escapes decode, including surrogate pairs into one scalar.
    @Test func escapesDecode() throws {
        #expect(try JSONParser.parse(#""\"\\\/\b\f\n\r\t""#) == .string("\"\\/\u{8}\u{C}\n\r\t"))
        #expect(try JSONParser.parse(#""\uD83D\uDE00""#) == .string("😀"))
        #expect(try JSONParser.parse(#""\u0000""#) == .string("\u{0}"))
        #expect(try parseBytes([0x22, 0xE2, 0x82, 0xAC, 0xF0, 0x9F, 0x98, 0x80, 0x22]) == .string("€😀"))
    }

    /// Numbers are the correctly rounded Doubles of their text, on the fast path and off it.
    @Test func numbersMatchTheStandardLibrary() throws {
        let texts = ["0", "-0", "1", "-1", "0.1", "0.3", "123456789012345678", "1.7976931348623157e308",
                     "2.2250738585072014e-308", "5e-324", "4.9e-324", "1e-400", "9007199254740993", "0.000001",
                     "123.456e-7", "1E+2", "1e22", "1e23", "3.141592653589793238462643383279", "-12345678901234567890123"]
        for text in texts {
            let parsed = try JSONParser.parse(text)
            let expected = Double(text) ?? .nan
            #expect(parsed == .number(expected), "\(text)")
        }
        guard case .number(let negativeZero) = try JSONParser.parse("-0") else { return }
        #expect(negativeZero.sign == .minus)
    }

    /// Random Doubles written as their shortest text read back bit-identically.
    @Test func randomDoublesRoundTrip() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("randomDoublesRoundTrip seed \(seed)")
        var rng = SplitMix64(seed: seed)
        for _ in 0..<20_000 {
            let value = Double(bitPattern: rng.next())
            guard value.isFinite else { continue }
            let text = JSONWriter.string(.number(value))
            #expect(try JSONParser.parse(text) == .number(value), "\(text) seed \(seed)")
        }
    }

    /// Each class of invalid document is rejected with an error, never a trap.
    @Test(arguments: [
        "", " ", "nul", "tru", "NaN", "-NaN", "Infinity", "-Infinity", "[NaN]", "{\"a\":Infinity}",
        "01", "-01", "1.", ".5", "+1", "1e", "1e+", "-", "0x10", "1.5e", "[1,]", "[,1]", "[1 2]", "{\"a\":1,}",
        "{\"a\" 1}", "{a:1}", "{\"a\":}", "{,}", "[", "{", "\"abc", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"",
        "\"\\uD800\"", "\"\\uDC00\"", "\"\\uD800\\u0041\"", "\"\\uD800x\"", "\"a\tb\"", "\"a\nb\"",
        "1 2", "{} x", "[]]", "truex", "nullnull", "1e400", "-1e400", "1e99999999999",
        "123456789012345678901234567890e300", "'a'", "[1;2]",
    ])
    func rejectsInvalidDocuments(_ text: String) {
        #expect(throws: JSONParseError.self, "\(text)") { try JSONParser.parse(text) }
    }

    /// Invalid UTF-8 (stray continuation, overlong, encoded surrogate, beyond U+10FFFF, truncated) is rejected.
    @Test(arguments: [
        [0x22, 0xFF, 0x22], [0x22, 0x80, 0x22], [0x22, 0xC0, 0x80, 0x22], [0x22, 0xC1, 0xBF, 0x22],
        [0x22, 0xE0, 0x80, 0x80, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22], [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
        [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], [0x22, 0xE2, 0x82, 0x22], [0x22, 0xE2, 0x82], [0x22, 0xF0, 0x9F, 0x98],
        [0xEF, 0xBB, 0xBF, 0x31], [0x7B, 0xFF, 0x7D],
    ] as [[UInt8]])
    func rejectsInvalidUTF8(_ bytes: [UInt8]) {
        #expect(throws: JSONParseError.self, "\(bytes)") { try parseBytes(bytes) }
    }

    /// Nesting up to the limit parses; one level more is rejected (arrays and objects alike).
    @Test func depthLimitIsEnforced() throws {
        let limit = JSONLimits.default.maxDepth
        _ = try JSONParser.parse(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        #expect(throws: JSONParseError.self) {
            try JSONParser.parse(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))
        }
        let objects = String(repeating: "{\"a\":", count: limit + 1) + "1" + String(repeating: "}", count: limit + 1)
        #expect(throws: JSONParseError.self) { try JSONParser.parse(objects) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(String(repeating: "[", count: 100_000)) }
    }

    /// String and number size limits are enforced.
    @Test func sizeLimitsAreEnforced() {
        let limits = JSONLimits(maxDepth: 8, maxStringBytes: 4, maxNumberBytes: 5)
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"abcde\"", limits: limits) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("\"abcd\\n\"", limits: limits) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse("123456", limits: limits) }
        #expect((try? JSONParser.parse("\"abcd\"", limits: limits)) == .string("abcd"))
    }

    /// The error names the byte offset of the problem.
    @Test func errorCarriesOffset() {
        do {
            _ = try JSONParser.parse("[1, 2, x]")
            Issue.record("accepted")
        } catch {
            #expect(error.offset == 7)
        }
    }

    /// Random bytes and random mutations of valid documents never trap; whatever parses re-serialises and re-parses equal.
    @Test func randomGarbageNeverTraps() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("randomGarbageNeverTraps seed \(seed)")
        var rng = SplitMix64(seed: seed)
        let interesting: [UInt8] = Array("{}[],:\"\\0123456789-+.eEtrufalsn u".utf8) + [0x00, 0x1F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
        for round in 0..<3_000 {
            var bytes: [UInt8]
            if round % 2 == 0 {
                bytes = (0..<Int.random(in: 0..<40, using: &rng)).map { _ in
                    interesting[Int.random(in: 0..<interesting.count, using: &rng)]
                }
            } else {
                bytes = JSONWriter.bytes(randomJSONValue(&rng))
                for _ in 0..<Int.random(in: 1...3, using: &rng) where !bytes.isEmpty {
                    let position = Int.random(in: 0..<bytes.count, using: &rng)
                    switch Int.random(in: 0..<3, using: &rng) {
                    case 0: bytes[position] = interesting[Int.random(in: 0..<interesting.count, using: &rng)]
                    case 1: bytes.remove(at: position)
                    default: bytes.insert(interesting[Int.random(in: 0..<interesting.count, using: &rng)], at: position)
                    }
                }
            }
            if let value = try? parseBytes(bytes) {
                let again = try parseBytes(JSONWriter.bytes(value))
                #expect(JSONWriter.bytes(again) == JSONWriter.bytes(value), "seed \(seed) round \(round)")
            }
        }
    }
}
