import Testing
import VectorLogicFilter
import VectorLogicIO
import VectorLogicJSON

@Suite struct FilterTests {
    let doc: JSONValue = .object(JSONObject([
        ("category", .string("a")), ("n", .number(5)), ("tags", .array([.string("x"), .string("y")])),
        ("nested", .object(JSONObject([("k", .bool(true))]))),
    ]))

    /// Equality, range and logic operators select exactly the documents they describe.
    @Test func operatorsMatchAsDocumented() throws {
        func check(_ filter: JSONValue, _ expected: Bool) throws {
            #expect(try Filter(json: filter).matches(doc) == expected, "\(filter)")
        }
        try check(.object(JSONObject([("category", .string("a"))])), true)
        try check(.object(JSONObject([("category", .string("b"))])), false)
        try check(.object(JSONObject([("n", .object(JSONObject([("$lt", .number(10))])))])), true)
        try check(.object(JSONObject([("n", .object(JSONObject([("$gt", .number(5))])))])), false)
        try check(.object(JSONObject([("n", .object(JSONObject([("$gte", .number(5)), ("$lte", .number(5))])))])), true)
        try check(.object(JSONObject([("n", .object(JSONObject([("$lt", .string("9"))])))])), false)
        try check(.object(JSONObject([("tags", .string("y"))])), true)
        try check(.object(JSONObject([("category", .object(JSONObject([("$in", .array([.string("b"), .string("a")]))])))])), true)
        try check(.object(JSONObject([("category", .object(JSONObject([("$nin", .array([.string("a")]))])))])), false)
        try check(.object(JSONObject([("missing", .object(JSONObject([("$exists", .bool(false))])))])), true)
        try check(.object(JSONObject([("missing", .object(JSONObject([("$ne", .number(1))])))])), false)
        try check(.object(JSONObject([("nested.k", .bool(true))])), true)
        try check(.object(JSONObject([("$or", .array([
            .object(JSONObject([("category", .string("z"))])), .object(JSONObject([("n", .number(5))])),
        ]))])), true)
        try check(.object(JSONObject([("$not", .object(JSONObject([("category", .string("a"))])))])), false)
    }

    /// An unknown operator is rejected with a message naming it.
    @Test func unknownOperatorIsRejected() {
        let bad: JSONValue = .object(JSONObject([("n", .object(JSONObject([("$regex", .string("x"))])))]))
        #expect(throws: FilterError("unknown filter operator $regex")) { try Filter(json: bad) }
    }

    /// Filter text as a JSON value.
    static func parse(_ text: String) throws -> JSONValue { try JSONParser.parse(text) }

    /// A filter at each limit parses; one clause, term or level more is rejected with the limit's name.
    @Test func limitsAreEnforcedAndNamed() throws {
        let max = Filter.Limits.maxClauses
        func or(_ branches: Int) -> String {
            "{\"$or\":[" + (0..<branches).map { "{\"n\":\($0)}" }.joined(separator: ",") + "]}"
        }
        // `$or` counts as one clause, each branch's field as one more.
        _ = try Filter(json: Self.parse(or(max - 1)))
        #expect(throws: FilterError.self) { try Filter(json: Self.parse(or(max))) }
        do {
            _ = try Filter(json: Self.parse(or(300_000)))
            Issue.record("a 300,000-branch $or was accepted")
        } catch let error as FilterError {
            #expect(error.limit == "max_filter_clauses" && error.maximum == max)
            #expect(error.message.contains("max_filter_clauses") && error.message.contains("1024"))
        }

        func inTerms(_ count: Int) -> String { "{\"n\":{\"$in\":[" + (0..<count).map(String.init).joined(separator: ",") + "]}}" }
        _ = try Filter(json: Self.parse(inTerms(Filter.Limits.maxInTerms)))
        do {
            _ = try Filter(json: Self.parse(inTerms(Filter.Limits.maxInTerms + 1)))
            Issue.record("too many $in terms were accepted")
        } catch let error as FilterError {
            #expect(error.limit == "max_filter_in_terms")
        }

        func nested(_ levels: Int) -> String { String(repeating: "{\"$not\":", count: levels) + "{\"a\":1}" + String(repeating: "}", count: levels) }
        _ = try Filter(json: Self.parse(nested(Filter.Limits.maxDepth - 1)))
        do {
            _ = try Filter(json: Self.parse(nested(Filter.Limits.maxDepth)))
            Issue.record("a filter deeper than the limit was accepted")
        } catch let error as FilterError {
            #expect(error.limit == "max_filter_depth")
        }
    }

