public import VectorLogicJSON

/// A metadata filter, Mongo style, as docs/api.md "Conventions" describes it.
///
/// Grammar (a filter is a JSON object):
/// - `{"field": value}` — equality (an array field matches when any element equals `value`).
/// - `{"field": {"$op": operand, …}}` — operators `$eq $ne $gt $gte $lt $lte $in $nin $exists $not`.
/// - `{"$and": [f…]}`, `{"$or": [f…]}`, `{"$not": f}` — logic over sub-filters; several keys in one object are ANDed.
/// - A field name containing dots also addresses nested objects (`"a.b"`) when no key with that exact name exists.
///
/// Comparing across types never matches: `{"n": {"$lt": 10}}` does not match `"n": "5"`, and booleans are not numbers.
/// `$ne` and `$nin` match only fields that exist with the same type and a different value.
public indirect enum Filter: Sendable, Hashable {
    /// Matches everything (the empty filter `{}`).
    case all
    /// All sub-filters match.
    case and([Filter])
    /// At least one sub-filter matches.
    case or([Filter])
    /// The sub-filter does not match.
    case not(Filter)
    /// A comparison on one field.
    case field(path: String, FieldCondition)
}

/// One condition on a field's value.
public indirect enum FieldCondition: Sendable, Hashable {
    /// Equal (same type and value).
    case eq(JSONValue)
    /// Present, same type, different value.
    case ne(JSONValue)
    /// Greater than a number or string of the same type.
    case gt(JSONValue)
    /// Greater than or equal.
    case gte(JSONValue)
    /// Less than.
    case lt(JSONValue)
    /// Less than or equal.
    case lte(JSONValue)
    /// Equal to one of the values.
    case `in`([JSONValue])
    /// Present and equal to none of the values.
    case nin([JSONValue])
    /// Present (`true`) or absent (`false`).
    case exists(Bool)
    /// Every condition holds (`{"$gt": 1, "$lt": 5}`).
    case all([FieldCondition])
    /// The condition does not hold.
    case not(FieldCondition)
}

/// Why a filter document was rejected; `message` is a sentence a client can act on.
public struct FilterError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A human sentence naming the offending operator or field.
    public let message: String
    /// The name of the size limit the filter exceeds (`max_filter_clauses` …), nil for other errors.
    public let limit: String?
    /// The value of that limit.
    public let maximum: Int?
    /// Builds an error with its message.
    public init(_ message: String) {
        self.message = message
        self.limit = nil
        self.maximum = nil
    }
    /// Builds the error for a filter over one of `Filter.Limits`.
    public init(_ message: String, limit: String, maximum: Int) {
        self.message = message
        self.limit = limit
        self.maximum = maximum
    }
    /// The message.
    public var description: String { message }
}

extension Filter {
    /// Bounds on one filter document, so a single request cannot make the server parse, hold or evaluate an
    /// unbounded structure (issue 8: a 300,000-branch `$or` over 10,000 rows took 234 s; a 63 MiB `$in` took RSS
    /// from 55 MB to 905 MB).
    ///
    /// Reasoning, in numbers. A compiled filter costs O(clauses) per row: each clause is one field lookup plus one
    /// comparison or one hash lookup (`$in`/`$nin` are hash sets, so their terms do not multiply the per-row cost).
    /// At ~50–200 ns per clause, 1,024 clauses cost 50–200 µs per row: ~0.5–2 s over 10,000 rows, which the per-request
    /// time budget (`request-timeout-ms`) cuts off on larger collections. Real filters have a handful of clauses;
    /// 1,024 leaves room for generated ones (one clause per tenant, per tag …). Terms cost memory and hashing once:
    /// 4,096 terms of 64-byte ids are ~0.5 MB parsed. Depth 16 of `$and`/`$or`/`$not` is far beyond any real filter
    /// and keeps the recursive parser and evaluator a few hundred stack frames deep. 256 KiB of filter JSON fits
    /// 4,096 UUID terms (~160 KB) and bounds what is parsed before the other limits can be counted.
    public enum Limits {
        /// Most bytes of filter JSON (`max_filter_bytes`).
        public static let maxBytes = 256 << 10
        /// Most clauses: field conditions, operators on a field, and `$and`/`$or`/`$not` (`max_filter_clauses`).
        public static let maxClauses = 1_024
        /// Most `$in`/`$nin` terms, summed over the whole filter (`max_filter_in_terms`).
        public static let maxInTerms = 4_096
        /// Deepest nesting of `$and`/`$or`/`$not` (`max_filter_depth`).
        public static let maxDepth = 16
    }

    /// Deepest nesting of `$and`/`$or`/`$not` accepted, so a hostile document cannot exhaust the stack.
    public static let maxDepth = Limits.maxDepth

    /// Parses a filter document; throws `FilterError` for unknown operators, ill-typed operands, or a filter over
    /// `Limits` (clauses, `$in` terms, depth), counting as it goes so an oversized filter is rejected early.
    public init(json: JSONValue) throws(FilterError) {
        var counts = Counts()
        self = try Filter.parse(json, depth: 0, counts: &counts)
    }

    /// Clauses and terms seen so far.
    private struct Counts {
        var clauses = 0
        var terms = 0

        mutating func addClause() throws(FilterError) {
            clauses += 1
            guard clauses <= Limits.maxClauses else {
                throw FilterError("the filter has more than \(Limits.maxClauses) clauses (limit max_filter_clauses: conditions, "
                                  + "operators and $and/$or/$not together)", limit: "max_filter_clauses", maximum: Limits.maxClauses)
            }
        }

