import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIndex
import VectorLogicIO

extension ToolsSuite {
    /// Inspect and verify on healthy databases: figures match what was written, and verify finds nothing.
    @Suite struct ToolsInspectVerifyTests {
        /// Inspect of a fresh database reports segments, rows, tombstones, dimension, metric and the log's records.
        @Test func inspectReportsTheFiguresOfAFreshDatabase() async throws {
            let directory = ToolsTempDirectory("inspect")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let database = try Database.open(at: directory.path)
            try await ToolsFixture.upsert(database, prefix: "c", 0..<7)
            let report = try Inspector.inspect(path: directory.path)
            try await database.close()

            #expect(report.kind == "directory")
            #expect(report.manifest?.checksumOK == true)
            #expect(report.segments.count == 2)
            #expect(report.segments.map(\.rows) == [40, 30])
            #expect(report.segments.map(\.deleted) == [5, 0])
            #expect(report.segments.allSatisfy { $0.checksumsOK && $0.dimension == 8 && $0.metric == "cosine" })
            let collection = try #require(report.collections.first)
            #expect(collection.name == "docs")
            #expect(collection.vectors == 35 + 30 + 7)
            #expect(collection.deleted == 5)
            #expect(collection.unflushedVectors == 7)
            #expect(report.countsIncludeLog)
            #expect(report.logs.reduce(0) { $0 + $1.upsertedVectors } == 7)
            #expect(report.logs.last?.recordsByType["upsert"] == 1)
            #expect(report.checksumsOK)
            #expect(report.render().contains("collection docs (id 1): 72 vectors"))
        }

        /// Inspect of single files: a segment's sections, a log's LSN range, a manifest's checkpoint.
        @Test func inspectReadsSingleFiles() async throws {
            let directory = ToolsTempDirectory("inspect-files")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let segment = try #require(try ToolsFixture.segments(in: directory.path).first)
            let segmentReport = try Inspector.inspect(path: directory.path + "/" + segment)
            #expect(segmentReport.kind == "segment")
            #expect(segmentReport.segments.first?.sections.map(\.name).prefix(5) == ["info", "vectors", "ids", "id-order", "metadata"])
            #expect(segmentReport.segments.first?.formatVersion == SegmentContainer.version)
            let manifest = try Inspector.inspect(path: directory.path + "/MANIFEST")
            #expect(manifest.kind == "manifest")
            #expect((manifest.manifest?.checkpointLSN ?? 0) > 0)

            let logs = ToolsTempDirectory("inspect-log")
            defer { logs.remove() }
            let (path, _) = try ToolsFixture.logOnlyDatabase(at: logs.path, count: 12)
            let logReport = try Inspector.inspect(path: path)
            let log = try #require(logReport.logs.first)
            #expect(log.records == 13)
            #expect(log.firstLSN == 1 && log.lastLSN == 13)
            #expect(log.upsertedVectors == 12)
            #expect(log.ending == "clean")
        }

        /// A healthy database verifies clean, and every segment and record is counted as checked.
        @Test func verifyIsCleanOnAHealthyDatabase() async throws {
            let directory = ToolsTempDirectory("verify")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let report = try Verifier.verify(directory: directory.path)
            #expect(report.isClean, "\(report.render())")
            #expect(report.problems.isEmpty)
            #expect(report.segmentsChecked == 2)
            #expect(report.rowsChecked == 70)
        }