    /// A filter longer than `maxBytes` is refused by the bounded reader before it is built.
    @Test func boundedReaderStopsEarly() throws {
        let big = "[" + (0..<100_000).map(String.init).joined(separator: ",") + "]"
        var bytes = Array(big.utf8)
        let (value, stoppedAt) = bytes.withUnsafeMutableBytes { raw -> (JSONValue?, Int) in
            var reader = JSONReader(UnsafeRawBufferPointer(raw))
            let value = try? reader.readValue(maxBytes: 1_000)
            return (value ?? nil, reader.offset)
        }
        #expect(value == nil)
        #expect(stoppedAt < 1_100, "the reader went on to byte \(stoppedAt)")
        let small = Array("{\"a\":[1,2,3]}".utf8)
        let parsed = small.withUnsafeBytes { raw -> JSONValue? in
            var reader = JSONReader(raw)
            return try? reader.readValue(maxBytes: small.count)
        }
        #expect(parsed == (try JSONParser.parse(small)))
    }

    /// Evaluating a row's compact JSON text (fields found by scanning, as the engine does) matches exactly what
    /// evaluating its parsed tree does, on random filters and documents, including keys that need escaping and keys
    /// that are equal Swift Strings in different Unicode forms (NFC "é" in the data, NFD in the filter).
    @Test func textEvaluationAgreesWithTree() throws {
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: seed)
        let values: [JSONValue] = [.null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(1), .number(2.5), .string("a"),
                                   .string("b"), .array([.string("a"), .number(1)]), .array([]), .array([.array([.number(1)])]),
                                   .object(JSONObject([("k", .number(1))]))]
        let fields = ["x", "y", "o.k", "tags", "q\"k", "e\u{301}", "o.é", "n.a.b"]
        func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &rng)] }
        func condition(_ depth: Int) -> JSONValue {
            switch Int.random(in: 0..<9, using: &rng) {
            case 0: return pick(values)
            case 1: return .object(JSONObject([(pick(["$eq", "$ne"]), pick(values))]))
            case 2: return .object(JSONObject([(pick(["$gt", "$gte", "$lt", "$lte"]), pick([.number(1), .string("a"), .number(0)]))]))
            case 3, 4:
                let terms = (0..<Int.random(in: 0..<6, using: &rng)).map { _ in pick(values) }
                return .object(JSONObject([(pick(["$in", "$nin"]), .array(terms))]))
            case 5: return .object(JSONObject([("$exists", .bool(Bool.random(using: &rng)))]))
            case 6 where depth < 3: return .object(JSONObject([("$not", condition(depth + 1))]))
            default: return .object(JSONObject([("$gte", .number(0)), ("$lt", .number(2))]))
            }
        }
        func filter(_ depth: Int) -> JSONValue {
            switch depth < 3 ? Int.random(in: 0..<5, using: &rng) : 0 {
            case 1: return .object(JSONObject([("$and", .array((0..<Int.random(in: 1..<4, using: &rng)).map { _ in filter(depth + 1) }))]))
            case 2: return .object(JSONObject([("$or", .array((0..<Int.random(in: 1..<4, using: &rng)).map { _ in filter(depth + 1) }))]))
            case 3: return .object(JSONObject([("$not", filter(depth + 1))]))
            default: return .object(JSONObject([(pick(fields), condition(depth))]))
            }
        }
        func document() -> JSONValue? {
            if Int.random(in: 0..<10, using: &rng) == 0 { return nil }
            var object = JSONObject()
            for field in ["x", "y", "tags", "q\"k", "\u{e9}", "o.k"] where Bool.random(using: &rng) { object[field] = pick(values) }
            if Bool.random(using: &rng) { object["o"] = .object(JSONObject([("k", pick(values)), ("\u{e9}", pick(values))])) }
            if Bool.random(using: &rng) { object["n"] = .object(JSONObject([("a", .object(JSONObject([("b", pick(values))])))])) }
            return .object(object)
        }
        for round in 0..<2_000 {
            let json = filter(0)
            let parsed = try Filter(json: json)
            let compiled = CompiledFilter(parsed)
            for _ in 0..<10 {
                let doc = document()
                let text = doc.map(CompactJSON.init)
                #expect(compiled.matches(doc) == compiled.matches(text), "seed \(seed) round \(round): \(json) on \(String(describing: doc))")
                #expect(compiled.matches(doc) == parsed.matches(doc))
            }
        }
    }
}