        mutating func addTerms(_ count: Int) throws(FilterError) {
            terms += count
            guard terms <= Limits.maxInTerms else {
                throw FilterError("the filter has more than \(Limits.maxInTerms) $in/$nin terms in all (limit max_filter_in_terms)",
                                  limit: "max_filter_in_terms", maximum: Limits.maxInTerms)
            }
        }
    }

    private static func depthError() -> FilterError {
        FilterError("the filter is nested deeper than \(Limits.maxDepth) levels of $and/$or/$not (limit max_filter_depth)",
                    limit: "max_filter_depth", maximum: Limits.maxDepth)
    }

    private static func parse(_ json: JSONValue, depth: Int, counts: inout Counts) throws(FilterError) -> Filter {
        guard depth < Limits.maxDepth else { throw depthError() }
        guard case .object(let object) = json else { throw FilterError("a filter must be a JSON object") }
        var clauses: [Filter] = []
        for (key, value) in object.entries {
            try counts.addClause()
            clauses.append(try parseClause(key: key, value: value, depth: depth, counts: &counts))
        }
        switch clauses.count {
        case 0: return .all
        case 1: return clauses[0]
        default: return .and(clauses)
        }
    }

    private static func parseClause(key: String, value: JSONValue, depth: Int, counts: inout Counts) throws(FilterError) -> Filter {
        switch key {
        case "$and", "$or":
            guard case .array(let items) = value, !items.isEmpty else {
                throw FilterError("\(key) takes a non-empty array of filters")
            }
            var subfilters: [Filter] = []
            for item in items { subfilters.append(try parse(item, depth: depth + 1, counts: &counts)) }
            return key == "$and" ? .and(subfilters) : .or(subfilters)
        case "$not":
            return .not(try parse(value, depth: depth + 1, counts: &counts))
        default:
            if key.hasPrefix("$") { throw FilterError("unknown filter operator \(key)") }
            if key.isEmpty { throw FilterError("a filter field name must not be empty") }
            return .field(path: key, try parseCondition(value, field: key, depth: depth, counts: &counts))
        }
    }

    private static func parseCondition(_ value: JSONValue, field: String, depth: Int,
                                       counts: inout Counts) throws(FilterError) -> FieldCondition {
        guard depth < Limits.maxDepth else { throw depthError() }
        guard case .object(let object) = value, let first = object.entries.first, first.key.hasPrefix("$") else {
            return .eq(value)
        }
        var conditions: [FieldCondition] = []
        for (op, operand) in object.entries {
            if object.count > 1 { try counts.addClause() }
            conditions.append(try parseOperator(op, operand, field: field, depth: depth, counts: &counts))
        }
        return conditions.count == 1 ? conditions[0] : .all(conditions)
    }

    private static func parseOperator(_ op: String, _ operand: JSONValue, field: String, depth: Int,
                                      counts: inout Counts) throws(FilterError) -> FieldCondition {
        switch op {
        case "$eq": return .eq(operand)
        case "$ne": return .ne(operand)
        case "$gt", "$gte", "$lt", "$lte":
            switch operand {
            case .number, .string: break
            default: throw FilterError("\(op) on \(field) takes a number or a string")
            }
            switch op {
            case "$gt": return .gt(operand)
            case "$gte": return .gte(operand)
            case "$lt": return .lt(operand)
            default: return .lte(operand)
            }
        case "$in", "$nin":
            guard case .array(let values) = operand else { throw FilterError("\(op) on \(field) takes an array") }
            try counts.addTerms(values.count)
            return op == "$in" ? .in(values) : .nin(values)
        case "$exists":
            guard case .bool(let flag) = operand else { throw FilterError("$exists on \(field) takes true or false") }
            return .exists(flag)
        case "$not":
            try counts.addClause()
            return .not(try parseCondition(operand, field: field, depth: depth + 1, counts: &counts))
        default:
            if op.hasPrefix("$") { throw FilterError("unknown filter operator \(op)") }
            throw FilterError("cannot mix operators and plain keys in the condition on \(field)")
        }
    }
}

extension Filter {
    /// Whether a vector with this metadata (nil meaning none) passes the filter. Compiles the filter each call: to
    /// evaluate many rows, compile once with `CompiledFilter`.
    public func matches(_ metadata: JSONValue?) -> Bool {
        CompiledFilter(self).matches(metadata)
    }
}

/// The comparisons the evaluator (`CompiledFilter`) applies to a field's value.
extension FieldCondition {
    /// Equality, where an array field also matches a scalar it contains (Mongo's rule for tags).
    static func equalOrContains(_ value: JSONValue, _ operand: JSONValue) -> Bool {
        if value == operand { return true }
        if case .array(let items) = value, !isArray(operand) { return items.contains(operand) }
        return false
    }

    static func isArray(_ value: JSONValue) -> Bool {
        if case .array = value { return true }
        return false
    }

    static func sameType(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null), (.bool, .bool), (.number, .number), (.string, .string), (.array, .array), (.object, .object):
            return true
        default: return false
        }
    }

    /// -1, 0 or 1 for two numbers or two strings; nil across types.
    static func compare(_ a: JSONValue, _ b: JSONValue) -> Int? {
        switch (a, b) {
        case let (.number(x), .number(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.string(x), .string(y)): return x < y ? -1 : (x > y ? 1 : 0)
        default: return nil
        }
    }
}
