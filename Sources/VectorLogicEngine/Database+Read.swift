import VectorLogicSync
import Logging
import Synchronization
public import VectorLogicFilter
import VectorLogicJSON
import VectorLogicIndex

extension Database {
    /// The vector with this id, or nil. Reads see every write applied so far (read-your-writes).
    public func get(_ collection: String, id: String, includeValues: Bool) throws -> StoredVector? {
        try Validation.checkID(id, item: nil)
        let location = try core.withLock { state throws(EngineError) -> RowLocation? in
            guard let runtime = state.collections[collection] else { throw EngineError.collectionNotFound(collection) }
            if let damage = runtime.damage { throw damage }
            return runtime.locate(id)
        }
        // Rows are immutable and the memtable/segment objects stay alive while referenced, so reading outside the lock is safe.
        return location?.stored(includeValues: includeValues)
    }

    /// The k best matches, best first: HNSW over indexed rows plus an exact scan of the rest, across every segment and
    /// memtable of one consistent snapshot; tombstoned rows are never returned; with a filter, the best k among the
    /// matching vectors. Throws `.budgetExceeded`/`.cancelled` when `budget` runs out first.
    public func search(_ collection: String, _ request: SearchRequest, budget: RequestBudget = .unlimited) throws -> [SearchMatch] {
        let view = try view(collection)
        try Validation.checkSearch(request, dimension: view.config.dimension)
        let helpers = searches.enter()
        defer { searches.leave() }
        return try SearchExecutor(view: view, request: request, budget: budget).run(helpers: helpers)
    }

    /// Filter match sets computed so far over the collection's segments (tests: a repeated filter is computed once
    /// per segment, `FilterMatchCache`).
    @_spi(Testing) public func filterMatchSetsComputed(_ collection: String) throws -> Int {
        try view(collection).segments.reduce(0) { $0 + $1.segment.filterMatches.computed.load(ordering: .relaxed) }
    }

    /// Filters kept per segment (`FilterMatchCache.capacity`).
    @_spi(Testing) public static var filterMatchCacheCapacity: Int { FilterMatchCache.capacity }

    /// Checks a query exactly as `search` does (collection, k, ef, threshold, the vector's dimension and values) without
    /// running it, so that a batch can refuse a bad item before any of its queries runs.
    public func checkSearch(_ collection: String, _ request: SearchRequest) throws {
        let dimension = try core.withLock { state throws(EngineError) -> Int in
            guard let runtime = state.collections[collection] else { throw EngineError.collectionNotFound(collection) }
            if let damage = runtime.damage { throw damage }
            return runtime.config.dimension
        }
        try Validation.checkSearch(request, dimension: dimension)
    }

    /// A page of vectors in ascending id order after the cursor.
    public func scroll(_ collection: String, _ request: ScrollRequest, budget: RequestBudget = .unlimited) throws -> ScrollPage {
        guard (1...Limits.maxScrollLimit).contains(request.limit) else {
            throw EngineError.invalidArgument("limit must be 1...\(Limits.maxScrollLimit), got \(request.limit)")
        }
        let after = try request.cursor.map { cursor throws(EngineError) in try ScrollCursor.decode(cursor) }
        let view = try view(collection)
        return try Scan.page(view, filter: request.filter, limit: request.limit, after: after, includeValues: request.includeValues,
                             budget: budget)
    }

    /// Live vectors, or those whose metadata matches `filter`.
    public func count(_ collection: String, filter: Filter?, budget: RequestBudget = .unlimited) throws -> Int {
        let view = try view(collection)
        guard let filter, filter != .all else {
            return view.memtables.reduce(0) { $0 + $1.count - $1.dead.count }
                + view.segments.reduce(0) { $0 + $1.segment.rows - $1.dead.count }
        }
        return try Scan.countMatching(view, filter: filter, budget: budget)
    }

    /// Whether a search of this collection is cheap enough to run inline: an HNSW collection, no filter, k ≤ 100 and
    /// ef ≤ 256 (graph search then costs well under a millisecond). False for unknown collections.
    public func isLightSearch(_ collection: String, _ request: SearchRequest) -> Bool {
        guard request.filter == nil, request.k <= 100, (request.ef ?? 0) <= 256 else { return false }
        let config = core.withLock { state in state.collections[collection]?.config }
        guard let config, config.index.type == .hnsw, config.index.efSearch <= 256 else { return false }
        return true
    }
}

/// The opaque scroll cursor: "c1" + the last id returned, hex-encoded (so it is clearly not an id to pass around).
enum ScrollCursor {
    static func encode(_ id: String) -> String {
        let hex = Array("0123456789abcdef".utf8)
        var out = Array("c1".utf8)
        for byte in id.utf8 {
            out.append(hex[Int(byte >> 4)])
            out.append(hex[Int(byte & 0xF)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func decode(_ cursor: String) throws(EngineError) -> [UInt8] {
        let bytes = Array(cursor.utf8)
        guard bytes.count >= 4, bytes.count % 2 == 0, bytes.count <= 2 + 2 * Limits.maxIDLength, bytes.starts(with: Array("c1".utf8)) else {
            throw EngineError.invalidArgument("invalid cursor")
        }
        var out: [UInt8] = []
        var index = 2
        while index < bytes.count {
            guard let high = Character(Unicode.Scalar(bytes[index])).hexDigitValue,
                  let low = Character(Unicode.Scalar(bytes[index + 1])).hexDigitValue else {
                throw EngineError.invalidArgument("invalid cursor")
            }
            out.append(UInt8(high << 4 | low))
            index += 2
        }
        return out
    }
}
