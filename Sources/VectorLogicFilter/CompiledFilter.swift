public import VectorLogicJSON

/// A `Filter` prepared once per request for evaluation over many rows: `$in`/`$nin` become hash sets (one lookup per
/// row instead of one comparison per term) and dotted paths are split once. Matches exactly what `Filter.matches`
/// matches; a filter within `Filter.Limits` costs O(clauses) per row.
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
        root.matches(metadata)
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

        func matches(_ metadata: JSONValue?) -> Bool {
            switch self {
            case .all: return true
            case .and(let nodes):
                for node in nodes where !node.matches(metadata) { return false }
                return true
            case .or(let nodes):
                for node in nodes where node.matches(metadata) { return true }
                return false
            case .not(let node): return !node.matches(metadata)
            case .field(let path, let condition): return condition.matches(path.lookup(in: metadata))
            }
        }
    }

    /// A field path: the exact key first, then (when it has dots) the path through nested objects.
    private struct Path: Sendable {
        let key: String
        let parts: [String]?

        init(_ key: String) {
            self.key = key
            parts = key.contains(".") ? key.split(separator: ".", omittingEmptySubsequences: false).map(String.init) : nil
        }

        func lookup(in metadata: JSONValue?) -> JSONValue? {
            guard case .object(let object)? = metadata else { return nil }
            if let value = object[key] { return value }
            guard let parts else { return nil }
            var current: JSONValue = .object(object)
            for part in parts {
                guard case .object(let inner) = current, let next = inner[part] else { return nil }
                current = next
            }
            return current
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
