extension JSONReader {
    /// Reads a string: validates UTF-8 (no overlongs, no encoded surrogates, nothing above U+10FFFF), decodes escapes,
    /// rejects unescaped control characters and lone `\u` surrogates.
    public mutating func readString() throws(JSONParseError) -> String {
        skipWhitespace()
        guard byte(at: offset) == UInt8(ascii: "\"") else { throw error("expected a string") }
        offset += 1
        let start = offset
        // Fast path: plain ASCII without escapes becomes a String in one copy.
        var index = start
        while index < bytes.count {
            let next = bytes[index]
            if next == UInt8(ascii: "\"") {
                guard index - start <= limits.maxStringBytes else { throw error("string longer than the limit", at: start) }
                offset = index + 1
                return String(decoding: UnsafeRawBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
            }
            if next == UInt8(ascii: "\\") || next < 0x20 || next >= 0x80 { break }
            index += 1
        }
        var scratch: [UInt8] = []
        scratch.reserveCapacity(index - start + 16)
        scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
        offset = index
        while true {
            guard let next = byte(at: offset) else { throw error("unterminated string", at: start - 1) }
            if next == UInt8(ascii: "\"") {
                offset += 1
                return String(decoding: scratch, as: UTF8.self)
            } else if next == UInt8(ascii: "\\") {
                try readEscape(into: &scratch)
            } else if next < 0x20 {
                throw error("control character in a string must be escaped")
            } else if next < 0x80 {
                scratch.append(next)
                offset += 1
            } else {
                let length = try validUTF8SequenceLength()
                scratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[offset..<offset + length]))
                offset += length
            }
            guard scratch.count <= limits.maxStringBytes else { throw error("string longer than the limit", at: start) }
        }
    }

    /// Length of the well-formed UTF-8 sequence at `offset` (Unicode Table 3-7), or throws.
    func validUTF8SequenceLength() throws(JSONParseError) -> Int {
        let lead = bytes[offset]
        let length: Int
        var low: UInt8 = 0x80
        var high: UInt8 = 0xBF
        switch lead {
        case 0xC2...0xDF: length = 2
        case 0xE0: length = 3; low = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: length = 3
        case 0xED: length = 3; high = 0x9F
        case 0xF0: length = 4; low = 0x90
        case 0xF1...0xF3: length = 4
        case 0xF4: length = 4; high = 0x8F
        default: throw error("invalid UTF-8")
        }
        guard offset + length <= bytes.count else { throw error("invalid UTF-8") }
        let second = bytes[offset + 1]
        guard second >= low && second <= high else { throw error("invalid UTF-8") }
        for position in 2..<max(length, 2) where bytes[offset + position] & 0xC0 != 0x80 {
            throw error("invalid UTF-8")
        }
        return length
    }

    mutating func readEscape(into scratch: inout [UInt8]) throws(JSONParseError) {
        guard let code = byte(at: offset + 1) else { throw error("unterminated escape") }
        switch code {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scratch.append(code)
        case UInt8(ascii: "b"): scratch.append(0x08)
        case UInt8(ascii: "f"): scratch.append(0x0C)
        case UInt8(ascii: "n"): scratch.append(0x0A)
        case UInt8(ascii: "r"): scratch.append(0x0D)
        case UInt8(ascii: "t"): scratch.append(0x09)
        case UInt8(ascii: "u"):
            let escapeStart = offset
            var scalar = try hex4(at: offset + 2)
            offset += 6
            if (0xDC00...0xDFFF).contains(scalar) { throw error("lone surrogate in a \\u escape", at: escapeStart) }
            if (0xD800...0xDBFF).contains(scalar) {
                guard byte(at: offset) == UInt8(ascii: "\\"), byte(at: offset + 1) == UInt8(ascii: "u") else {
                    throw error("lone surrogate in a \\u escape", at: escapeStart)
                }
                let low = try hex4(at: offset + 2)
                guard (0xDC00...0xDFFF).contains(low) else { throw error("lone surrogate in a \\u escape", at: escapeStart) }
                offset += 6
                scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
            }
            appendUTF8(scalar, to: &scratch)
            return
        default:
            throw error("invalid escape in a string")
        }
        offset += 2
    }

    func hex4(at position: Int) throws(JSONParseError) -> UInt32 {
        guard position + 4 <= bytes.count else { throw error("unterminated \\u escape") }
        var value: UInt32 = 0
        for index in position..<position + 4 {
            let digit = bytes[index]
            let nibble: UInt8
            switch digit {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): nibble = digit - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): nibble = digit - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): nibble = digit - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit in a \\u escape", at: index)
            }
            value = value << 4 | UInt32(nibble)
        }
        return value
    }

    func appendUTF8(_ scalar: UInt32, to scratch: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            scratch.append(UInt8(scalar))
        case 0x80..<0x800:
            scratch.append(UInt8(0xC0 | (scalar >> 6)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            scratch.append(UInt8(0xE0 | (scalar >> 12)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            scratch.append(UInt8(0xF0 | (scalar >> 18)))
            scratch.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            scratch.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            scratch.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }
}
