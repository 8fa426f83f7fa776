import Testing
import VectorLogicFormat
import VectorLogicIO

/// The sync protocol of data-format.md, exercised through SimulatedFileSystem by crashing at every operation:
/// a manifest swap leaves the old or the new manifest, never a damaged one, and an acknowledged WAL record survives.
struct SyncProtocolCrashTests {
    static func writeFile(_ fs: SimulatedFileSystem, _ path: String, _ bytes: [UInt8]) throws {
        let file = try fs.open(path, create: true)
        defer { file.close() }
        try file.truncate(to: 0)
        try bytes.withUnsafeBytes { try file.write($0, at: 0) }
        try file.sync()
    }

    /// Step 5: temp, sync, rename, directory sync.
    static func swapManifest(_ fs: SimulatedFileSystem, body: [UInt8]) throws {
        try writeFile(fs, "db/MANIFEST.tmp", ManifestContainer.encode(body: body))
        try fs.rename("db/MANIFEST.tmp", to: "db/MANIFEST")
        try fs.syncDirectory("db")
    }

    static func setUp(seed: UInt64) throws -> SimulatedFileSystem {
        let fs = SimulatedFileSystem(seed: seed)
        try fs.createDirectory("db")
        try fs.syncDirectory("")
        try swapManifest(fs, body: Array("old".utf8))
        return fs
    }

    /// Crash at each operation of a manifest swap (with and without a torn prefix): afterwards MANIFEST decodes to the
    /// old body, or the new one once the directory sync has returned.
    @Test func manifestSwapSurvivesACrashAtEveryOperation() throws {
        let probe = try Self.setUp(seed: 0)
        let before = probe.operationCount
        try Self.swapManifest(probe, body: Array("new".utf8))
        let steps = probe.operationCount - before
        #expect(steps == 6)  // open, truncate, write, sync, rename, syncDirectory
        for crashAt in 0...steps {
            for torn in [false, true] {
                let fs = try Self.setUp(seed: UInt64(crashAt))
                fs.failAfter(operations: crashAt, kind: .crash)
                let completed = (try? Self.swapManifest(fs, body: Array("new".utf8))) != nil
                fs.crash(keepingTornPrefix: torn)
                let file = try fs.open("db/MANIFEST", create: false)
                let bytes = try file.read(at: 0, count: 1 << 20)
                let body = try ManifestContainer.decode(bytes)
                if completed {
                    #expect(body == Array("new".utf8), "crash at \(crashAt) after completion")
                } else {
                    #expect(body == Array("old".utf8) || body == Array("new".utf8), "crash at \(crashAt) torn \(torn)")
                }
            }
        }
    }

    /// Steps 2–3: a record is acknowledged only after header, directory and record syncs; crashing at any later point
    /// (torn or not) keeps it, and the scan of whatever survives is clean or a torn tail, never corruption.
    @Test func acknowledgedRecordSurvivesLaterCrashes() throws {
        for crashAt in 0..<6 {
            let fs = SimulatedFileSystem(seed: UInt64(crashAt) &+ 99)
            try fs.createDirectory("db")
            try fs.syncDirectory("")
            try Self.writeFile(fs, "db/0000000000000001.log", LogFraming.encodeFileHeader(logNumber: 1))
            try fs.syncDirectory("db")
            let log = try fs.open("db/0000000000000001.log", create: false)
            var offset: Int64 = 32
            func append(_ lsn: UInt64) throws {
                let bytes = LogFraming.encode(LogRecord(type: 1, lsn: lsn, payload: Array(repeating: UInt8(lsn), count: 40)))
                try bytes.withUnsafeBytes { try log.write($0, at: offset) }
                offset += Int64(bytes.count)
            }
            try append(1)
            try log.sync()  // LSN 1 acknowledged
            fs.failAfter(operations: crashAt, kind: .crash)
            _ = try? { try append(2); try append(3); try log.sync(); try append(4) }()
            fs.crash(keepingTornPrefix: true)
            let survived = try fs.open("db/0000000000000001.log", create: false).read(at: 0, count: 1 << 20)
            let result = survived.withUnsafeBytes { LogFraming.scan($0) }
            #expect(result.records.first?.lsn == 1, "crash at \(crashAt)")
            #expect(result.records.map(\.lsn) == Array(1...UInt64(result.records.count)), "crash at \(crashAt)")
            if case .corrupt = result.ending { Issue.record("crash at \(crashAt): \(result.ending)") }
        }
    }
}
