import Foundation
import Testing
import VectorLogicAccess
import VectorLogicSQLite

extension ToolsSuite {
    /// "`verify` exits 0 ⇒ `serve` starts" (issue 11), with the real executable, over damaged copies of every kind of
    /// file the server reads at start.
    @Suite struct ToolsVerifyImpliesServeTests {
        enum Damage: CustomStringConvertible {
            case zeroLength
            case truncate(fraction: Double)
            case dropLastByte
            case flip(fraction: Double)
            case flipAt(offset: Int)
            case flipFromEnd(Int)
            case wrongSchema(String)

            var description: String {
                switch self {
                case .zeroLength: return "zero-length"
                case .truncate(let fraction): return "truncated to \(fraction)"
                case .dropLastByte: return "last byte dropped"
                case .flip(let fraction): return "byte flipped at \(fraction) of the size"
                case .flipAt(let offset): return "byte flipped at \(offset)"
                case .flipFromEnd(let back): return "byte flipped \(back) from the end"
                case .wrongSchema: return "wrong schema"
                }
            }
        }

        static let damages: [Damage] = [
            .zeroLength, .truncate(fraction: 0.5), .truncate(fraction: 0.9), .dropLastByte,
            .flipAt(offset: 0), .flipAt(offset: 20), .flip(fraction: 0.3), .flip(fraction: 0.6), .flipFromEnd(1), .flipFromEnd(12),
        ]

        static func apply(_ damage: Damage, to path: String) throws {
            var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            switch damage {
            case .zeroLength: bytes = []
            case .truncate(let fraction): bytes = Array(bytes.prefix(Int(Double(bytes.count) * fraction)))
            case .dropLastByte: bytes.removeLast()
            case .flip(let fraction): bytes[Int(Double(bytes.count - 1) * fraction)] ^= 0x5A
            case .flipAt(let offset): bytes[min(offset, bytes.count - 1)] ^= 0x5A
            case .flipFromEnd(let back): bytes[bytes.count - back] ^= 0x5A
            case .wrongSchema(let ddl):
                try FileManager.default.removeItem(atPath: path)
                let connection = try SQLiteConnection(path: path)
                try connection.execute(ddl)
                connection.close()
                return
            }
            try Data(bytes).write(to: URL(fileURLWithPath: path))
        }

