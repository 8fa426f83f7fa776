import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIO

extension ToolsSuite {
    /// Damaged segments and manifests: verify names the file and offset, repair saves what it can, the database opens.
    @Suite struct ToolsRepairSegmentTests {
        /// A flipped byte in the vectors section: verify reports file + section offset, repair quarantines the segment and
        /// reports its live ids, then verify is clean and the other segment's data is all there.
        @Test func damagedVectorsSectionIsQuarantinedAndItsIDsReported() async throws {
            let directory = ToolsTempDirectory("quarantine")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let second = try #require(try ToolsFixture.segments(in: directory.path).last)
            let path = directory.path + "/" + second
            let vectors = try #require(try ToolsFixture.sectionOffset(path, kind: .engineVectors))
            try ToolsFixture.flip(path, at: vectors + 100)

            let damaged = try Verifier.verify(directory: directory.path)
            #expect(!damaged.isClean)
            #expect(damaged.errors.contains { $0.file == second && $0.offset == Int64(vectors) })

            let dry = try Repairer.repair(directory: directory.path, dryRun: true)
            #expect(dry.actions.contains { $0.kind == "quarantine" && $0.file == second })
            #expect(try ToolsFixture.segments(in: directory.path).contains(second), "dry run must not move files")

            let report = try Repairer.repair(directory: directory.path)
            let loss = try #require(report.losses.first { $0.file == second })
            #expect(Set(loss.ids) == Set((0..<30).map { "b-\($0)" }))
            #expect(FileManager.default.fileExists(atPath: directory.path + "/lost/" + second))
            #expect(try Verifier.verify(directory: directory.path).isClean)

            let database = try Database.open(at: directory.path)
            #expect(try database.count("docs", filter: nil) == 35)
            #expect(try database.get("docs", id: "a-7", includeValues: true)?.values == toolsVector(7, dimension: 8))
            #expect(try database.get("docs", id: "b-1", includeValues: false) == nil)
            try await database.close()
        }

        /// A flipped byte in the graph section: repair rewrites the segment with a graph rebuilt from the intact vectors,
        /// loses nothing, and search answers from it.
        @Test func damagedGraphIsRebuiltFromIntactVectors() async throws {
            let directory = ToolsTempDirectory("graph-rebuild")
            defer { directory.remove() }
            let first = try await Self.databaseWithGraph(at: directory.path)
            let path = directory.path + "/" + first
            let graph = try #require(try ToolsFixture.sectionOffset(path, kind: .engineGraph))
            try ToolsFixture.flip(path, at: graph + 40)

            let damaged = try Verifier.verify(directory: directory.path)
            #expect(damaged.errors.contains { $0.file == first && $0.offset == Int64(graph) })
            let rebuilt = try Self.repairRebuildsGraph(of: first, in: directory.path)
            #expect(rebuilt.graph?.nodes == 40)

            let database = try Database.open(at: directory.path)
            #expect(try database.count("docs", filter: nil) == 65)
            let hits = try database.search("docs", SearchRequest(vector: toolsVector(12, dimension: 8), k: 1))
            #expect(hits.first?.id == "a-12")
            try await database.close()
        }

        /// A graph with a row no search can reach (issue 8, section 3): inspect counts it, verify fails and names the row
        /// and `repair`, repair rewrites the segment with a rebuilt graph, and search finds the row again.
        @Test func unreachableGraphRowFailsVerifyAndRepairRebuildsTheGraph() async throws {
            let directory = ToolsTempDirectory("graph-unreachable")
            defer { directory.remove() }
            let first = try await Self.databaseWithGraph(at: directory.path)
            let path = directory.path + "/" + first
            let row = try ToolsGraphFixture.cutOffRow(path, from: 5)  // rows 0..<5 are deleted

            let inspected = try #require(try Inspector.inspect(path: path).segments.first?.graph)
            #expect(inspected.unreachableNodes == 1)
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let json = String(decoding: try encoder.encode(inspected), as: UTF8.self)
            #expect(json.contains("\"unreachable_nodes\":1"), "\(json)")
            let damaged = try Verifier.verify(directory: directory.path)
            #expect(!damaged.isClean)
            let problem = try #require(damaged.errors.first { $0.file == first && $0.message.contains("not reachable") })
            #expect(problem.message.contains("row \(row)") && problem.message.contains("`repair` rebuilds the graph"), "\(problem)")

            let rebuilt = try Self.repairRebuildsGraph(of: first, in: directory.path)
            #expect(rebuilt.graph?.unreachableNodes == 0)

            let database = try Database.open(at: directory.path)
            let hits = try database.search("docs", SearchRequest(vector: toolsVector(Int(row), dimension: 8), k: 1))
            #expect(hits.first?.id == "a-\(row)")
            try await database.close()
        }

        /// The two-segment fixture with a graph section in its first (40-row) segment; answers that segment's name.
        static func databaseWithGraph(at directory: String) async throws -> String {
            try await ToolsFixture.twoSegmentDatabase(at: directory)
            let first = try #require(try ToolsFixture.segments(in: directory).first)
            try ToolsGraphFixture.ensureGraph(directory + "/" + first)
            return first
        }

