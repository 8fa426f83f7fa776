import VectorLogicIO
import VectorLogicJSON


/// Parses UTF-8 bytes given as an array literal.
func parseBytes(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
    try JSONParser.parse(bytes)
}

/// A random JSON value of bounded size, for round-trip tests.
func randomJSONValue(_ rng: inout SplitMix64, depth: Int = 0) -> JSONValue {
    let choice = depth > 3 ? Int.random(in: 0..<4, using: &rng) : Int.random(in: 0..<6, using: &rng)
    switch choice {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &rng))
    case 2:
        switch Int.random(in: 0..<3, using: &rng) {
        case 0: return .number(Double(Int.random(in: -1_000_000...1_000_000, using: &rng)))
        case 1: return .number(Double.random(in: -1e6...1e6, using: &rng))
        default:
            let bits = UInt64.random(in: 0...UInt64.max, using: &rng)
            let value = Double(bitPattern: bits)
            return .number(value.isFinite ? value : 0.5)
        }
    case 3: return .string(randomString(&rng))
    case 4:
        return .array((0..<Int.random(in: 0..<5, using: &rng)).map { _ in randomJSONValue(&rng, depth: depth + 1) })
    default:
        var object = JSONObject()
        for _ in 0..<Int.random(in: 0..<5, using: &rng) {
            object[randomString(&rng)] = randomJSONValue(&rng, depth: depth + 1)
        }
        return .object(object)
    }
}

/// A random string mixing ASCII, escapes-needing characters and multi-byte scalars.
func randomString(_ rng: inout SplitMix64) -> String {
    let alphabet: [Unicode.Scalar] = ["a", "Z", "0", " ", "\"", "\\", "/", "\n", "\t", "\u{01}", "\u{1F}", "<", ">", "&",
                                      "é", "€", "\u{2028}", "😀", "\u{10FFFF}", "\u{7F}"]
    var scalars = String.UnicodeScalarView()
    for _ in 0..<Int.random(in: 0..<12, using: &rng) {
        scalars.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)])
    }
    return String(scalars)
}