        /// Every (file, damage) pair: when verify exits 0 the server starts. The truncated key store of the issue (verify
        /// used to exit 0 and the server then refused to start) and a wrong schema must make verify exit 1. A flip may
        /// land in bytes nothing reads (padding, free space of a SQLite page): then both verify and serve succeed.
        @Test func verifyCleanImpliesServeStarts() async throws {
            let pristine = ToolsTempDirectory("pristine")
            defer { pristine.remove() }
            try await ToolsServerFixture.make(at: pristine.path)
            let names = try FileManager.default.contentsOfDirectory(atPath: pristine.path)
            let segment = try #require(names.filter { $0.hasSuffix(".seg") }.sorted().first)
            let log = try #require(names.filter { $0.hasSuffix(".log") }.sorted().last)
            var cases: [(file: String, damage: Damage)] = []
            for file in [segment, log, "MANIFEST", "keys.sqlite", "personas.sqlite"] {
                cases += Self.damages.map { (file, $0) }
            }
            cases.append(("keys.sqlite", .wrongSchema("CREATE TABLE api_keys (id TEXT PRIMARY KEY, secret BLOB)")))
            cases.append(("personas.sqlite", .wrongSchema("CREATE TABLE personas (id TEXT PRIMARY KEY); CREATE TABLE memories (seq INTEGER PRIMARY KEY)")))
            var outcomes: [String] = []
            for (file, damage) in cases {
                let copy = ToolsTempDirectory("matrix")
                defer { copy.remove() }
                for name in names where name != "LOCK" {
                    try FileManager.default.copyItem(atPath: pristine.path + "/" + name, toPath: copy.path + "/" + name)
                }
                try Self.apply(damage, to: copy.path + "/" + file)
                let verify = try VectorLogicProcess.run(["verify", "--data-dir", copy.path], timeoutSeconds: 60)
                #expect(!verify.timedOut && (verify.status == 0 || verify.status == 1), "\(file) \(damage): verify \(verify.status)")
                if file == "keys.sqlite", case .truncate(0.5) = damage {
                    #expect(verify.status == 1, "the issue's truncated key store must fail verify\n\(verify.stdout)")
                }
                if case .wrongSchema = damage { #expect(verify.status == 1, "\(file): a wrong schema must fail verify") }
                guard verify.status == 0 else {
                    outcomes.append("\(file) \(damage): verify 1")
                    continue
                }
                let serve = try ServeProbe.starts(directory: copy.path)
                #expect(serve.started, "\(file) \(damage): verify exited 0 but serve did not start:\n\(verify.stdout)\n\(serve.stderr)")
                outcomes.append("\(file) \(damage): verify 0, serve \(serve.started ? "started" : "REFUSED")")
            }
            print(outcomes.joined(separator: "\n"))
        }
    }
}

extension ToolsSuite {
    /// `repair` of damaged store files, with the real executable: the damaged files go to lost/, the readable rows
    /// into fresh stores, the summary counts rows; then verify exits 0 and the server starts.
    @Suite struct ToolsStoreRepairTests {
        @Test func repairSalvagesDamagedStores() async throws {
            let directory = ToolsTempDirectory("store-repair")
            defer { directory.remove() }
            var secrets = try await ToolsServerFixture.make(at: directory.path)
            let keys = try KeyStore(dataDirectory: directory.path)
            for index in 3..<250 {
                secrets["k\(index)"] = try keys.create(name: "key \(index)", permissions: [.read], rateLimitPerMinute: 10,
                                                       expiresInDays: nil, id: "k\(index)").secret
            }
            keys.close()
            let path = directory.path + "/keys.sqlite"
            let whole = try Data(contentsOf: URL(fileURLWithPath: path))
            try whole.prefix(whole.count * 6 / 10).write(to: URL(fileURLWithPath: path))
            try ToolsVerifyImpliesServeTests.apply(.wrongSchema("CREATE TABLE personas (id TEXT PRIMARY KEY)"),
                                                  to: directory.path + "/personas.sqlite")
            #expect(try VectorLogicProcess.run(["verify", "--data-dir", directory.path]).status == 1)
            #expect(!(try ServeProbe.starts(directory: directory.path).started), "the damage stops the server")

            let dry = try VectorLogicProcess.run(["repair", "--data-dir", directory.path, "--dry-run"])
            #expect(dry.status == 0 && dry.stdout.contains("would salvage keys.sqlite"), "\(dry.stdout)\(dry.stderr)")
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == whole.prefix(whole.count * 6 / 10), "a dry run changes nothing")

            let repair = try VectorLogicProcess.run(["repair", "--data-dir", directory.path])
            #expect(repair.status == 0, "\(repair.stdout)\(repair.stderr)")
            #expect(repair.stdout.contains("salvage keys.sqlite") && repair.stdout.contains("salvage personas.sqlite"), "\(repair.stdout)")
            #expect(repair.stdout.contains("rows lost"), "the summary counts rows: \(repair.stdout)")
            let lost = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/lost")
            #expect(lost.contains("keys.sqlite") && lost.contains("personas.sqlite"), "\(lost)")
            let verify = try VectorLogicProcess.run(["verify", "--data-dir", directory.path])
            #expect(verify.status == 0, "\(verify.stdout)")
            #expect(try ServeProbe.starts(directory: directory.path).started)

            let salvaged = try KeyStore(dataDirectory: directory.path)
            defer { salvaged.close() }
            var valid = 0, unknown = 0
            for (id, secret) in secrets {
                switch salvaged.authenticate(secret) {
                case .valid(let record): valid += 1; #expect(record.id == id)
                case .unknown: unknown += 1
                default: Issue.record("\(id) neither kept nor absent")
                }
            }
            #expect(valid > 0 && unknown > 0, "valid \(valid), unknown \(unknown)")
        }
    }
}
