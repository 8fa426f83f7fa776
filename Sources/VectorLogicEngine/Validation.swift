import Logging
import Synchronization
import VectorLogicDistance
import VectorLogicJSON

/// The limits every write and query is checked against before anything changes (docs/api.md "Conventions").
public enum Limits {
    /// Largest dimension a collection may have.
    public static let maxDimension = 20_000
    /// Most records in one upsert or ids in one delete.
    public static let maxBatch = 10_000
    /// Largest k.
    public static let maxK = 1_000
    /// Largest ef (per query or configured).
    public static let maxEf = 4_096
    /// Most top-level metadata keys.
    public static let maxMetadataKeys = 100
    /// Largest serialised metadata.
    public static let maxMetadataBytes = 64 * 1024
    /// Longest id.
    public static let maxIDLength = 128
    /// Longest collection name.
    public static let maxNameLength = 64
    /// Largest scroll page.
    public static let maxScrollLimit = 10_000
    /// Most queries in one batch search (`POST …/search/batch`). 256 because a batch runs on one worker thread, in order:
    /// 256 unfiltered queries at ef ≤ 256 cost ~0.1–1 ms each here (BENCHMARKS.md), 26–260 ms of one core, far inside
    /// the 10 s request budget, while its body (~1 MB of 384-d vectors as JSON) stays small; past that, splitting
    /// into several requests costs a client nothing (one more round trip per 256 queries) and lets the pool interleave.
    public static let maxSearchBatch = 256
    /// Most matches one batch search may ask for: its queries' k add up to at most this, the same bound as a scroll
    /// page or an upsert, so an answer is never larger than one of those (256 queries × k 1,000 would be 256,000).
    public static let maxSearchBatchMatches = 10_000
}

/// Boundary checks: each throws the typed error the server maps to a 400, naming the batch item.
enum Validation {
    /// True for 1…`maxLength` characters of `[A-Za-z0-9_-]`.
    static func isToken(_ text: String, maxLength: Int) -> Bool {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maxLength else { return false }
        return utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
    }

    static func checkName(_ name: String) throws(EngineError) {
        guard isToken(name, maxLength: Limits.maxNameLength) else { throw .invalidCollectionName(name) }
    }

    static func checkID(_ id: String, item: Int?) throws(EngineError) {
        guard isToken(id, maxLength: Limits.maxIDLength) else {
            throw .invalidID("\"\(id.prefix(140))\" is not 1-128 characters of A-Z a-z 0-9 _ -", item: item)
        }
    }

    static func checkConfig(_ config: CollectionConfig) throws(EngineError) {
        try checkName(config.name)
        guard (1...Limits.maxDimension).contains(config.dimension) else { throw .invalidDimension(config.dimension) }
        let index = config.index
        guard (2...128).contains(index.m) else { throw .invalidArgument("index.m must be 2...128, got \(index.m)") }
        guard (1...Limits.maxEf).contains(index.efConstruction), index.efConstruction >= index.m else {
            throw .invalidArgument("index.ef_construction must be m...4096, got \(index.efConstruction)")
        }
        guard (1...Limits.maxEf).contains(index.efSearch) else {
            throw .invalidArgument("index.ef_search must be 1...4096, got \(index.efSearch)")
        }
    }

    /// Checks a stored or query vector: the collection's dimension, finite values, and a squared L2 norm of at most
    /// `Distance.maxSquaredNorm` (1e37), so every dot product, cosine and squared Euclidean distance between accepted
    /// vectors stays finite in Float32 (see `Distance.maxSquaredNorm`). `name` says which vector in the error.
    static func checkValues(_ values: [Float], dimension: Int, item: Int?, name: @autoclosure () -> String) throws(EngineError) {
        guard values.count == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: values.count, item: item)
        }
        for (position, value) in values.enumerated() where !value.isFinite {
            throw .invalidVector("value \(position) is not a finite number", item: item)
        }
        let squaredNorm = Distance.squaredNormInDouble(values)
        guard squaredNorm <= Distance.maxSquaredNorm else {
            throw .invalidVector("squared L2 norm \(squaredNorm) of \(name()) exceeds the limit 1e37 (a norm of about "
                                 + "3.16e18): larger vectors make scores overflow float32", item: item)
        }
    }

    /// Refuses a batch that names an id more than once (one row would be stored for two items, so the count would lie).
    /// O(n): one dictionary of the ids seen.
    static func checkUniqueIDs(_ ids: some Sequence<String>) throws(EngineError) {
        var first: [String: Int] = [:]
        first.reserveCapacity(ids.underestimatedCount)
        for (item, id) in ids.enumerated() {
            if let earlier = first.updateValue(item, forKey: id) {
                throw .invalidID("\"\(id)\" appears twice in the batch, at items \(earlier) and \(item); send each id once",
                                 item: item)
            }
        }
    }

    /// Checks metadata and returns the bytes the log, memtable and segments store (empty for nil). The checks read the
    /// compact text as it is (first byte, a scan counting the top-level keys, its length): nothing is parsed.
    static func metadataBytes(_ metadata: CompactJSON?, item: Int?) throws(EngineError) -> [UInt8] {
        guard let metadata else { return [] }
        guard metadata.isObject else { throw .invalidMetadata("must be a JSON object", item: item) }
        let keys = metadata.objectKeyCount
        guard keys <= Limits.maxMetadataKeys else {
            throw .invalidMetadata("has \(keys) keys, at most \(Limits.maxMetadataKeys) are allowed", item: item)
        }
        let bytes = metadata.bytes
        guard bytes.count <= Limits.maxMetadataBytes else {
            throw .invalidMetadata("is \(bytes.count) bytes serialised, at most 65536 are allowed", item: item)
        }
        return bytes
    }

    static func checkBatch(count: Int, what: String) throws(EngineError) {
        guard (1...Limits.maxBatch).contains(count) else {
            throw .invalidArgument("a batch holds 1...\(Limits.maxBatch) \(what), got \(count)")
        }
    }

    static func checkSearch(_ request: SearchRequest, dimension: Int) throws(EngineError) {
        guard (1...Limits.maxK).contains(request.k) else { throw .invalidArgument("k must be 1...1000, got \(request.k)") }
        if let ef = request.ef, !(1...Limits.maxEf).contains(ef) {
            throw .invalidArgument("ef must be 1...4096, got \(ef)")
        }
        if let threshold = request.threshold, !threshold.isFinite {
            throw .invalidArgument("threshold must be a finite number")
        }
        try checkValues(request.vector, dimension: dimension, item: nil, name: "the query")
    }
}
