import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIndex
import VectorLogicJSON

extension ToolsSuite {
    /// Issue 11's reproduction with per-block checksums: one flipped 4-byte value in the vectors section of a big
    /// segment costs the rows of one 4 KiB block, named by id — not the segment.
    @Suite struct ToolsBlockDamageTests {
        static let rows = 10_000
        static let dimension = 32  // a 128-byte stride: 32 rows per 4 KiB block

        @Test func flippedValueInVectorsCostsOneBlockOfRows() async throws {
            let directory = ToolsTempDirectory("block-damage")
            defer { directory.remove() }
            var options = DatabaseOptions(durability: .none)
            options.backgroundWork = false
            let database = try Database.open(at: directory.path, options: options)
            _ = try await database.createCollection(CollectionConfig(name: "big", dimension: Self.dimension, metric: .cosine,
                                                                     index: IndexConfig(type: .hnsw, m: 8, efConstruction: 32)))
            for start in stride(from: 0, to: Self.rows, by: 1_000) {
                _ = try await database.upsert("big", (start..<(start + 1_000)).map { i in
                    VectorRecord(id: "r-\(i)", values: toolsVector(i, dimension: Self.dimension), metadata: CompactJSON(.object(JSONObject([("i", .number(Double(i)))]))))
                })
            }
            try await database.checkpointNow(compact: false)
            try await database.close()
            let segment = try #require(try ToolsFixture.segments(in: directory.path).first)
            let path = directory.path + "/" + segment
            let vectors = try #require(try ToolsFixture.sectionOffset(path, kind: .engineVectors))
            var bytes = try ToolsFixture.read(path)
            let value = vectors + 5_000 * Self.dimension * 4 + 3 * 4  // row 5000, dimension 3
            for index in value..<(value + 4) { bytes[index] ^= 0xA5 }
            try ToolsFixture.write(bytes, to: path)
            let block = (5_000 * Self.dimension * 4 + 12) / 4_096
            let expected = Set((block * 32..<(block * 32 + 32)).map { "r-\($0)" })

            let verify = try VectorLogicProcess.run(["verify", "--data-dir", directory.path])
            #expect(verify.status == 1)
            #expect(verify.stdout.contains("32 rows unreadable") && verify.stdout.contains("r-\(block * 32)"), "\(verify.stdout)")

            let repair = try VectorLogicProcess.run(["repair", "--data-dir", directory.path])
            #expect(repair.status == 0, "\(repair.stderr)")
            #expect(repair.stdout.contains("32 rows lost (32 vectors, 0 store rows)"), "\(repair.stdout)")
            let lostFile = directory.path + "/lost/" + segment + ".lost.jsonl"
            let lines = try String(contentsOfFile: lostFile, encoding: .utf8).split(separator: "\n")
            let lostIDs = try lines.map { line -> String in
                guard case .object(let object) = try JSONParser.parse(String(line)), case .string(let id)? = object["id"] else { return "" }
                #expect(object["values"] == .null && object["metadata"] != .null, "vectors unreadable, metadata kept: \(line)")
                return id
            }
            #expect(Set(lostIDs) == expected)

            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 0)
            let reopened = try Database.open(at: directory.path, options: options)
            #expect(try reopened.count("big", filter: nil) == Self.rows - 32)
            #expect(try reopened.get("big", id: "r-\(block * 32 - 1)", includeValues: true)?.values == toolsVector(block * 32 - 1, dimension: Self.dimension))
            #expect(try reopened.get("big", id: "r-\(block * 32)", includeValues: false) == nil)
            let query = toolsVector(42, dimension: Self.dimension)
            #expect(try reopened.search("big", SearchRequest(vector: query, k: 1)).first?.id == "r-42")
            try await reopened.close()
        }
    }
}