        /// Repairs `directory`, expecting `segment` rewritten with a rebuilt graph, nothing lost and verify clean after;
        /// answers the rewritten 40-row segment as inspect sees it.
        static func repairRebuildsGraph(of segment: String, in directory: String) throws -> SegmentSummary {
            let report = try Repairer.repair(directory: directory)
            #expect(report.actions.contains { $0.kind == "rewrite" && $0.file == segment })
            #expect(report.losses.isEmpty)
            let after = try Verifier.verify(directory: directory)
            #expect(after.isClean, "\(after.render())")
            return try #require(try Inspector.inspect(path: directory).segments.first { $0.rows == 40 })
        }

        /// A truncated manifest: open fails pointing to repair; repair rebuilds it from the segments; all rows come back.
        @Test func truncatedManifestIsRebuiltFromTheSegments() async throws {
            let directory = ToolsTempDirectory("manifest")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let manifest = directory.path + "/MANIFEST"
            let bytes = try ToolsFixture.read(manifest)
            try ToolsFixture.write(Array(bytes.dropLast(9)), to: manifest)

            #expect(throws: EngineError.self) { try Database.open(at: directory.path) }
            #expect(try Verifier.verify(directory: directory.path).errors.contains { $0.file == "MANIFEST" })
            let report = try Repairer.repair(directory: directory.path)
            #expect(report.actions.contains { $0.kind == "manifest" })
            #expect(FileManager.default.fileExists(atPath: directory.path + "/lost/MANIFEST"))
            let after = try Verifier.verify(directory: directory.path)
            #expect(after.isClean, "\(after.render())")

            let database = try Database.open(at: directory.path)
            let collection = try #require(database.listCollections().first)
            #expect(collection.config.dimension == 8)
            // Tombstones lived only in the lost manifest: the 5 deleted rows reappear (reported), nothing else changes.
            #expect(collection.vectorCount == 70)
            #expect(try database.get(collection.config.name, id: "b-29", includeValues: true)?.values == toolsVector(29, dimension: 8))
            try await database.close()
        }

        /// Manifest and logs both gone: the collection comes back under its own name and index settings, read from
        /// the definition each segment's info section carries (info version 2), with every row of the segments.
        @Test func lostManifestAndLogsKeepTheCollectionDefinition() async throws {
            let directory = ToolsTempDirectory("definition")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
            for name in files where name == "MANIFEST" || name.hasSuffix(".log") {
                try FileManager.default.removeItem(atPath: directory.path + "/" + name)
            }
            let report = try Repairer.repair(directory: directory.path)
            #expect(report.actions.contains { $0.kind == "manifest" })
            #expect(try Verifier.verify(directory: directory.path).isClean)
            let database = try Database.open(at: directory.path)
            let collection = try #require(database.listCollections().first)
            #expect(collection.config.name == ToolsFixture.collection)
            #expect(collection.config.dimension == ToolsFixture.dimension && collection.config.metric == .cosine)
            #expect(collection.vectorCount == 70)
            try await database.close()
        }

        /// Segments written before info version 2 (36-byte info, no definition) still decode.
        @Test func version1SegmentInfoStillDecodes() throws {
            let old = EngineSegmentInfo(collectionID: 7, dimension: 384, metric: 0, indexType: 0, rows: 10, maxLSN: 99)
            let bytes = old.encode()
            #expect(bytes.count == 36 && bytes[0] == 1)
            let decoded = try bytes.withUnsafeBytes { try EngineSegmentInfo.decode($0) }
            #expect(decoded == old && decoded.definition == nil)
            let definition = EngineCollectionDefinition(id: 7, name: "docs", dimension: 384, metric: 0, indexType: 0, m: 24,
                                                        efConstruction: 300, efSearch: 80, createdAtMs: 5)
            var new = old
            new.definition = definition
            let newBytes = new.encode()
            #expect(newBytes[0] == 2)
            #expect(try newBytes.withUnsafeBytes { try EngineSegmentInfo.decode($0) }.definition == definition)
            var mismatched = new
            mismatched.definition?.dimension = 12
            #expect(throws: FormatError.self) { try mismatched.encode().withUnsafeBytes { try EngineSegmentInfo.decode($0) } }
        }

        /// Repair works through any FileSystem: the same quarantine on a SimulatedFileSystem, surviving a crash after it.
        @Test func repairThroughTheSimulatedFileSystemIsDurable() async throws {
            let fileSystem = SimulatedFileSystem(seed: 7)
            let directory = "/db"
            try await ToolsFixture.twoSegmentDatabase(at: directory, fileSystem: fileSystem)
            let second = try #require(try ToolsFixture.segments(in: directory, fileSystem: fileSystem).last)
            let ids = try #require(try ToolsFixture.sectionOffset(directory + "/" + second, kind: .engineIDs, fileSystem: fileSystem))
            try ToolsFixture.flip(directory + "/" + second, at: ids + 2, fileSystem: fileSystem)
            #expect(!(try Verifier.verify(directory: directory, fileSystem: fileSystem).isClean))
            let report = try Repairer.repair(directory: directory, fileSystem: fileSystem)
            #expect(report.losses.contains { $0.file == second })
            fileSystem.crash()
            #expect(try Verifier.verify(directory: directory, fileSystem: fileSystem).isClean)
            let database = try Database.open(at: directory, fileSystem: fileSystem)
            #expect(try database.count("docs", filter: nil) == 35)
            try await database.close()
        }
    }
}
