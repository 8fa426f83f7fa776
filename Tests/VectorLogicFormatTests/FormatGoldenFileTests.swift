import Foundation
import Testing
import VectorLogicFormat

/// Golden files written by the version-1 writers (`Fixtures/format-v1/`): a whole small segment with every section
/// and a log with every record kind. Each is decoded through the format's own decoders, field by field; every later
/// version of the readers must keep decoding them exactly so.
struct FormatGoldenFileTests {
    static func fixture(_ name: String, version: Int = 1) throws -> [UInt8] {
        let base = try #require(Bundle.module.resourceURL)
        return [UInt8](try Data(contentsOf: base.appendingPathComponent("Fixtures/format-v\(version)/" + name)))
    }

    /// `segment-5-rows-cosine-hnsw.seg` as written by container version 1 (one CRC per section) and version 2 (the
    /// data sections checksummed per block): collection `golden` (id 1, dimension 3, cosine, HNSW m 2), rows b a d c e.
    /// The current readers decode both to the same rows.
    @Test(arguments: [1, 2])
    func goldenSegmentDecodesSectionBySection(version: Int) throws {
        let file = try Self.fixture("segment-5-rows-cosine-hnsw.seg", version: version)
        try file.withUnsafeBytes { raw in
            let layout = try SegmentContainer.open(raw)
            #expect(layout.version == UInt32(version))
            #expect(layout.verify().isEmpty)
            #expect(layout.sections.map(\.kind) == [1, 2, 3, 4, 5, 6])
            if version == 2 {
                #expect(layout.blockSizes == EngineSegmentBlocks.sizes)
                #expect(layout.blocks(.engineVectors)?.count == 1 && layout.blocks(.engineIDs)?.count == 1)
                for kind in EngineSegmentBlocks.sizes.keys { #expect(layout.damagedBlocks(kind).isEmpty) }
                let blockSection = try #require(layout.sections.last.map { $0.offset + $0.length })
                #expect(file.count > blockSection + 64, "the block-checksum section follows the data sections")
            } else {
                #expect(layout.blockSizes.isEmpty)
            }

            let info = try EngineSegmentInfo.decode(try #require(layout.section(.engineInfo)))
            #expect(info.collectionID == 1 && info.dimension == 3 && info.metric == 0 && info.indexType == 0)
            #expect(info.rows == 5 && info.stride == 64 && info.maxLSN == 2)
            let definition = try #require(info.definition)
            #expect(definition.name == "golden" && definition.m == 2 && definition.efConstruction == 8 && definition.efSearch == 8)

            let vectors = try #require(layout.section(.engineVectors))
            let expected: [[Float]] = [[1, 0, 0], [0, 2, 0], [0, 0, 3], [1, 1, 0], [-1, 0.5, 0.25]]
            #expect(vectors.count == 5 * 64)
            for (row, values) in expected.enumerated() {
                var reader = ByteReader(UnsafeRawBufferPointer(rebasing: vectors[(row * 64)..<(row * 64 + 64)]))
                #expect(try (0..<3).map { _ in try reader.f32() } == values)
                #expect(try reader.bytes(count: 52).allSatisfy { $0 == 0 }, "row padding is zero")
            }

            let ids = try EngineSegmentTables.decodeSlices(try #require(layout.section(.engineIDs)), count: 5, width: 4)
            #expect(ids.map { String(decoding: $0, as: UTF8.self) } == ["b", "a", "d", "c", "e"])
            #expect(try EngineSegmentTables.decodeRows(try #require(layout.section(.engineIDOrder)), count: 5) == [1, 0, 3, 2, 4])
            let metadata = try EngineSegmentTables.decodeSlices(try #require(layout.section(.engineMetadata)), count: 5, width: 8)
            #expect(metadata.map { String(decoding: $0, as: UTF8.self) } == [#"{"k":1}"#, #"{"lang":"en"}"#, "", #"{"tags":["x",true]}"#, "{}"])

            let graphBytes = try #require(layout.section(.engineGraph))
            let graph = try GraphSection.decode(graphBytes)
            #expect(graph.header.count == 5 && graph.header.m == 2 && graph.header.m0 == 4 && graph.header.metric == 0)
            #expect(graph.header.hasInverseNorms && graph.header.entryPoint < 5 && graph.header.efConstruction == 8)
            let norms = graph.inverseNorms.map { Float(bitPattern: $0) }
            let lengths = expected.map { values in (values.reduce(0) { $0 + $1 * $1 }).squareRoot() }
            for (norm, length) in zip(norms, lengths) { #expect(abs(norm * length - 1) < 1e-6) }
            #expect(GraphSection.encode(graph) == Array(graphBytes), "the graph re-encodes byte-exactly")
            #expect(throws: Never.self) { try GraphSection.open(graphBytes, metric: 0, count: 5) }
        }
    }

    /// `log-every-record-kind.log`: log 1 with create (LSN 1), upsert of two rows (2), delete (3), drop (4), each
    /// decoded as the engine does; the current encoder writes exactly these bytes.
    @Test func goldenLogDecodesEveryRecordKind() throws {
        let file = try Self.fixture("log-every-record-kind.log")
        let scan = file.withUnsafeBytes { LogFraming.scan($0) }
        #expect(scan.ending == .clean && scan.header?.logNumber == 1)
        let definition = EngineCollectionDefinition(id: 7, name: "golden", dimension: 2, metric: 2, indexType: 0, m: 16,
                                                    efConstruction: 200, efSearch: 64, createdAtMs: 1_764_086_400_000)
        let expected: [EngineLogEntry] = [
            .createCollection(definition),
            .upsert(collection: 7, rows: [EngineUpsertRow(id: "a", metadata: Array(#"{"k":1}"#.utf8), values: [1, 2]),
                                          EngineUpsertRow(id: "b", metadata: [], values: [-0.5, 3.25])]),
            .delete(collection: 7, ids: ["a", "zz"]),
            .dropCollection(id: 7),
        ]
        #expect(scan.records.map(\.lsn) == [1, 2, 3, 4])
        #expect(scan.records.map(\.type) == EngineRecordType.allCases.map(\.rawValue).sorted { order($0) < order($1) })
        let decoded = try scan.records.map { try EngineLogPayload.decode(type: $0.type, payload: $0.payload) }
        #expect(decoded == expected)
        var encoded = LogFraming.encodeFileHeader(logNumber: 1)
        for (index, entry) in expected.enumerated() {
            let payload = EngineLogPayload.encode(entry)
            LogFraming.encode(LogRecord(type: payload.type, lsn: UInt64(index + 1), payload: payload.payload), into: &encoded)
        }
        #expect(encoded == file)
    }

    /// Record kinds in the file's order: create, upsert, delete, drop.
    private func order(_ type: UInt8) -> Int { [1: 0, 3: 1, 4: 2, 2: 3][type] ?? 9 }
}
