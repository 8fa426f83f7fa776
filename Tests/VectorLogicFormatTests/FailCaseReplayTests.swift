import Foundation
import Testing
import VectorLogicFormat

/// Replays every minimised fuzz crasher in Fuzz/FailCases through the decoders, with the fuzz targets' round-trip checks,
/// so a fixed decoder bug stays fixed.
struct FailCaseReplayTests {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fuzz/FailCases")

    static let formatTargets = ["FuzzLogFraming", "FuzzSegmentContainer", "FuzzManifestContainer", "FuzzSnapshot"]

    /// Every fail case decodes without trapping and, when accepted, re-encodes to the accepted bytes.
    @Test func everyFailCaseReplaysCleanly() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path).filter { $0 != "README.md" }
        print("replaying \(names.count) fail cases from \(Self.directory.path)")
        for name in names.sorted() {
            let target = String(name.prefix { $0 != "-" })
            guard Self.formatTargets.contains(target) else { continue }  // JSON/filter cases belong to their own tests
            let bytes = try [UInt8](Data(contentsOf: Self.directory.appendingPathComponent(name)))
            bytes.withUnsafeBytes { input in
                switch target {
                case "FuzzLogFraming": Self.checkLog(input, name)
                case "FuzzSegmentContainer": Self.checkSegment(input, name)
                case "FuzzSnapshot": Self.checkSnapshot(Array(input), name)
                default: Self.checkManifest(input, name)
                }
            }
        }
    }

    /// The replay checks themselves catch a wrong re-encoding (guards against a replay test that cannot fail).
    @Test func replayChecksRejectAltered() {
        var log = LogFraming.encodeFileHeader(logNumber: 1)
        LogFraming.encode(LogRecord(type: 1, lsn: 1, payload: [1]), into: &log)
        log.withUnsafeBytes { Self.checkLog($0, "valid log") }
        let result = log.withUnsafeBytes { LogFraming.scan($0) }
        #expect(Self.reencode(result) == log)
        #expect(Self.reencode(LogScanResult(header: result.header, records: [], offsets: [], validEnd: 32, ending: .clean)) != log)
    }

    /// The FuzzSnapshot check: an accepted snapshot re-encodes to one with the same time, names and bytes.
    static func checkSnapshot(_ input: [UInt8], _ name: String) {
        guard let decoded = try? SnapshotFile.decode(input) else { return }
        let again = (try? SnapshotFile.encode(createdAtMs: decoded.header.createdAtMs, files: decoded.files)).flatMap { try? SnapshotFile.decode($0) }
        #expect(again?.header.createdAtMs == decoded.header.createdAtMs, "\(name)")
        #expect(again?.files.map(\.name) == decoded.files.map(\.name), "\(name)")
        #expect(again?.files.map(\.bytes) == decoded.files.map(\.bytes), "\(name)")
    }

    static func reencode(_ result: LogScanResult) -> [UInt8] {
        guard let header = result.header else { return [] }
        var encoded = LogFraming.encodeFileHeader(logNumber: header.logNumber)
        for record in result.records { LogFraming.encode(record, into: &encoded) }
        return encoded
    }

    static func checkLog(_ input: UnsafeRawBufferPointer, _ name: String) {
        let result = LogFraming.scan(input)
        #expect(result.validEnd <= input.count, "\(name)")
        if result.header != nil {
            #expect(reencode(result) == Array(input[0..<result.validEnd]), "\(name)")
        }
    }

    static func checkSegment(_ input: UnsafeRawBufferPointer, _ name: String) {
        guard let layout = try? SegmentContainer.open(input) else { return }
        _ = layout.verify()
        let sections = layout.sections.map { (kind: $0.kind, bytes: layout.section($0.kind).map(Array.init) ?? []) }
        let rebuilt = SegmentContainer.build(sections: sections, blockSizes: layout.blockSizes)
        rebuilt.withUnsafeBytes { buffer in
            let again = try? SegmentContainer.open(buffer)
            #expect(again?.sections.map(\.kind) == sections.map(\.kind), "\(name)")
            #expect(again?.verify().isEmpty == true, "\(name)")
        }
    }

    static func checkManifest(_ input: UnsafeRawBufferPointer, _ name: String) {
        guard let body = try? ManifestContainer.decode(input) else { return }
        #expect(ManifestContainer.encode(body: body) == Array(input), "\(name)")
    }
}
