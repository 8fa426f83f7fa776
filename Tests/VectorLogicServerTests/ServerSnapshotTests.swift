import Foundation
import Testing
import VectorLogicEngine
import VectorLogicFormat
import VectorLogicJSON
import VectorLogicPersonas

/// `/v1/snapshots` over real HTTP on 127.0.0.1, and `vectorlogic snapshot create --server` against it.
@Suite struct ServerSnapshotTests {
    /// POST makes a snapshot, GET lists it, the download's SHA-256 is the reported one and it restores; DELETE
    /// removes it; unknown names are 404 and bad names 400, always in the error envelope.
    @Test func createListDownloadDelete() async throws {
        try await withServer { server in
            let upsert = try await server.call("POST", "/v1/collections/default/vectors",
                                               #"{"vectors":[{"id":"a","values":[1,0,0,0]},{"id":"b","values":[0,1,0,0]}]}"#)
            #expect(upsert.status == 200)
            // A leftover of a snapshot a crash interrupted is removed by the next one.
            let leftover = server.directory + "/snapshots/snapshot-20000101T000000Z-0000.vlsnap.tmp"
            try FileManager.default.createDirectory(atPath: server.directory + "/snapshots", withIntermediateDirectories: true)
            #expect(FileManager.default.createFile(atPath: leftover, contents: Data([1, 2, 3])))
            let created = try await server.call("POST", "/v1/snapshots")
            #expect(created.status == 201)
            #expect(!FileManager.default.fileExists(atPath: leftover))
            let name = try #require(created.data?["name"]?.string)
            let sha256 = try #require(created.data?["sha256"]?.string)
            #expect(name.hasPrefix("snapshot-") && name.hasSuffix(".vlsnap"))
            #expect(created.data?["bytes"]?.number ?? 0 > 0 && created.data?["created_at"]?.number ?? 0 > 1_700_000_000_000)

            let list = try await server.call("GET", "/v1/snapshots")
            #expect(list.status == 200 && list["meta"]?["count"]?.number == 1)
            #expect(list.data?[0]?["name"]?.string == name)

            let download = try await server.call("GET", "/v1/snapshots/\(name)")
            #expect(download.status == 200 && download.headers["content-type"] == "application/octet-stream")
            #expect(Double(download.body.count) == created.data?["bytes"]?.number)
            var hasher = SHA256()
            hasher.update(download.body)
            #expect(hasher.hexDigest() == sha256)
            let files = try SnapshotFile.decode(download.body).files
            #expect(files.contains { $0.name == "MANIFEST" } && files.contains { $0.name.hasSuffix(".seg") })
            #expect(files.contains { $0.name == "personas.sqlite" } && files.contains { $0.name == "keys.sqlite" })
            #expect(try FileManager.default.contentsOfDirectory(atPath: server.directory + "/snapshots") == [name], "temporary copies left behind")

            for (path, status, code) in [("/v1/snapshots/nothing.vlsnap", 404, "not_found"), ("/v1/snapshots/..", 400, "invalid_request"),
                                         ("/v1/snapshots/%2E%2E%2FMANIFEST", 400, "invalid_request")] {
                let missing = try await server.call("GET", path)
                #expect(missing.status == status && missing.errorCode == code && missing.isCleanErrorEnvelope, "\(path): \(missing.status)")
            }
            #expect(try await server.call("DELETE", "/v1/snapshots/\(name)").status == 200)
            let gone = try await server.call("DELETE", "/v1/snapshots/\(name)")
            #expect(gone.status == 404 && gone.errorCode == "not_found")
            #expect(try await server.call("GET", "/v1/snapshots").data?.array?.isEmpty == true)
            // The snapshots/ folder does not disturb the engine's own listing or stats.
            #expect(try await server.call("GET", "/v1/stats").status == 200)
        }
    }

    /// A snapshot larger than one download chunk (float32 rows barely compress) streams whole and intact.
    @Test func downloadLargerThanOneChunkArrivesWhole() async throws {
        try await withServer(configure: { $0.defaultDimension = 512 }) { server in
            let rows = (0..<150).map { i in
                #"{"id":"v\#(i)","values":["# + (0..<512).map { j in "\(Float(sin(Double(i * 512 + j))))" }.joined(separator: ",") + "]}"
            }
            let upsert = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":["# + rows.joined(separator: ",") + "]}")
            #expect(upsert.status == 200)
            let created = try await server.call("POST", "/v1/snapshots")
            let name = try #require(created.data?["name"]?.string)
            let download = try await server.call("GET", "/v1/snapshots/\(name)")
            #expect(download.body.count > 256 * 1024)  // more than one chunk of the download route
            #expect(Double(download.body.count) == created.data?["bytes"]?.number)
            var hasher = SHA256()
            hasher.update(download.body)
            #expect(hasher.hexDigest() == created.data?["sha256"]?.string)
            #expect(try SnapshotReader.verify(SnapshotMemorySource(download.body)).entries.count >= 2)
        }
    }

    /// `vectorlogic snapshot create --server URL --api-key K --out FILE` downloads a verified snapshot that restores.
    @Test func onlineCreateThroughTheCommandLine() async throws {
        try await withServer { server in
            _ = try await server.call("POST", "/v1/collections/default/vectors", #"{"vectors":[{"id":"x","values":[1,2,3,4]}]}"#)
            let persona = try await server.call("POST", "/v1/personas", #"{"name":"kept","system_prompt":"hello"}"#)
            #expect(persona.status == 201)
            let out = TestServer.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: out) }
            let result = try await Self.runCLI(["snapshot", "create", "--server", "http://127.0.0.1:\(server.port)", "--api-key", "k",
                                                "--out", out + "/online.vlsnap", "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout.contains("sha256"))
            // The verified download replaced the server's copy: none is left behind unless asked.
            #expect(try await server.call("GET", "/v1/snapshots").data?.array?.count == 0)
            let kept = try await Self.runCLI(["snapshot", "create", "--server", "http://127.0.0.1:\(server.port)", "--keep-on-server",
                                              "--out", out + "/kept.vlsnap"])
            #expect(kept.status == 0, "\(kept.stderr)")
            #expect(try await server.call("GET", "/v1/snapshots").data?.array?.count == 1)
            let restore = try await Self.runCLI(["snapshot", "restore", out + "/online.vlsnap", "--data-dir", out + "/restored"])
            #expect(restore.status == 0, "\(restore.stderr)")
            let database = try Database.open(at: out + "/restored")
            #expect(try database.get("default", id: "x", includeValues: true)?.values == [1, 2, 3, 4])
            try await database.close()
            let personas = try PersonaStore(dataDirectory: out + "/restored")
            #expect(try personas.listPersonas().map(\.settings.name) == ["kept"])
            personas.close()
            let refused = try await Self.runCLI(["snapshot", "create", "--server", "http://127.0.0.1:1", "--out", out + "/no.vlsnap"])
            #expect(refused.status == 1 && !refused.stderr.isEmpty)
        }
    }

    /// Runs the built executable on its own thread (never blocking the cooperative pool the server's handlers use).
    static func runCLI(_ arguments: [String]) async throws -> (status: Int32, stdout: String, stderr: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                let process = Process()
                process.executableURL = ServeProcessTests.executable
                process.arguments = arguments
                let out = Pipe(), err = Pipe()
                process.standardOutput = out
                process.standardError = err
                do {
                    try process.run()
                } catch {
                    continuation.resume(throwing: error)
                    return
                }
                let outData = out.fileHandleForReading.readDataToEndOfFile()
                let errData = err.fileHandleForReading.readDataToEndOfFile()
                process.waitUntilExit()
                continuation.resume(returning: (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                                                String(decoding: errData, as: UTF8.self)))
            }
        }
    }
}
