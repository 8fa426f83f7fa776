import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicIO
import VectorLogicTestSupport

/// `DatabaseOptions.vectorReads`: with `.pread` a segment's re-rank reads rows from the file and its mapping's row
/// pages leave the resident set after the background check; the answers are the ones `.mapped` gives.
@Suite(.serialized) struct VectorReadsTests {
    static let rows = 5_000          // past FrozenHNSW.quantizedTraversalMinimumRows (4,096): SQ8 codes are built
    static let dimension = 256       // 1 KiB a row: the vectors section (5 MB) is most of the file

    func open(_ directory: String, _ reads: VectorReads) throws -> Database {
        var options = DatabaseOptions(durability: .none, backgroundWork: false)
        options.vectorReads = reads
        options.logger.logLevel = .critical
        return try Database.open(at: directory, options: options)
    }

    /// Resident kB of this process's mappings of `file` (/proc/self/smaps), nil when it is not mapped.
    func residentKilobytes(ofMappingsOf file: String) -> Int? {
        // procfs files report size 0: read to the end through a handle, not String(contentsOfFile:).
        guard let handle = FileHandle(forReadingAtPath: "/proc/self/smaps") else { return nil }
        defer { try? handle.close() }
        let smaps = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        var total: Int?
        var inFile = false
        for line in smaps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            if let first = fields.first, first.contains("-"), fields.count >= 5 {
                inFile = fields.count >= 6 && fields.last.map { $0.hasSuffix(file) } == true
            } else if inFile, fields.first == "Rss:", fields.count >= 2, let kb = Int(fields[1]) {
                total = (total ?? 0) + kb
            }
        }
        return total
    }

    func answers(_ database: Database, queries: [[Float]]) throws -> [[String]] {
        try queries.map { q in try database.search("c", SearchRequest(vector: q, k: 10, ef: 64)).map { "\($0.id) \($0.score)" } }
    }

    /// The default, `.auto`, reads segments of 256 MiB of rows or more with pread and smaller ones through the mapping.
    @Test func autoReadsOnlyLargeSegmentsWithPread() {
        #expect(DatabaseOptions(durability: .none).vectorReads == .auto)
        #expect(!VectorReads.auto.usesPread(vectorBytes: VectorReads.autoPreadBytes - 1))
        #expect(VectorReads.auto.usesPread(vectorBytes: VectorReads.autoPreadBytes))
        #expect(VectorReads.auto.usesPread(vectorBytes: 1_000_000 * 384 * 4 / 5), "a 200,000-row segment of a 1M × 384 set")
        #expect(!VectorReads.auto.usesPread(vectorBytes: 100_000 * 384 * 4), "a 100,000 × 384 segment")
        #expect(VectorReads.pread.usesPread(vectorBytes: 0) && !VectorReads.mapped.usesPread(vectorBytes: .max))
    }

    @Test func preadReRankAnswersAsMappedAndKeepsRowsOutOfTheResidentSet() async throws {
        let temporary = EngineTempDirectory("vector-reads")
        defer { temporary.remove() }
        var random = EngineRandom(seed: 0xEAD5)
        let queries = (0..<20).map { _ in random.vector(Self.dimension) }
        do {
            let database = try open(temporary.path, .mapped)
            _ = try await database.createCollection(CollectionConfig(name: "c", dimension: Self.dimension, metric: .cosine,
                                                                     index: IndexConfig(m: 8, efConstruction: 32)))
            for start in stride(from: 0, to: Self.rows, by: 500) {
                _ = try await database.upsert("c", (start..<(start + 500)).map { VectorRecord(id: "r\($0)", values: random.vector(Self.dimension)) })
            }
            try await database.checkpointNow(compact: false)
            try await database.close()
        }
        let segments = try PosixFileSystem().contents(ofDirectory: temporary.path).filter { $0.hasSuffix(".seg") }
        #expect(segments.count == 1)
        let segment = try #require(segments.first)
        let vectorKilobytes = Self.rows * Self.dimension * 4 / 1024

        var results: [VectorReads: [[String]]] = [:]
        // pread first, and counted from what was resident before this open: a closed database's mapping can outlive
        // its `close()` for a moment (the last reference goes later), and smaps lists it under the same file name.
        for reads in [VectorReads.pread, .mapped] {
            let before = residentKilobytes(ofMappingsOf: segment) ?? 0
            let database = try open(temporary.path, reads)
            #expect(database.checkSegmentsNow() == 1)
            results[reads] = try answers(database, queries: queries)
            let resident = try #require(residentKilobytes(ofMappingsOf: segment)) - before
            print("vector reads \(reads): segment mapping resident \(resident) kB of \(vectorKilobytes) kB of rows (\(before) kB before)")
            if reads == .mapped {
                #expect(resident >= vectorKilobytes, "the check read every row through the mapping")
            } else {
                #expect(resident < vectorKilobytes / 2, "rows released after the check, re-ranks read with pread")
            }
            try await database.close()
        }
        #expect(results[.mapped] == results[.pread])
        #expect(results[.mapped]?.allSatisfy { $0.count == 10 } == true)
    }
}
