/// Exact powers of ten representable in a Double (10^22 is the largest), for Clinger's fast path.
private let exactPowersOfTen: [Double] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
]

/// A scanned number: its lexeme's byte range and, when it is short enough, its decimal mantissa and exponent.
struct NumberLexeme {
    var start: Int
    var end: Int
    var negative: Bool
    var mantissa: UInt64
    var exponent: Int
    /// False when more than 19 significant digits were seen (the mantissa is truncated).
    var exactMantissa: Bool
}

extension JSONReader {
    /// Reads a JSON number as a correctly rounded Double; throws for numbers that overflow Double.
    public mutating func readDouble() throws(JSONParseError) -> Double {
        let lexeme = try scanNumber()
        return try doubleValue(of: lexeme)
    }

    /// Reads a JSON number that must be an integer (e.g. `10` or `1e3`) within `range`.
    public mutating func readInteger(in range: ClosedRange<Int> = Int(Int32.min)...Int(Int32.max)) throws(JSONParseError) -> Int {
        let start = offset
        let value = try readDouble()
        guard value.rounded(.towardZero) == value, value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw error("expected an integer from \(range.lowerBound) to \(range.upperBound)", at: start)
        }
        return Int(value)
    }

    /// Reads a JSON number as the Float `strtof` would give for its text; throws for numbers that overflow Float, and
    /// for a nonzero number that rounds to zero in Float (e.g. `1e-50`: silently storing 0 would change the vector).
    /// Subnormal results (about 1.4e-45…1.2e-38) are kept: they are nonzero.
    public mutating func readFloat() throws(JSONParseError) -> Float {
        let lexeme = try scanNumber()
        if let fast = fastFloatValue(of: lexeme) { return fast }
        let single = try slowFloatValue(of: lexeme)
        // Off the fast path (which only answers normal Floats): a zero result from a nonzero mantissa is an underflow.
        // (A mantissa of more than 19 digits is truncated but never 0: digits are counted from the first nonzero one.)
        if single == 0, lexeme.mantissa != 0 {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lexeme.start..<lexeme.end].prefix(40)), as: UTF8.self)
            throw error("value \(text) underflows float32 (nonzero values must be at least about 1.4e-45 in magnitude)",
                        at: lexeme.start)
        }
        return single
    }

    /// The Float of a scanned number when the fast path could not prove its answer.
    private func slowFloatValue(of lexeme: NumberLexeme) throws(JSONParseError) -> Float {
        let double = try doubleValue(of: lexeme)
        let single = Float(double)
        // Rounding twice (text → Double → Float) differs from rounding once only when the Double lands exactly on the
        // midpoint between two Floats (or on the overflow threshold, the midpoint between the largest Float and 2^128);
        // then ask the correctly rounded conversion from text.
        let overflowMidpoint = Double(Float.greatestFiniteMagnitude) + Double(Float.greatestFiniteMagnitude.ulp) / 2
        var needsText = abs(double) == overflowMidpoint
        if single.isFinite && !needsText {
            let back = Double(single)
            if back != double {
                let other = back < double ? single.nextUp : single.nextDown
                needsText = other.isFinite && (back + Double(other)) / 2 == double
            }
        }
        if needsText {
            let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lexeme.start..<lexeme.end]), as: UTF8.self)
            guard let exact = Float(text), exact.isFinite else {
                throw error("number out of range for float32", at: lexeme.start)
            }
            return exact
        }
        guard single.isFinite else { throw error("number out of range for float32", at: lexeme.start) }
        return single
    }

    /// The correctly rounded Float of a number of up to 19 significant digits with a small exponent, without `strtod`,
    /// or nil when this shortcut cannot prove its answer (then the caller takes the exact path).
    ///
    /// Embeddings arrive as 17–18 significant digits (a float32 printed as a shortest Double), past Clinger's exact
    /// path, and `strtod` cost 12% of the server's CPU per search. Here `mantissa` and `10^|exponent|` are each
    /// rounded to a Double once, so `d` is within 2 Double ulps of the true value. A Double has 29 more significand bits
    /// than a Float: unless `d`'s low 29 bits lie within a few ulps of the midpoint between two Floats, the true value
    /// rounds to the same Float as `d`.
    @inline(__always)
    func fastFloatValue(of lexeme: NumberLexeme) -> Float? {
        guard lexeme.exactMantissa, lexeme.mantissa != 0, lexeme.exponent >= -22, lexeme.exponent <= 22 else { return nil }
        var d = Double(lexeme.mantissa)
        if lexeme.exponent < 0 {
            d /= exactPowersOfTen[-lexeme.exponent]
        } else {
            d *= exactPowersOfTen[lexeme.exponent]
        }
        let single = Float(d)
        guard single.isNormal else { return nil }  // subnormal or overflow: the exact path decides
        let low = d.bitPattern & ((1 << 29) - 1)
        let midpoint: UInt64 = 1 << 28
        let fromMidpoint = low > midpoint ? low - midpoint : midpoint - low
        guard fromMidpoint > 16 else { return nil }
        return lexeme.negative ? -single : single
    }

    /// Scans the JSON number grammar `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    mutating func scanNumber() throws(JSONParseError) -> NumberLexeme {
        skipWhitespace()
        let start = offset
        var lexeme = NumberLexeme(start: start, end: start, negative: false, mantissa: 0, exponent: 0, exactMantissa: true)
        if byte(at: offset) == UInt8(ascii: "-") {
            lexeme.negative = true
            offset += 1
        }
        var significant = 0
        @inline(__always) func digit(_ value: UInt8, fraction: Bool, _ lexeme: inout NumberLexeme) {
            if significant < 19 {
                lexeme.mantissa = lexeme.mantissa &* 10 &+ UInt64(value)
                if lexeme.mantissa != 0 { significant += 1 }
                if fraction { lexeme.exponent -= 1 }
            } else {
                lexeme.exactMantissa = false
                if !fraction { lexeme.exponent += 1 }
            }
        }
        guard let first = byte(at: offset), first >= UInt8(ascii: "0"), first <= UInt8(ascii: "9") else {
            if let next = byte(at: offset), next == UInt8(ascii: "I") || next == UInt8(ascii: "N") {
                throw error("NaN and Infinity are not valid JSON numbers", at: start)
            }
            throw error("invalid number", at: start)
        }
        if first == UInt8(ascii: "0") {
            offset += 1
            if let next = byte(at: offset), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                throw error("leading zeros are not allowed in a number", at: start)
            }
        } else {
            eightDigitGroups(fraction: false, &lexeme, &significant)
            while let next = byte(at: offset), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                digit(next - UInt8(ascii: "0"), fraction: false, &lexeme)
                offset += 1
            }
        }
        if byte(at: offset) == UInt8(ascii: ".") {
            offset += 1
            guard let next = byte(at: offset), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") else {
                throw error("a decimal point must be followed by digits")
            }
            eightDigitGroups(fraction: true, &lexeme, &significant)
            while let next = byte(at: offset), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                digit(next - UInt8(ascii: "0"), fraction: true, &lexeme)
                offset += 1
            }
        }
        if let marker = byte(at: offset), marker == UInt8(ascii: "e") || marker == UInt8(ascii: "E") {
            offset += 1
            var exponentNegative = false
            if let sign = byte(at: offset), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") {
                exponentNegative = sign == UInt8(ascii: "-")
                offset += 1
            }
            guard let next = byte(at: offset), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") else {
                throw error("an exponent must have digits")
            }
            var value = 0
            while let next = byte(at: offset), next >= UInt8(ascii: "0"), next <= UInt8(ascii: "9") {
                value = min(value * 10 + Int(next - UInt8(ascii: "0")), 1_000_000)
                offset += 1
            }
            lexeme.exponent += exponentNegative ? -value : value
        }
        lexeme.end = offset
        guard offset - start <= limits.maxNumberBytes else { throw error("number longer than the limit", at: start) }
        return lexeme
    }

    /// Consumes whole groups of eight digits at `offset` while the mantissa has room for all eight (at most 19
    /// significant digits), exactly as eight calls of the per-digit step would: the mantissa takes the group's value,
    /// `significant` counts digits from the first nonzero one, and fraction digits lower the exponent. What is left
    /// (a shorter run, or digits past the 19th) goes through the per-digit loop.
    ///
    /// Why: a float32 written by a Python client (`json.dumps(v.tolist())`) has ~17 significant digits, and a 384-value
    /// search body is ~6,500 digits; one group costs about as much as two single digits (the HTTP benchmark's profile had
    /// 5.7% of the server's samples in `scanNumber`, the per-digit loop).
    @inline(__always) private mutating func eightDigitGroups(fraction: Bool, _ lexeme: inout NumberLexeme, _ significant: inout Int) {
        // Bounded: each pass consumes 8 bytes of the body; it stops before a group would take the mantissa past 19
        // significant digits.
        while offset &+ 8 <= bytes.count {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
            // All eight bytes are '0'…'9' exactly when no byte is below 0x30 (borrow into bit 7 of its lane) and none is
            // above 0x39 (adding 0x46 carries into bit 7): the check of fast_float's `is_made_of_eight_digits_fast`.
            guard ((word &+ 0x4646_4646_4646_4646) | (word &- 0x3030_3030_3030_3030)) & 0x8080_8080_8080_8080 == 0 else { return }
            let value = UInt64(Self.eightDigitValue(word))
            let digits: Int
            if lexeme.mantissa == 0 {
                // Leading zeros are not significant: the group adds as many digits as its value has.
                digits = value == 0 ? 0 : Self.decimalDigits(value)
            } else {
                digits = 8
            }
            guard significant &+ digits <= 19 else { return }
            lexeme.mantissa = lexeme.mantissa &* 100_000_000 &+ value
            significant &+= digits
            if fraction { lexeme.exponent -= 8 }
            offset &+= 8
        }
    }

    /// The value of eight ASCII digits loaded little-endian (the first digit in the low byte): three multiplies, as in
    /// fast_float's `parse_eight_digits_unrolled`.
    @inline(__always) static func eightDigitValue(_ word: UInt64) -> UInt32 {
        var value = word &- 0x3030_3030_3030_3030
        value = (value &* 10) &+ (value >> 8)  // pairs: each 16-bit lane holds 10·first + second in its low byte
        value = (((value & 0x0000_00FF_0000_00FF) &* (100 &+ (1_000_000 << 32)))
            &+ (((value >> 16) & 0x0000_00FF_0000_00FF) &* (1 &+ (10_000 << 32)))) >> 32
        return UInt32(truncatingIfNeeded: value)
    }

    /// How many decimal digits a positive value below 10^8 has.
    @inline(__always) static func decimalDigits(_ value: UInt64) -> Int {
        var digits = 1
        var bound: UInt64 = 10
        while digits < 8, value >= bound {
            digits += 1
            bound &*= 10
        }
        return digits
    }

    /// The correctly rounded Double of a scanned number.
    func doubleValue(of lexeme: NumberLexeme) throws(JSONParseError) -> Double {
        if lexeme.exactMantissa && lexeme.mantissa == 0 {
            return lexeme.negative ? -0.0 : 0.0
        }
        // Clinger's fast path: both the mantissa and the power of ten are exact Doubles, so one IEEE multiply or divide
        // rounds correctly.
        if lexeme.exactMantissa, lexeme.mantissa <= 1 << 53, lexeme.exponent >= -22, lexeme.exponent <= 22 {
            var value = Double(lexeme.mantissa)
            if lexeme.exponent < 0 {
                value /= exactPowersOfTen[-lexeme.exponent]
            } else {
                value *= exactPowersOfTen[lexeme.exponent]
            }
            return lexeme.negative ? -value : value
        }
        let text = String(decoding: UnsafeRawBufferPointer(rebasing: bytes[lexeme.start..<lexeme.end]), as: UTF8.self)
        guard let value = Double(text), value.isFinite else {
            throw error("number out of range", at: lexeme.start)
        }
        return value
    }
}
