/// Writes compact UTF-8 JSON: no whitespace, object keys in stored order, no HTML or `/` escaping (metadata is returned
/// exactly as given), only `"`, `\` and control characters escaped.
///
/// Numbers: integers without ".0" when exactly integral and |x| < 2^53, otherwise the shortest text that reads back
/// to the same Double. Non-finite numbers (which the parser never produces) are written as `null`.
public enum JSONWriter {
    /// Appends `value` to `buffer`.
    public static func write(_ value: JSONValue, into buffer: inout [UInt8]) {
        switch value {
        case .null: appendASCII("null", to: &buffer)
        case .bool(let flag): appendASCII(flag ? "true" : "false", to: &buffer)
        case .number(let number): writeNumber(number, into: &buffer)
        case .string(let string): writeString(string, into: &buffer)
        case .array(let items):
            buffer.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                write(item, into: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case .object(let object):
            writeObject(object, into: &buffer)
        }
    }

    /// Appends an object with its keys in stored order.
    public static func writeObject(_ object: JSONObject, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "{"))
        for (index, entry) in object.entries.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            writeString(entry.key, into: &buffer)
            buffer.append(UInt8(ascii: ":"))
            write(entry.value, into: &buffer)
        }
        buffer.append(UInt8(ascii: "}"))
    }

    /// The compact bytes of `value`.
    public static func bytes(_ value: JSONValue) -> [UInt8] {
        var buffer: [UInt8] = []
        write(value, into: &buffer)
        return buffer
    }

    /// The compact text of `value`.
    public static func string(_ value: JSONValue) -> String {
        String(decoding: bytes(value), as: UTF8.self)
    }

    /// Appends `"key":`.
    public static func writeKey(_ key: String, into buffer: inout [UInt8]) {
        writeString(key, into: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }

    /// Appends a quoted, escaped string.
    public static func writeString(_ string: String, into buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var copy = string
        copy.withUTF8 { utf8 in
            var runStart = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<index]))
                runStart = index + 1
                buffer.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): buffer.append(byte)
                case 0x0A: buffer.append(UInt8(ascii: "n"))
                case 0x0D: buffer.append(UInt8(ascii: "r"))
                case 0x09: buffer.append(UInt8(ascii: "t"))
                case 0x08: buffer.append(UInt8(ascii: "b"))
                case 0x0C: buffer.append(UInt8(ascii: "f"))
                default:
                    let hex: [UInt8] = Array("0123456789abcdef".utf8)
                    buffer.append(contentsOf: [UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                               hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            buffer.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[runStart..<utf8.count]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    /// Appends a Double: integral values below 2^53 as integers, others as the shortest round-trip text.
    public static func writeNumber(_ number: Double, into buffer: inout [UInt8]) {
        guard number.isFinite else { return appendASCII("null", to: &buffer) }
        if number.rounded(.towardZero) == number, abs(number) < 9_007_199_254_740_992 {
            if number == 0 && number.sign == .minus { return appendASCII("-0", to: &buffer) }
            return writeInteger(Int64(number), into: &buffer)
        }
        buffer.append(contentsOf: number.description.utf8)
    }

    /// Appends a Float: integral values below 2^24 as integers, others as the shortest text that reads back to the same Float.
    public static func writeFloat(_ number: Float, into buffer: inout [UInt8]) {
        guard number.isFinite else { return appendASCII("null", to: &buffer) }
        if number.rounded(.towardZero) == number, abs(number) < 16_777_216 {
            if number == 0 && number.sign == .minus { return appendASCII("-0", to: &buffer) }
            return writeInteger(Int64(number), into: &buffer)
        }
        buffer.append(contentsOf: number.description.utf8)
    }

    /// Appends `[f,f,…]`: the fast encoder for vectors in responses.
    public static func writeFloatArray(_ values: [Float], into buffer: inout [UInt8]) {
        buffer.reserveCapacity(buffer.count + values.count * 12 + 2)
        buffer.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            writeFloat(value, into: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    /// Appends a decimal integer.
    public static func writeInteger(_ value: Int64, into buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                     UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[19 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(20 - count)...]))
        }
    }

    static func appendASCII(_ text: StaticString, to buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }
}
