import VectorLogicEngine
import VectorLogicJSON

/// Typed field readers for request bodies: each names the field (and batch item) in its 400 answer.
extension JSONReader {
    /// The message prefix naming a field, e.g. `vectors[3].values`.
    static func path(_ field: String, item: Int?, container: String = "vectors") -> String {
        guard let item else { return field }
        return "\(container)[\(item)].\(field)"
    }

    /// Runs a reader step, turning a syntax error into a 400 that names the field.
    mutating func step<T>(_ field: String, item: Int? = nil, _ body: (inout JSONReader) throws(JSONParseError) -> T) throws(APIError) -> T {
        do {
            return try body(&self)
        } catch {
            throw APIError(error, field: field, item: item, path: JSONReader.path(field, item: item))
        }
    }

    /// The kind of the next value, or a 400 for malformed JSON.
    mutating func kind(_ field: String, item: Int? = nil) throws(APIError) -> Kind {
        try step(field, item: item) { reader throws(JSONParseError) in try reader.peekKind() }
    }

    func typeError(_ field: String, item: Int?, _ expected: String) -> APIError {
        APIError.invalid("\(JSONReader.path(field, item: item)) must be \(expected)", field: field, item: item)
    }

    /// Iterates the keys of an object; `body` must read each key's value.
    mutating func object(_ field: String, item: Int? = nil, _ body: (String, inout JSONReader) throws -> Void) throws {
        guard try kind(field, item: item) == .object else { throw typeError(field, item: item, "a JSON object") }
        var container = try step(field, item: item) { reader throws(JSONParseError) in try reader.beginObject() }
        while let key = try step(field, item: item, { reader throws(JSONParseError) in try reader.nextKey(&container) }) {
            try body(key, &self)
        }
    }

    /// Iterates the elements of an array; `body` reads each element and gets its index.
    mutating func array(_ field: String, item: Int? = nil, _ body: (Int, inout JSONReader) throws -> Void) throws {
        guard try kind(field, item: item) == .array else { throw typeError(field, item: item, "an array") }
        var container = try step(field, item: item) { reader throws(JSONParseError) in try reader.beginArray() }
        var index = 0
        while try step(field, item: item, { reader throws(JSONParseError) in try reader.nextElement(&container) }) {
            try body(index, &self)
            index += 1
        }
    }

    /// True (and consumed) when the next value is `null`.
    mutating func null(_ field: String, item: Int? = nil) throws(APIError) -> Bool {
        guard try kind(field, item: item) == .null else { return false }
        return try step(field, item: item) { reader throws(JSONParseError) in try reader.readNullIfPresent() }
    }

    /// A string field.
    mutating func string(_ field: String, item: Int? = nil) throws(APIError) -> String {
        guard try kind(field, item: item) == .string else { throw typeError(field, item: item, "a string") }
        return try step(field, item: item) { reader throws(JSONParseError) in try reader.readString() }
    }

    /// An integer field within `range` (the engine checks the contract's narrower ranges and says so).
    mutating func integer(_ field: String, item: Int? = nil, range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(APIError) -> Int {
        guard try kind(field, item: item) == .number else { throw typeError(field, item: item, "an integer") }
        let value = try step(field, item: item) { reader throws(JSONParseError) in try reader.readDouble() }
        guard value.rounded(.towardZero) == value, value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw typeError(field, item: item, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return Int(value)
    }

    /// A number field, as a finite Float.
    mutating func float(_ field: String, item: Int? = nil) throws(APIError) -> Float {
        guard try kind(field, item: item) == .number else { throw typeError(field, item: item, "a number") }
        return try step(field, item: item) { reader throws(JSONParseError) in try reader.readFloat() }
    }

    /// A number field, as a Double.
    mutating func double(_ field: String, item: Int? = nil) throws(APIError) -> Double {
        guard try kind(field, item: item) == .number else { throw typeError(field, item: item, "a number") }
        return try step(field, item: item) { reader throws(JSONParseError) in try reader.readDouble() }
    }

    /// A number, or a string holding one (`"0.7"`): the seed's short routes take both, as its clients send
    /// form and query values as strings.
    mutating func numberOrNumericString(_ field: String, item: Int? = nil) throws(APIError) -> Double {
        guard try kind(field, item: item) == .string else { return try double(field, item: item) }
        let text = try string(field, item: item)
        guard text.utf8.count <= 64, let value = Double(text), value.isFinite else {
            throw typeError(field, item: item, "a number (or a string holding one)")
        }
        return value
    }

    /// An integer, or a string holding one (`"5"`), within `range` (see `numberOrNumericString`).
    mutating func integerOrNumericString(_ field: String, item: Int? = nil,
                                         range: ClosedRange<Int> = -1_000_000_000...1_000_000_000) throws(APIError) -> Int {
        guard try kind(field, item: item) == .string else { return try integer(field, item: item, range: range) }
        let text = try string(field, item: item)
        guard let value = Int(text), range.contains(value) else {
            throw typeError(field, item: item, "an integer from \(range.lowerBound) to \(range.upperBound) (or a string holding one)")
        }
        return value
    }

    /// A boolean field.
    mutating func bool(_ field: String, item: Int? = nil) throws(APIError) -> Bool {
        guard try kind(field, item: item) == .bool else { throw typeError(field, item: item, "true or false") }
        return try step(field, item: item) { reader throws(JSONParseError) in try reader.readBool() }
    }

    /// A vector: an array of finite numbers decoded straight into Floats.
    mutating func vector(_ field: String, item: Int? = nil, expectedCount: Int = 0) throws(APIError) -> [Float] {
        guard try kind(field, item: item) == .array else {
            throw typeError(field, item: item, "an array of finite numbers")
        }
        return try step(field, item: item) { reader throws(JSONParseError) in
            try reader.readFloatArray(maxCount: 1 << 16, expectedCount: expectedCount)
        }
    }

    /// Any JSON value.
    mutating func value(_ field: String, item: Int? = nil) throws(APIError) -> JSONValue {
        try step(field, item: item) { reader throws(JSONParseError) in try reader.readValue() }
    }

    /// Metadata: a JSON object, or null/absent.
    mutating func metadata(_ field: String = "metadata", item: Int? = nil) throws(APIError) -> JSONValue? {
        switch try kind(field, item: item) {
        case .null:
            _ = try null(field, item: item)
            return nil
        case .object:
            return try value(field, item: item)
        default:
            throw typeError(field, item: item, "a JSON object")
        }
    }

    /// Metadata to store: a JSON object (or null/absent), kept only as its compact text (the tree is dropped at once).
    mutating func compactMetadata(_ field: String = "metadata", item: Int? = nil) throws(APIError) -> CompactJSON? {
        try metadata(field, item: item).map(CompactJSON.init)
    }

    /// An array of id strings.
    mutating func ids(_ field: String = "ids") throws -> [String] {
        var ids: [String] = []
        try array(field) { index, reader in
            guard index < Limits.maxBatch else { throw APIError.batchTooLarge("ids", field: field) }
            guard try reader.kind(field, item: index) == .string else {
                throw APIError.invalid("\(field)[\(index)] must be a string", field: field, item: index)
            }
            ids.append(try reader.string(field, item: index))
        }
        return ids
    }

    /// Rejects a field the body does not define (where a typo would silently change the meaning).
    func unknown(_ key: String, item: Int? = nil) -> APIError {
        APIError.invalid("unknown field \(JSONReader.path(key, item: item))", field: key, item: item)
    }
}
