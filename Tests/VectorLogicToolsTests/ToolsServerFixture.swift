import Foundation
import VectorLogicAccess
@_spi(Testing) import VectorLogicEngine
import VectorLogicFormat
import VectorLogicIO
import VectorLogicPersonas

/// A data directory holding every kind of file `serve` reads at start: two segments and the MANIFEST
/// (`ToolsFixture.twoSegmentDatabase`), a live log with records after the checkpoint, `keys.sqlite` with three keys
/// and `personas.sqlite` with two personas and their memories, all closed cleanly.
enum ToolsServerFixture {
    /// Builds the directory; returns the secrets of the keys made, by id.
    @discardableResult
    static func make(at directory: String) async throws -> [String: String] {
        try await ToolsFixture.twoSegmentDatabase(at: directory)
        try appendLogRecords(directory: directory, count: 12)
        let keys = try KeyStore(dataDirectory: directory)
        var secrets: [String: String] = [:]
        for (index, permissions) in [[APIKeyPermission.admin], [.read, .write], [.read]].enumerated() {
            secrets["k\(index)"] = try keys.create(name: "key \(index)", permissions: Set(permissions), rateLimitPerMinute: 100,
                                                  expiresInDays: nil, id: "k\(index)").secret
        }
        keys.close()
        let personas = try PersonaStore(dataDirectory: directory)
        for p in 0..<2 {
            _ = try personas.createPersona(id: "p\(p)", PersonaSettings(name: "persona \(p)"))
            for m in 0..<10 {
                _ = try personas.addMemory(id: "m\(p)-\(m)", to: "p\(p)", NewMemory(content: "memory \(m)", vector: [1, Float(m), 2, 3]))
            }
        }
        personas.close()
        return secrets
    }

    /// Appends `count` single-row upserts into collection `docs` after the manifest's checkpoint, to the newest live
    /// log (as a server killed before its next flush leaves them).
    static func appendLogRecords(directory: String, count: Int) throws {
        let manifestBytes = try ToolsFixture.read(directory + "/MANIFEST")
        let manifest = try EngineManifest.decode(try ManifestContainer.decode(manifestBytes))
        let collection = try manifest.collections.first { $0.definition.name == ToolsFixture.collection }.map(\.definition.id)
            ?? { throw CocoaError(.fileReadCorruptFile) }()
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".log") }
            .compactMap { UInt64($0.dropLast(4), radix: 16) }.filter { $0 >= manifest.firstLiveLog }.sorted()
        let number = logs.last ?? max(manifest.firstLiveLog, 1)
        let digits = String(number, radix: 16)
        let path = directory + "/" + String(repeating: "0", count: 16 - digits.count) + digits + ".log"
        var bytes = FileManager.default.fileExists(atPath: path) ? try ToolsFixture.read(path) : LogFraming.encodeFileHeader(logNumber: number)
        for i in 0..<count {
            let row = EngineUpsertRow(id: "c-\(i)", metadata: [], values: toolsVector(100 + i, dimension: ToolsFixture.dimension))
            let upsert = EngineLogPayload.encode(.upsert(collection: collection, rows: [row]))
            LogFraming.encode(LogRecord(type: upsert.type, lsn: manifest.checkpointLSN + UInt64(i) + 1, payload: upsert.payload), into: &bytes)
        }
        try ToolsFixture.write(bytes, to: path)
    }
}

/// `vectorlogic serve` started on a directory: whether it printed `listening on` (then it is stopped with SIGTERM)
/// or exited first, with its stderr.
enum ServeProbe {
    static func starts(directory: String, timeoutSeconds: Double = 30) throws -> (started: Bool, stderr: String) {
        guard let executable = VectorLogicProcess.executable else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve", "--data-dir", directory, "--port", "0", "--default-dimension", "\(ToolsFixture.dimension)"]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let deadline = Date().addingTimeInterval(timeoutSeconds)
        let watchdog = Thread {
            while process.isRunning, Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        watchdog.start()
        var line: [UInt8] = []
        let handle = out.fileHandleForReading
        while let byte = handle.readData(ofLength: 1).first, byte != 10 { line.append(byte) }
        let started = String(decoding: line, as: UTF8.self).hasPrefix("listening on ")
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return (started, stderr)
    }
}
