import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicTestSupport

/// Real crashes: the `crash-writer` executable writes through the real engine (POSIX files, fsync durability) with
/// concurrent writers, printing each acknowledged id; it is SIGKILLed at random moments, and every id it printed must be
/// there after reopening.
@Suite("Real crashes")
struct RealCrashTests {
    static func crashWriterURL() throws -> URL {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
            Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
        ]
        for folder in candidates {
            for base in [folder, folder.deletingLastPathComponent()] {
                let url = base.appendingPathComponent("crash-writer")
                if FileManager.default.isExecutableFile(atPath: url.path) { return url }
            }
        }
        throw EngineError.io("crash-writer not found next to the test bundle")
    }

    /// Reads the child's stdout into a shared buffer as it arrives.
    final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        func append(_ chunk: Data) { lock.lock(); data.append(chunk); lock.unlock() }
        var text: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }
    }

    @Test func everyAcknowledgedWriteSurvivesSIGKILL() async throws {
        let executable = try Self.crashWriterURL()
        let directory = EngineTempDirectory("crash")
        defer { directory.remove() }
        let seed = UInt64(Date().timeIntervalSince1970)
        print("RealCrashTests seed \(seed)")
        var random = EngineRandom(seed: seed)
        var acknowledged = Set<String>()
        for round in 0..<20 {
            let process = Process()
            process.executableURL = executable
            process.arguments = [directory.path, "4", "\(round)"]
            let pipe = Pipe()
            let output = Output()
            process.standardOutput = pipe
            pipe.fileHandleForReading.readabilityHandler = { handle in output.append(handle.availableData) }
            try process.run()
            let lifetime = Int.random(in: 150...600, using: &random)
            try await Task.sleep(for: .milliseconds(lifetime))
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            pipe.fileHandleForReading.readabilityHandler = nil
            output.append(pipe.fileHandleForReading.readDataToEndOfFile())
            let lines = output.text.split(separator: "\n")
            #expect(!lines.contains { $0.hasPrefix("error") }, "round \(round): writer reported \(lines.first { $0.hasPrefix("error") } ?? "")")
            for line in lines where line.hasPrefix("ack ") { acknowledged.insert(String(line.dropFirst(4))) }
        }
        #expect(acknowledged.count > 100, "too few acknowledged writes to mean anything: \(acknowledged.count)")
        var options = DatabaseOptions()
        options.backgroundWork = false
        let database = try Database.open(at: directory.path, options: options)
        var missing: [String] = []
        for id in acknowledged where try database.get("crash", id: id, includeValues: false) == nil { missing.append(id) }
        #expect(missing.isEmpty, "seed \(seed): \(missing.count) acknowledged ids lost, e.g. \(missing.prefix(5))")
        print("RealCrashTests: \(acknowledged.count) acknowledged ids over 20 SIGKILLs, \(missing.count) missing")
        try await database.close()
    }
}
