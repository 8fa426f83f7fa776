public import VectorLogicJSON

/// A `Filter` prepared once per request for evaluation over many rows: `$in`/`$nin` become hash sets (one lookup per
/// row instead of one comparison per term) and dotted paths are split and escaped once. A filter within
/// `Filter.Limits` costs O(clauses) per row. This is the one evaluator of the filter language: `Filter.matches` uses it.
///
/// Rows are matched either as a parsed `JSONValue` or as the compact JSON text they are stored as
/// (`matches(text:)`): then each field is found by scanning the text (`JSONSpans`) and only the field's own value is
/// parsed, so nothing else of the row is decoded. Both give the same answer for the same metadata (tested).
public struct CompiledFilter: Sendable {
    private let root: Node

    /// Compiles `filter`.
    public init(_ filter: Filter) {
        root = Node(filter)
    }

    /// True when this filter matches every row (`{}`): callers can skip evaluation.
    public var matchesEverything: Bool {
        if case .all = root { return true }
        return false
    }

    /// Whether a vector with this metadata (nil meaning none) passes the filter.
    @inline(__always) public func matches(_ metadata: JSONValue?) -> Bool {
        root.matches(TreeDocument(root: metadata))
    }

    /// Whether a vector whose metadata is this compact JSON text (`CompactJSON.bytes`; empty meaning none) passes.
    @inline(__always) public func matches(text: UnsafeRawBufferPointer) -> Bool {
        root.matches(TextDocument(text: text[...]))
    }

    /// Whether a vector with this stored metadata (nil meaning none) passes.
    public func matches(_ metadata: CompactJSON?) -> Bool {
        guard let metadata else { return matches(text: UnsafeRawBufferPointer(start: nil, count: 0)) }
        return metadata.bytes.withUnsafeBytes { matches(text: $0) }
    }

    private indirect enum Node: Sendable {
        case all
        case and([Node])
        case or([Node])
        case not(Node)
        case field(Path, Condition)

        init(_ filter: Filter) {
            switch filter {
            case .all: self = .all
            case .and(let filters): self = .and(filters.map(Node.init))
            case .or(let filters): self = .or(filters.map(Node.init))
            case .not(let filter): self = .not(Node(filter))
            case .field(let path, let condition): self = .field(Path(path), Condition(condition))
            }
        }

        func matches<Document: FieldDocument>(_ document: Document) -> Bool {
            switch self {
            case .all: return true
            case .and(let nodes):
                for node in nodes where !node.matches(document) { return false }
                return true
            case .or(let nodes):
                for node in nodes where node.matches(document) { return true }
                return false
            case .not(let node): return !node.matches(document)
            case .field(let path, .exists(let flag)): return document.contains(path) == flag
            case .field(let path, let condition): return condition.matches(document.value(at: path))
            }
        }
    }

    /// A field path: the exact key first, then (when it has dots) the path through nested objects. Each key is kept
    /// both as a String (tree lookups) and as the writer's escaped bytes (text lookups).
    struct Path: Sendable {
        let key: Key
        let parts: [Key]?

        struct Key: Sendable {
            let name: String
            let escaped: [UInt8]
            let isASCII: Bool

            init(_ name: String) {
                self.name = name
                escaped = JSONSpans.escapedKey(name)
                isASCII = escaped.allSatisfy { $0 < 0x80 }
            }

            func span(in text: Slice<UnsafeRawBufferPointer>) -> Slice<UnsafeRawBufferPointer>? {
                JSONSpans.member(escaped, name: name, keyIsASCII: isASCII, in: text)
            }
        }

        init(_ key: String) {
            self.key = Key(key)
            parts = key.contains(".") ? key.split(separator: ".", omittingEmptySubsequences: false).map { Key(String($0)) } : nil
        }
    }

    /// The terms of a `$in`/`$nin`: all of them, and the non-array ones an array field's elements are checked against.
    private struct Terms: Sendable {
        let all: Set<JSONValue>
        let scalars: Set<JSONValue>

        init(_ values: [JSONValue]) {
            all = Set(values)
            scalars = Set(values.filter { !FieldCondition.isArray($0) })
        }

