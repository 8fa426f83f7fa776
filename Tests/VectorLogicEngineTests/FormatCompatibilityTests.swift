import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance

/// Old files stay readable: a database written by segment container version 1 (one CRC per section, before block
/// checksums) opens, answers and verifies clean beside the version-2 segments written after it.
struct FormatCompatibilityTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("VectorLogicFormatTests/Fixtures/format-v1")

    @Test func versionOneDatabaseOpensAndAnswers() async throws {
        let directory = NSTemporaryDirectory() + "vl-format-v1-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("MANIFEST-of-segment-5-rows").path, toPath: directory + "/MANIFEST")
        try FileManager.default.copyItem(atPath: Self.fixtures.appendingPathComponent("segment-5-rows-cosine-hnsw.seg").path,
                                         toPath: directory + "/0000000000000001.seg")
        #expect(try Verifier.verify(directory: directory).isClean)
        let database = try Database.open(at: directory)
        #expect(try database.count("golden", filter: nil) == 5)
        #expect(try database.get("golden", id: "e", includeValues: true)?.values == [-1, 0.5, 0.25])
        #expect(try database.search("golden", SearchRequest(vector: [0, 1, 0], k: 1)).first?.id == "a")
        _ = try await database.upsert("golden", [VectorRecord(id: "f", values: [0, 1, 1])])
        _ = try await database.delete("golden", ids: ["b", "c", "d"])
        try await database.checkpointNow(compact: true)
        try await database.close()
        let versions = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }.sorted().map { name in
            try [UInt8](Data(contentsOf: URL(fileURLWithPath: directory + "/" + name)))[8]
        }
        #expect(versions == [1, 2], "the old segment stays as it is, the flushed one is written as version 2")
        #expect(try Verifier.verify(directory: directory).isClean)
        let reopened = try Database.open(at: directory)
        #expect(try reopened.count("golden", filter: nil) == 3)
        try await reopened.close()
    }
}
