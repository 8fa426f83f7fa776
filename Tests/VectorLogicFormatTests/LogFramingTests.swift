import VectorLogicIO
import Testing
import VectorLogicFormat

/// WAL framing: round trip, torn tails at every truncation point, mid-log corruption with its offset, bit flips.
struct LogFramingTests {
    static let records: [LogRecord] = [
        LogRecord(type: 1, lsn: 1, payload: Array("first".utf8)),
        LogRecord(type: 2, lsn: 2, payload: []),
        LogRecord(type: 3, lsn: 3, payload: (0..<100).map { UInt8($0) }),
        LogRecord(type: 1, lsn: 4, payload: Array("last record".utf8)),
    ]

    static func image(_ records: [LogRecord] = records, logNumber: UInt64 = 7) -> (bytes: [UInt8], boundaries: [Int]) {
        var bytes = LogFraming.encodeFileHeader(logNumber: logNumber)
        var boundaries = [bytes.count]
        for record in records {
            LogFraming.encode(record, into: &bytes)
            boundaries.append(bytes.count)
        }
        return (bytes, boundaries)
    }

    static func scan(_ bytes: [UInt8]) -> LogScanResult { bytes.withUnsafeBytes { LogFraming.scan($0) } }

    /// Records come back in order with their offsets; the file ends clean.
    @Test func recordsRoundTrip() {
        let (bytes, boundaries) = Self.image()
        let result = Self.scan(bytes)
        #expect(result.header == LogFileHeader(logNumber: 7))
        #expect(result.records == Self.records)
        #expect(result.offsets == Array(boundaries.dropLast()))
        #expect(result.validEnd == bytes.count)
        #expect(result.ending == .clean)
    }

    /// The exact bytes of a record: length, masked CRC over type+lsn+payload, type, lsn, payload.
    @Test func recordLayoutIsAsDocumented() {
        let bytes = LogFraming.encode(LogRecord(type: 1, lsn: 1, payload: Array("hi".utf8)))
        #expect(bytes.count == 19)
        #expect(Array(bytes[0..<4]) == [2, 0, 0, 0])
        let crc = CRC32C.checksum(Array(bytes[8...]))
        let stored = UInt32(bytes[4]) | UInt32(bytes[5]) << 8 | UInt32(bytes[6]) << 16 | UInt32(bytes[7]) << 24
        #expect(stored == CRC32C.mask(crc))
        #expect(Array(bytes[8...]) == [1, 1, 0, 0, 0, 0, 0, 0, 0, 0x68, 0x69])
    }

    /// Cutting the file at any byte yields exactly the records wholly before the cut; a cut inside a record is a torn
    /// tail at that record's start, a cut on a boundary is clean.
    @Test func everyTruncationPointGivesCleanPrefixAndTornTail() {
        let (bytes, boundaries) = Self.image()
        for cut in 0...bytes.count {
            let result = Self.scan(Array(bytes[..<cut]))
            if cut < LogFraming.fileHeaderSize {
                #expect(result.ending == .tornTail(offset: 0, reason: "file ends inside its header"), "cut \(cut)")
                #expect(result.records.isEmpty)
                continue
            }
            let complete = boundaries.filter { $0 <= cut }.count - 1
            #expect(result.records == Array(Self.records.prefix(complete)), "cut \(cut)")
            #expect(result.validEnd == boundaries[complete], "cut \(cut)")
            if boundaries.contains(cut) {
                #expect(result.ending == .clean, "cut \(cut)")
            } else if case .tornTail(let offset, _) = result.ending {
                #expect(offset == boundaries[complete], "cut \(cut)")
            } else {
                Issue.record("cut \(cut): expected a torn tail, got \(result.ending)")
            }
        }
    }

    /// A zero-filled extension after the last record (a file grown but never written) is a torn tail, not corruption.
    @Test func zeroFilledTailIsTorn() {
        let (bytes, boundaries) = Self.image()
        let result = Self.scan(bytes + [UInt8](repeating: 0, count: 4096))
        #expect(result.records == Self.records)
        guard case .tornTail(let offset, _) = result.ending else { Issue.record("got \(result.ending)"); return }
        #expect(offset == boundaries.last)
    }

