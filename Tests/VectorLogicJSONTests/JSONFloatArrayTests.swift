import VectorLogicIO
import Testing
import VectorLogicJSON

/// Decodes a whole document that must be a float array.
private func floats(_ text: String) throws(JSONParseError) -> [Float] {
    let bytes = Array(text.utf8)
    let result = bytes.withUnsafeBytes { raw in
        Result { () throws(JSONParseError) -> [Float] in try JSONParser.parseFloatArray(raw) }
    }
    return try result.get()
}

@Suite struct JSONFloatArrayTests {
    /// Arrays of numbers decode into Floats, with whitespace anywhere JSON allows it.
    @Test func decodesNumbers() throws {
        #expect(try floats("[]") == [])
        #expect(try floats(" [ 1 , -2.5,0.25e1 ,-0 ] ") == [1, -2.5, 2.5, 0])
    }

    /// Every value is what strtof (Swift's Float(String)) gives, including midpoint cases that round twice badly.
    @Test func matchesCorrectlyRoundedFloatConversion() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("matchesCorrectlyRoundedFloatConversion seed \(seed)")
        var rng = SplitMix64(seed: seed)
        var texts: [String] = ["1.00000005960464477539062499", "1.000000059604644775390625", "1.00000005960464477539062501",
                               "3.4028235e38", "3.4028235677973366e38", "1e-45", "7e-46", "1.17549435e-38", "0.1", "-0.0"]
        for _ in 0..<5_000 {
            let single = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            if single.isFinite { texts.append(single.description) }
            let digits = Int.random(in: 1...12, using: &rng)
            let mantissa = Int64.random(in: -999_999_999_999...999_999_999_999, using: &rng) % Int64(pow10(digits))
            texts.append("\(mantissa)e\(Int.random(in: -50...30, using: &rng))")
            texts.append(String(Double.random(in: -1...1, using: &rng)))
        }
        for text in texts {
            guard let expected = Float(text), expected.isFinite else { continue }
            if expected == 0 && isNonzeroLiteral(text) {
                // A nonzero number that rounds to 0 in Float32 is refused, not silently stored as 0.
                #expect(throws: JSONParseError.self, "\(text) underflows") { try floats("[\(text)]") }
                continue
            }
            let decoded: [Float]
            do { decoded = try floats("[\(text)]") } catch { Issue.record("\(text): \(error)"); continue }
            #expect(decoded.count == 1 && decoded[0].bitPattern == expected.bitPattern, "\(text) seed \(seed)")
        }
    }

    /// Texts of 17–19 significant digits (how float32 embeddings arrive) at and around the midpoints between two
    /// Floats decode exactly as strtof does: the no-strtod shortcut must give up wherever it cannot prove its answer.
    @Test func longMantissasNearMidpointsMatchStrtof() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("longMantissasNearMidpointsMatchStrtof seed \(seed)")
        var rng = SplitMix64(seed: seed)
        var texts: [String] = []
        for _ in 0..<20_000 {
            let single = Float(bitPattern: UInt32.random(in: 0x2000_0000...0x5F00_0000, using: &rng))
            let midpoint = (Double(single) + Double(single.nextUp)) / 2
            for nudge in [-2, -1, 0, 1, 2] {
                var value = midpoint
                for _ in 0..<abs(nudge) { value = nudge < 0 ? value.nextDown : value.nextUp }
                texts.append(value.description)
                texts.append(String(format19(value)))
            }
            texts.append(Double(Float.random(in: -0.5...0.5, using: &rng)).description)
        }
        var mismatches = 0
        for text in texts {
            guard let expected = Float(text), expected.isFinite else { continue }
            let decoded = try floats("[\(text)]")
            if decoded.first?.bitPattern != expected.bitPattern {
                mismatches += 1
                Issue.record("\(text): got \(decoded), strtof gives \(expected) (seed \(seed))")
                if mismatches > 5 { break }
            }
        }
    }

    /// Digit runs read eight at a time decode exactly as strtof/strtod do at every group boundary: runs of 1–30
    /// digits in the integer part and in the fraction, leading zeros inside and across groups (they are not
    /// significant), runs past the 19th significant digit, a group at the very end of the body, and bytes just outside
    /// '0'…'9' right after a group ('/' and ':' are the neighbours a sloppy range check would accept).
    @Test func eightDigitGroupsMatchStrtofAtEveryBoundary() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("eightDigitGroupsMatchStrtofAtEveryBoundary seed \(seed)")
        var rng = SplitMix64(seed: seed)
        func digits(_ count: Int, leadingZeros: Int) -> String {
            String((0..<count).map { index in
                index < leadingZeros ? "0" : Character(String(Int.random(in: 0...9, using: &rng)))
            })
        }
        var texts: [String] = ["12345678", "123456789", "0.12345678", "0.00000000", "0.000000001", "0.0000000012345678",
                               "99999999.99999999", "1234567890123456789", "12345678901234567890", "0.1234567890123456789012"]
        for _ in 0..<4_000 {
            let integer = Int.random(in: 1...30, using: &rng)
            let fraction = Int.random(in: 0...30, using: &rng)
            var whole = digits(integer, leadingZeros: 0)
            if whole.first == "0" && whole.count > 1 { whole = "1" + whole.dropFirst() }
            var text = Bool.random(using: &rng) ? "0" : whole
            if fraction > 0 { text += "." + digits(fraction, leadingZeros: Int.random(in: 0...fraction, using: &rng)) }
            if Int.random(in: 0..<4, using: &rng) == 0 { text += "e\(Int.random(in: -20...20, using: &rng))" }
            texts.append(Bool.random(using: &rng) ? "-" + text : text)
        }
        for text in texts {
            let double = try JSONParser.parse(text)
            #expect(double == .number(Double(text)!), "\(text) as Double (seed \(seed))")
            guard let expected = Float(text), expected.isFinite, expected != 0 || !isNonzeroLiteral(text) else { continue }
            // Last in the body (no byte after the group) and followed by a separator.
            #expect(try floats("[\(text)]").first?.bitPattern == expected.bitPattern, "\(text) (seed \(seed))")
            #expect(try floats("[\(text),1]").first?.bitPattern == expected.bitPattern, "\(text) (seed \(seed))")
        }
        for bad in ["[12345678/]", "[12345678:]", "[0.1234567/]", "[0.12345678:9]", "[1234567:8]"] {
            #expect(throws: JSONParseError.self, "\(bad)") { try floats(bad) }
        }
    }

    /// A nonzero number that rounds to 0 in Float32 is refused, naming the value; zero literals, subnormals and the
    /// smallest values that round up to the least nonzero Float are kept. (Before: `1e-50` became 0 without a word.)
    @Test func refusesNonzeroValuesThatUnderflowToZero() throws {
        for text in ["1e-50", "-1e-50", "7e-46", "1e-400", "0.0000000000000000000000000000000000000000000000001",
                     "123456789012345678901234e-80"] {
            do {
                _ = try floats("[0.5, \(text)]")
                Issue.record("\(text) was accepted")
            } catch {
                #expect(error.message.contains("underflows float32"), "\(text): \(error.message)")
                #expect(error.message.contains(text.prefix(40)), "\(text): \(error.message)")
                #expect(error.offset == 6, "\(text)")
            }
        }
        #expect(try floats("[0, -0, 0.0, 0e-400, -0.000e5]").allSatisfy { $0 == 0 })
        #expect(try floats("[1e-45, 8e-46, 1.17549435e-38, 1e-40]") == [Float.leastNonzeroMagnitude, .leastNonzeroMagnitude,
                                                                         .leastNormalMagnitude, Float("1e-40")!])
    }

    /// Float-overflowing values, NaN/Infinity literals, strings, nulls and nested arrays are rejected.
    @Test(arguments: ["[3.5e38]", "[-1e39]", "[1e400]", "[NaN]", "[Infinity]", "[-Infinity]", "[\"1\"]", "[null]",
                      "[[1]]", "[true]", "[1,]", "[1", "1", "{}", "[1 2]", "[1]x"])
    func rejectsBadArrays(_ text: String) {
        #expect(throws: JSONParseError.self, "\(text)") { try floats(text) }
    }

    /// Floats written by the fast encoder read back bit-identically.
    @Test func fastEncoderRoundTrips() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("fastEncoderRoundTrips seed \(seed)")
        var rng = SplitMix64(seed: seed)
        var values: [Float] = []
        while values.count < 4_096 {
            let value = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
            if value.isFinite { values.append(value) }
        }
        var buffer: [UInt8] = []
        JSONWriter.writeFloatArray(values, into: &buffer)
        let decoded = try floats(String(decoding: buffer, as: UTF8.self))
        #expect(decoded.map(\.bitPattern) == values.map(\.bitPattern), "seed \(seed)")
    }
}

private func pow10(_ exponent: Int) -> Int64 {
    var result: Int64 = 1
    for _ in 0..<exponent { result *= 10 }
    return result
}

/// `value` as `0.dddd…e±x` with 19 significant digits (exact digits of the Double, truncated).
private func format19(_ value: Double) -> String {
    guard value != 0, value.isFinite else { return "0" }
    var exponent = 0
    var scaled = abs(value)
    while scaled >= 1 { scaled /= 10; exponent += 1 }
    while scaled < 0.1 { scaled *= 10; exponent -= 1 }
    var digits = ""
    for _ in 0..<19 {
        scaled *= 10
        let digit = min(9, Int(scaled))
        digits.append(Character(String(digit)))
        scaled -= Double(digit)
    }
    return (value < 0 ? "-" : "") + "0." + digits + "e" + String(exponent)
}

/// True when the number's text has a nonzero digit before its exponent (so it is not a way of writing 0).
private func isNonzeroLiteral(_ text: String) -> Bool {
    text.prefix { $0 != "e" && $0 != "E" }.contains { $0 >= "1" && $0 <= "9" }
}
