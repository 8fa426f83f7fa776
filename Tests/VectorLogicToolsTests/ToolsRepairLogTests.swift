import Foundation
import Testing
@_spi(Testing) import VectorLogicEngine
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIO

extension ToolsSuite {
    /// Damaged write-ahead logs: a torn tail is cut, a damaged middle is cut at the bad record with the loss reported.
    @Suite struct ToolsRepairLogTests {
        /// A torn tail is a warning (verify stays clean), and repair truncates exactly at the last valid record.
        @Test func tornLogTailIsTruncated() async throws {
            let directory = ToolsTempDirectory("torn")
            defer { directory.remove() }
            let (path, _) = try ToolsFixture.logOnlyDatabase(at: directory.path, count: 20)
            let clean = try ToolsFixture.read(path)
            var torn = clean
            torn.append(contentsOf: Array(clean[(clean.count - 30)..<(clean.count - 5)]))
            try ToolsFixture.write(torn, to: path)

            let verify = try Verifier.verify(directory: directory.path)
            #expect(verify.isClean)
            #expect(verify.problems.contains { $0.severity == .warning && $0.offset == Int64(clean.count) })
            let report = try Repairer.repair(directory: directory.path)
            #expect(report.actions.contains { $0.kind == "truncate" })
            #expect(report.losses.isEmpty)
            #expect(try ToolsFixture.read(path) == clean)

            let database = try Database.open(at: directory.path)
            #expect(try database.count("docs", filter: nil) == 20)
            try await database.close()
        }

        /// A flipped byte in a middle record: open fails naming the file and pointing to repair; repair cuts the log at
        /// that record, saves the cut bytes in lost/, reports the lost LSNs; open then has exactly the records before it.
        @Test func midLogCorruptionIsCutAtTheBadRecord() async throws {
            let directory = ToolsTempDirectory("midlog")
            defer { directory.remove() }
            let (path, offsets) = try ToolsFixture.logOnlyDatabase(at: directory.path, count: 20)
            try ToolsFixture.flip(path, at: offsets[8] + 30)

            do {
                _ = try Database.open(at: directory.path)
                Issue.record("open must refuse a log damaged in the middle")
            } catch let error as EngineError {
                #expect(error.description.contains("vectorlogic repair"))
                #expect(error.description.contains("0000000000000001.log"))
            }
            let verify = try Verifier.verify(directory: directory.path)
            #expect(verify.errors.contains { $0.file == "0000000000000001.log" && $0.offset == Int64(offsets[8]) })

            let report = try Repairer.repair(directory: directory.path)
            let loss = try #require(report.losses.first)
            #expect(loss.lsnFrom == 10 && loss.lsnTo == 21)
            #expect(try ToolsFixture.read(path).count == offsets[8])
            #expect(FileManager.default.fileExists(atPath: directory.path + "/lost/0000000000000001.log.from-\(offsets[8])"))
            #expect(try Verifier.verify(directory: directory.path).isClean)

            let database = try Database.open(at: directory.path)
            #expect(try database.count("docs", filter: nil) == 8)
            #expect(try database.get("docs", id: "w-7", includeValues: false) != nil)
            #expect(try database.get("docs", id: "w-8", includeValues: false) == nil)
            try await database.close()
        }

        /// One flipped bit in the last, complete (fsync'd) record is damage, not a torn tail: `verify` exits 1 naming the
        /// record, `serve` refuses to start with a message naming `repair`, and `repair` cuts the log there, keeping the
        /// cut bytes in lost/ and every record before it.
        @Test func flippedBitInTheLastCompleteRecordIsDamage() async throws {
            let directory = ToolsTempDirectory("lastrecord")
            defer { directory.remove() }
            let (path, offsets) = try ToolsFixture.logOnlyDatabase(at: directory.path, count: 20)
            let last = try #require(offsets.last)
            var bytes = try ToolsFixture.read(path)
            bytes[last + LogFraming.recordHeaderSize + 12] ^= 0x02
            try ToolsFixture.write(bytes, to: path)

            let verify = try VectorLogicProcess.run(["verify", "--data-dir", directory.path])
            #expect(verify.status == 1, "\(verify.stdout)\(verify.stderr)")
            #expect((verify.stdout + verify.stderr).contains("\(last)"), "\(verify.stdout)\(verify.stderr)")
            #expect(try Verifier.verify(directory: directory.path).errors.contains { $0.file == "0000000000000001.log" && $0.offset == Int64(last) })

            let serve = try VectorLogicProcess.run(["serve", "--data-dir", directory.path, "--port", "0"], timeoutSeconds: 30)
            #expect(serve.status != 0 && !serve.timedOut, "serve started over a damaged log: \(serve.stdout)\(serve.stderr)")
            #expect(serve.stderr.contains("vectorlogic repair"), "\(serve.stderr)")
            #expect(try ToolsFixture.read(path) == bytes, "a refused start must not cut the log")

            let repair = try VectorLogicProcess.run(["repair", "--data-dir", directory.path])
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
            let saved = directory.path + "/lost/0000000000000001.log.from-\(last)"
            #expect(try ToolsFixture.read(saved) == Array(bytes[last...]))
            #expect(try ToolsFixture.read(path) == Array(bytes[..<last]))
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 0)

            let database = try Database.open(at: directory.path)
            #expect(try database.count("docs", filter: nil) == 19)
            #expect(try database.get("docs", id: "w-18", includeValues: false) != nil)
            #expect(try database.get("docs", id: "w-19", includeValues: false) == nil)
            try await database.close()
        }

        /// A last record cut short by the end of the file is still a torn tail: verify exits 0 with a warning, repair
        /// truncates it without reporting a loss or saving anything in lost/.
        @Test func truncatedLastRecordIsStillTolerated() async throws {
            let directory = ToolsTempDirectory("truncatedlast")
            defer { directory.remove() }
            let (path, offsets) = try ToolsFixture.logOnlyDatabase(at: directory.path, count: 20)
            let last = try #require(offsets.last)
            let bytes = try ToolsFixture.read(path)
            try ToolsFixture.write(Array(bytes[..<(bytes.count - 7)]), to: path)

            let verify = try VectorLogicProcess.run(["verify", "--data-dir", directory.path])
            #expect(verify.status == 0, "\(verify.stdout)\(verify.stderr)")
            let report = try Repairer.repair(directory: directory.path)
            #expect(report.losses.isEmpty)
            #expect(try ToolsFixture.read(path) == Array(bytes[..<last]))
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/lost"))
            let database = try Database.open(at: directory.path)
            #expect(try database.count("docs", filter: nil) == 19)
            try await database.close()
        }

        /// A dry run reports the cut but changes no byte.
        @Test func dryRunChangesNothing() async throws {
            let directory = ToolsTempDirectory("dry")
            defer { directory.remove() }
            let (path, offsets) = try ToolsFixture.logOnlyDatabase(at: directory.path, count: 10)
            try ToolsFixture.flip(path, at: offsets[3] + 20)
            let before = try ToolsFixture.read(path)
            let report = try Repairer.repair(directory: directory.path, dryRun: true)
            #expect(report.actions.contains { $0.kind == "truncate" })
            #expect(try ToolsFixture.read(path) == before)
            #expect(!FileManager.default.fileExists(atPath: directory.path + "/lost"))
        }
    }
}
