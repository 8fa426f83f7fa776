import Testing
import VectorLogicFormat

/// Version-1 bytes pinned exactly (the worked examples in data-format.md): a change to any layout fails here, and
/// every later version must keep decoding these.
struct FormatGoldenTests {
    static func hex(_ text: String) -> [UInt8] {
        text.split(separator: " ").compactMap { UInt8($0, radix: 16) }
    }

    static let logFile = hex("""
        56 4c 57 41 4c 0d 0a 1a 01 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 ef e6 b3 eb \
        02 00 00 00 ed ce 9c cb 01 01 00 00 00 00 00 00 00 68 69
        """)

    static let manifest = hex("56 4c 4d 41 4e 0d 0a 1a 01 00 00 00 00 00 00 00 02 00 00 00 00 00 00 00 7b 7d c3 29 60 3f")

    /// The WAL worked example in data-format.md is what the encoder writes and what the scanner reads.
    @Test func workedExampleMatchesDataFormat() {
        var bytes = LogFraming.encodeFileHeader(logNumber: 1)
        LogFraming.encode(LogRecord(type: 1, lsn: 1, payload: Array("hi".utf8)), into: &bytes)
        #expect(bytes == Self.logFile)
        let result = Self.logFile.withUnsafeBytes { LogFraming.scan($0) }
        #expect(result.header == LogFileHeader(version: 1, logNumber: 1))
        #expect(result.records == [LogRecord(type: 1, lsn: 1, payload: Array("hi".utf8))])
        #expect(result.ending == .clean)
    }

    /// The manifest example in data-format.md round-trips byte-exactly.
    @Test func manifestExampleMatchesDataFormat() throws {
        #expect(ManifestContainer.encode(body: Array("{}".utf8)) == Self.manifest)
        #expect(try ManifestContainer.decode(Self.manifest) == Array("{}".utf8))
    }

    /// A one-section segment has the documented layout: header, section at 64, table at 128, footer at EOF.
    @Test func segmentLayoutMatchesDataFormat() throws {
        let file = SegmentContainer.build(sections: [(kind: 7, bytes: [1, 2, 3])])
        #expect(file.count == 128 + 24 + 32)
        #expect(Array(file[0..<16]) == Self.hex("56 4c 53 45 47 0d 0a 1a 02 00 00 00 00 00 00 00"))
        #expect(Array(file[64..<67]) == [1, 2, 3])
        #expect(Array(file[128..<148]) == Self.hex("07 00 00 00 40 00 00 00 00 00 00 00 03 00 00 00 00 00 00 00"))
        #expect(Array(file[152..<164]) == Self.hex("80 00 00 00 00 00 00 00 01 00 00 00"))
        #expect(Array(file[168..<172]) == Self.hex("02 00 00 00"), "footer version")
        #expect(Array(file[176..<184]) == Array("VLSEGEND".utf8))
    }
}
