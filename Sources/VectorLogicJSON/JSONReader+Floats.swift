extension JSONReader {
    /// Reads an array of finite numbers straight into Floats (the hot path of every upsert and search body).
    ///
    /// Each value is what `strtof` gives for its text. Throws for a non-number element (strings, null, nested arrays),
    /// NaN/Infinity literals, values that overflow Float, and arrays longer than `maxCount`.
    public mutating func readFloatArray(maxCount: Int = 1 << 20, expectedCount: Int = 0) throws(JSONParseError) -> [Float] {
        skipWhitespace()
        guard byte(at: offset) == UInt8(ascii: "[") else { throw error("expected an array of numbers") }
        offset += 1
        var values: [Float] = []
        values.reserveCapacity(min(max(expectedCount, 0), maxCount))
        skipWhitespace()
        if byte(at: offset) == UInt8(ascii: "]") {
            offset += 1
            return values
        }
        while true {
            skipWhitespace()
            guard let next = byte(at: offset) else { throw error("unterminated array") }
            guard next == UInt8(ascii: "-") || (next >= UInt8(ascii: "0") && next <= UInt8(ascii: "9")) else {
                if next == UInt8(ascii: "N") || next == UInt8(ascii: "I") {
                    throw error("NaN and Infinity are not valid JSON numbers")
                }
                throw error("expected a finite number")
            }
            guard values.count < maxCount else { throw error("too many numbers in the array") }
            values.append(try readFloat())
            skipWhitespace()
            guard let separator = byte(at: offset) else { throw error("unterminated array") }
            offset += 1
            if separator == UInt8(ascii: "]") { return values }
            guard separator == UInt8(ascii: ",") else {
                offset -= 1
                throw error("expected ',' or ']' in an array")
            }
        }
    }
}
