import Testing
import VectorLogicFilter
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
}
