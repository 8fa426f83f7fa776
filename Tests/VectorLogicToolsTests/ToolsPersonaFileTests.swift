import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine

/// The server keeps `personas.sqlite` (and SQLite's `-wal`/`-shm` files) in the data directory: the engine's tools,
/// given no `StoreFile` (the CLI gives them the server's stores: `ToolsVerifyImpliesServeTests`), must neither report
/// them as problems nor move or change them.
@Suite("Tools leave the persona store alone")
struct ToolsPersonaFileTests {
    static let names = ["personas.sqlite", "personas.sqlite-wal", "personas.sqlite-shm"]

    @Test func verifyInspectAndRepairIgnorePersonaFiles() async throws {
        let directory = ToolsTempDirectory("personas")
        defer { directory.remove() }
        try await ToolsFixture.twoSegmentDatabase(at: directory.path)
        for (index, name) in Self.names.enumerated() {
            let bytes = Data("not engine data \(index)".utf8)
            #expect(FileManager.default.createFile(atPath: directory.path + "/" + name, contents: bytes))
        }
        let verify = try Verifier.verify(directory: directory.path)
        #expect(verify.isClean, "\(verify.render())")
        let inspect = try Inspector.inspect(path: directory.path)
        #expect(inspect.segments.count == 2)
        _ = try Repairer.repair(directory: directory.path)
        for (index, name) in Self.names.enumerated() {
            let data = FileManager.default.contents(atPath: directory.path + "/" + name)
            #expect(data == Data("not engine data \(index)".utf8), "\(name) was changed or moved")
        }
        let lost = (try? FileManager.default.contentsOfDirectory(atPath: directory.path + "/lost")) ?? []
        #expect(lost.allSatisfy { !$0.hasPrefix("personas.sqlite") })
    }
}