        /// `FieldCondition.equalOrContains(value, term)` for some term.
        func containsMatch(_ value: JSONValue) -> Bool {
            if all.contains(value) { return true }
            guard case .array(let items) = value, !scalars.isEmpty else { return false }
            for item in items where scalars.contains(item) { return true }
            return false
        }
    }

    private indirect enum Condition: Sendable {
        case eq(JSONValue)
        case ne(JSONValue)
        case gt(JSONValue)
        case gte(JSONValue)
        case lt(JSONValue)
        case lte(JSONValue)
        case `in`(Terms)
        case nin(Terms)
        case exists(Bool)
        case all([Condition])
        case not(Condition)

        init(_ condition: FieldCondition) {
            switch condition {
            case .eq(let operand): self = .eq(operand)
            case .ne(let operand): self = .ne(operand)
            case .gt(let operand): self = .gt(operand)
            case .gte(let operand): self = .gte(operand)
            case .lt(let operand): self = .lt(operand)
            case .lte(let operand): self = .lte(operand)
            case .in(let operands): self = .in(Terms(operands))
            case .nin(let operands): self = .nin(Terms(operands))
            case .exists(let flag): self = .exists(flag)
            case .all(let conditions): self = .all(conditions.map(Condition.init))
            case .not(let condition): self = .not(Condition(condition))
            }
        }

        func matches(_ value: JSONValue?) -> Bool {
            switch self {
            case .exists(let flag): return (value != nil) == flag
            case .not(let condition): return !condition.matches(value)
            case .all(let conditions):
                for condition in conditions where !condition.matches(value) { return false }
                return true
            default: break
            }
            guard let value else { return false }
            switch self {
            case .eq(let operand): return FieldCondition.equalOrContains(value, operand)
            case .ne(let operand): return FieldCondition.sameType(value, operand) && value != operand
            case .gt(let operand): return FieldCondition.compare(value, operand).map { $0 > 0 } ?? false
            case .gte(let operand): return FieldCondition.compare(value, operand).map { $0 >= 0 } ?? false
            case .lt(let operand): return FieldCondition.compare(value, operand).map { $0 < 0 } ?? false
            case .lte(let operand): return FieldCondition.compare(value, operand).map { $0 <= 0 } ?? false
            case .in(let terms): return terms.containsMatch(value)
            case .nin(let terms): return !terms.containsMatch(value)
            case .exists, .not, .all: return false  // handled above
            }
        }
    }
}

/// Metadata as the evaluator reads it: the value at a path, or whether there is one.
protocol FieldDocument {
    func value(at path: CompiledFilter.Path) -> JSONValue?
    func contains(_ path: CompiledFilter.Path) -> Bool
}

/// Parsed metadata.
struct TreeDocument: FieldDocument {
    let root: JSONValue?

    func value(at path: CompiledFilter.Path) -> JSONValue? {
        guard case .object(let object)? = root else { return nil }
        if let value = object[path.key.name] { return value }
        guard let parts = path.parts else { return nil }
        var current: JSONValue = .object(object)
        for part in parts {
            guard case .object(let inner) = current, let next = inner[part.name] else { return nil }
            current = next
        }
        return current
    }

    func contains(_ path: CompiledFilter.Path) -> Bool {
        value(at: path) != nil
    }
}

/// Metadata as compact JSON text: fields are found by scanning, only the found value is parsed.
struct TextDocument: FieldDocument {
    let text: Slice<UnsafeRawBufferPointer>

    func span(at path: CompiledFilter.Path) -> Slice<UnsafeRawBufferPointer>? {
        guard !text.isEmpty else { return nil }
        if let span = path.key.span(in: text) { return span }
        guard let parts = path.parts else { return nil }
        var current = text
        for part in parts {
            guard let next = part.span(in: current) else { return nil }
            current = next
        }
        return current
    }

    func value(at path: CompiledFilter.Path) -> JSONValue? {
        span(at: path).flatMap(JSONSpans.value)
    }

    func contains(_ path: CompiledFilter.Path) -> Bool {
        span(at: path) != nil
    }
}