    /// A damaged record followed by a valid one is corruption, reported at the damaged record's offset with the
    /// offset where valid records resume.
    @Test func midLogCorruptionIsReportedWithOffset() {
        let (original, boundaries) = Self.image()
        var bytes = original
        bytes[boundaries[2] + 30] ^= 0x40  // inside the payload of record 2
        let result = Self.scan(bytes)
        #expect(result.records == Array(Self.records[0..<2]))
        #expect(result.validEnd == boundaries[2])
        guard case let .corrupt(offset, reason, resume) = result.ending else { Issue.record("got \(result.ending)"); return }
        #expect(offset == boundaries[2])
        #expect(resume == boundaries[3])
        #expect(reason.contains("checksum"))
    }

    /// Flipping any single bit in any byte never yields a damaged record: the scan returns only original records,
    /// in order, and reports the damage (corruption mid-log; a torn tail only when the flip is in the last record).
    @Test func flippedBitInEveryByteIsCaught() {
        let (original, boundaries) = Self.image()
        for index in 0..<original.count {
            for bit in [0, 3, 7] {
                var bytes = original
                bytes[index] ^= UInt8(1 << bit)
                let result = Self.scan(bytes)
                #expect(result.ending != .clean, "byte \(index) bit \(bit)")
                #expect(Array(Self.records.prefix(result.records.count)) == result.records, "byte \(index) bit \(bit)")
                if index < LogFraming.fileHeaderSize {
                    guard case .corrupt(let offset, _, nil) = result.ending else {
                        Issue.record("header byte \(index): got \(result.ending)"); continue
                    }
                    #expect(offset == 0 || offset == 28, "magic or header checksum")
                } else if index < boundaries[boundaries.count - 2] {
                    guard case .corrupt = result.ending else { Issue.record("byte \(index) bit \(bit): got \(result.ending)"); continue }
                }
            }
        }
    }

    /// A length field over the cap is rejected before anything is allocated or skipped.
    @Test func oversizedLengthIsRejected() {
        var bytes = LogFraming.encodeFileHeader(logNumber: 1)
        bytes += [0xFF, 0xFF, 0xFF, 0xFF] + [UInt8](repeating: 1, count: 40)
        let result = Self.scan(bytes)
        #expect(result.records.isEmpty)
        guard case .tornTail(let offset, let reason) = result.ending else { Issue.record("got \(result.ending)"); return }
        #expect(offset == LogFraming.fileHeaderSize)
        #expect(reason.contains("limit"))
    }

    /// A file header of another version is refused with the version's offset.
    @Test func unknownVersionIsRefused() {
        var header = LogFraming.encodeFileHeader(logNumber: 3)
        header[8] = 2
        // Re-seal the header so only the version is wrong.
        let crc = CRC32C.mask(CRC32C.checksum(Array(header[0..<28])))
        for i in 0..<4 { header[28 + i] = UInt8(truncatingIfNeeded: crc >> (8 * UInt32(i))) }
        guard case .corrupt(let offset, let reason, nil) = Self.scan(header).ending else { Issue.record("accepted"); return }
        #expect(offset == 8)
        #expect(reason.contains("version 2"))
    }

    /// Random garbage never traps the scanner, and whatever it returns is internally consistent.
    @Test func scanIsTotalOnRandomGarbage() {
        let seed: UInt64 = 0x10_6F
        print("log scan garbage seed \(seed)")
        var random = SplitMix64(seed: seed)
        let header = LogFraming.encodeFileHeader(logNumber: 1)
        for round in 0..<500 {
            let tail = random.bytes(Int.random(in: 0...200, using: &random))
            let bytes = round % 2 == 0 ? header + tail : tail
            let result = Self.scan(bytes)
            #expect(result.validEnd <= bytes.count)
            #expect(result.records.count == result.offsets.count)
        }
    }
}