        /// A segment with an HNSW graph section: inspect shows its figures and verify checks its invariants.
        @Test func inspectShowsGraphFiguresAndVerifyChecksThem() async throws {
            let directory = ToolsTempDirectory("graph")
            defer { directory.remove() }
            try await ToolsFixture.twoSegmentDatabase(at: directory.path)
            let segment = directory.path + "/" + (try #require(try ToolsFixture.segments(in: directory.path).first))
            try ToolsGraphFixture.ensureGraph(segment)
            let report = try Inspector.inspect(path: segment)
            let graph = try #require(report.segments.first?.graph)
            #expect(graph.nodes == 40)
            #expect(graph.levels >= 1)
            #expect(graph.entryPoint != nil)
            #expect(graph.meanDegree > 1 && graph.maxDegree <= graph.m0)
            #expect(graph.unreachableNodes == 0)
            #expect(try Verifier.verify(directory: directory.path).isClean)
        }
    }
}

/// Gives a segment file an HNSW graph section when it has none (until the engine writes graphs itself).
enum ToolsGraphFixture {
    static func ensureGraph(_ path: String) throws {
        let bytes = try ToolsFixture.read(path)
        let rebuilt: [UInt8]? = try bytes.withUnsafeBytes { raw in
            let layout = try SegmentContainer.open(raw)
            guard layout.section(.engineGraph) == nil, let infoBytes = layout.section(.engineInfo),
                  let vectors = layout.section(.engineVectors) else { return nil }
            let info = try EngineSegmentInfo.decode(infoBytes)
            let dimension = Int(info.dimension), stride = Int(info.stride)
            let source = FlatVectorSource(dimension: dimension, count: Int(info.rows)) { out in
                for row in 0..<Int(info.rows) {
                    for j in 0..<dimension {
                        out[row * dimension + j] = vectors.loadUnaligned(fromByteOffset: row * stride + j * 4, as: Float.self)
                    }
                }
            }
            let graph = MutableHNSW(source: source, metric: .cosine, parameters: HNSWParameters(m: 16, efConstruction: 200), expectedCount: Int(info.rows))
            for row in 0..<info.rows { graph.insert(row) }
            var sections = layout.sections.compactMap { entry in layout.section(entry.kind).map { (kind: entry.kind, bytes: Array($0)) } }
            sections.append((SegmentSectionKind.engineGraph.rawValue, graph.serialized()))
            return SegmentContainer.build(sections: sections)
        }
        if let rebuilt { try ToolsFixture.write(rebuilt, to: path) }
    }

    /// Removes the first level-0 row at or after `from` (not the entry point) from every level-0 list of the segment's
    /// graph, so no search can reach it, and rewrites the file with valid checksums. Returns that row.
    static func cutOffRow(_ path: String, from: Int) throws -> UInt32 {
        let bytes = try ToolsFixture.read(path)
        let (file, row) = try bytes.withUnsafeBytes { raw -> ([UInt8], UInt32) in
            let layout = try SegmentContainer.open(raw)
            guard let section = layout.section(.engineGraph) else { throw CocoaError(.fileReadCorruptFile) }
            var graph = Array(section)
            func u32(_ at: Int) -> UInt32 { (0..<4).reduce(0) { $0 | UInt32(graph[at + $1]) << (8 * $1) } }
            func set(_ value: UInt32, at: Int) { for i in 0..<4 { graph[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) } }
            // data-format.md, "HNSW graph section": 64-byte header, then count × (1 + m0) u32 level-0 lists, then levels.
            let m0 = Int(u32(16)), count = Int(u32(20)), entry = u32(24)
            let level0 = 64, levels = level0 + count * (1 + m0) * 4
            guard let cut = (from..<count).first(where: { UInt32($0) != entry && graph[levels + $0] == 0 }) else {
                throw CocoaError(.fileReadCorruptFile)
            }
            for r in 0..<count {
                let list = level0 + r * (1 + m0) * 4
                let ids = (0..<Int(u32(list))).map { u32(list + 4 + $0 * 4) }.filter { $0 != UInt32(cut) }
                set(UInt32(ids.count), at: list)
                for i in 0..<m0 { set(i < ids.count ? ids[i] : 0xFFFF_FFFF, at: list + 4 + i * 4) }
            }
            let sections = layout.sections.compactMap { entry -> (kind: UInt32, bytes: [UInt8])? in
                if entry.kind == SegmentSectionKind.engineGraph.rawValue { return (entry.kind, graph) }
                return layout.section(entry.kind).map { (kind: entry.kind, bytes: Array($0)) }
            }
            return (SegmentContainer.build(sections: sections), UInt32(cut))
        }
        try ToolsFixture.write(file, to: path)
        return row
    }
}
