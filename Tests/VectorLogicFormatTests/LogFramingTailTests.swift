import Testing
import VectorLogicFormat
import VectorLogicIO

/// The last bad record of a log: a torn append (tolerated) or damage to bytes that were all written (reported).
/// data-format.md, "Write-ahead log framing", "Torn tail or damage".
struct LogFramingTailTests {
    static func scan(_ bytes: [UInt8]) -> LogScanResult { bytes.withUnsafeBytes { LogFraming.scan($0) } }

    /// A log whose last record has `payload`; returns the image and the last record's offset.
    static func image(lastPayload payload: [UInt8]) -> (bytes: [UInt8], last: Int) {
        var (bytes, boundaries) = LogFramingTests.image()
        let last = boundaries.last ?? bytes.count
        LogFraming.encode(LogRecord(type: 3, lsn: 5, payload: payload), into: &bytes)
        return (bytes, last)
    }

    /// Every single-bit flip anywhere in the last, complete record (length, checksum, type, LSN, payload) is damage at
    /// that record's offset, never a torn tail: it was fsync'd, so dropping it would lose an acknowledged write.
    @Test func everyFlippedBitInTheLastRecordIsDamage() {
        let (original, last) = Self.image(lastPayload: (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })
        for index in last..<original.count {
            for bit in 0..<8 {
                var bytes = original
                bytes[index] ^= UInt8(1 << bit)
                let result = Self.scan(bytes)
                guard case .corrupt(last, _, nil) = result.ending else {
                    Issue.record("byte \(index) bit \(bit): got \(result.ending)")
                    continue
                }
                #expect(result.records == LogFramingTests.records, "byte \(index) bit \(bit)")
                #expect(result.validEnd == last)
            }
        }
    }

    /// The report names the flipped bit's offset.
    @Test func damageReasonNamesTheFlippedBit() {
        var (bytes, last) = Self.image(lastPayload: Array("an acknowledged record".utf8))
        bytes[last + 20] ^= 0x10
        guard case .corrupt(last, let reason, nil) = Self.scan(bytes).ending else { Issue.record("not damage"); return }
        #expect(reason.contains("offset \(last + 20) (bit 4)"), "\(reason)")
    }

    /// A record whose payload legitimately ends in zeros past a sector boundary (a zero-padded vector) looks like a torn
    /// write, but a single flipped bit elsewhere in it is still recognised as damage.
    @Test func flippedBitInAZeroPaddedRecordIsDamage() {
        let payload = [UInt8](repeating: 0x41, count: 600) + [UInt8](repeating: 0, count: 2000)
        let (original, last) = Self.image(lastPayload: payload)
        for index in [last + 2, last + 5, last + 8, last + 12, last + 17 + 300, last + 17 + 599] {
            var bytes = original
            bytes[index] ^= 0x04
            guard case .corrupt(last, _, nil) = Self.scan(bytes).ending else { Issue.record("byte \(index): torn"); return }
        }
    }

    /// Cutting the last record anywhere (the file ends before its declared end) stays a torn tail.
    @Test func truncatedLastRecordIsTorn() {
        let (original, last) = Self.image(lastPayload: (0..<1500).map { UInt8(truncatingIfNeeded: $0 | 1) })
        for cut in (last + 1)..<original.count {
            guard case .tornTail(last, _) = Self.scan(Array(original[..<cut])).ending else {
                Issue.record("cut \(cut): got \(Self.scan(Array(original[..<cut])).ending)")
                return
            }
        }
    }

    /// A complete-length last record whose bytes from a sector boundary (or from its start) to the end of the file are
    /// zero is what an append leaves when the file's new size reached the disk but its last sectors did not: torn.
    @Test func completeLengthRecordWithUnwrittenSectorsIsTorn() {
        let (original, last) = Self.image(lastPayload: (0..<3000).map { UInt8(truncatingIfNeeded: $0 | 1) })
        let firstBoundary = (last / LogFraming.sectorSize + 1) * LogFraming.sectorSize
        for zeroFrom in stride(from: firstBoundary, to: original.count, by: LogFraming.sectorSize) + [last] {
            var bytes = original
            for index in zeroFrom..<bytes.count { bytes[index] = 0 }
            guard case .tornTail(last, _) = Self.scan(bytes).ending else {
                Issue.record("zeros from \(zeroFrom): got \(Self.scan(bytes).ending)")
                continue
            }
        }
    }

    /// Zeros only after the last sector boundary inside the record, a zeroed sector followed by written bytes (out of
    /// order), or non-zero bytes where a write did not land (stale data) are not what an interrupted append to a file
    /// extended only by `write` leaves: damage.
    @Test func otherDamageToACompleteLastRecordIsDamage() throws {
        let (original, last) = Self.image(lastPayload: (0..<3000).map { UInt8(truncatingIfNeeded: $0 | 1) })
        let lastBoundary = (original.count - 1) / LogFraming.sectorSize * LogFraming.sectorSize
        try #require(original.count - lastBoundary > 3 && lastBoundary > last)
        var shortZeros = original
        for index in (lastBoundary + 3)..<shortZeros.count { shortZeros[index] = 0 }
        guard case .corrupt(last, _, nil) = Self.scan(shortZeros).ending else { Issue.record("zeros after the last boundary: torn"); return }
        let boundary = (last / LogFraming.sectorSize + 2) * LogFraming.sectorSize
        var hole = original
        for index in boundary..<(boundary + 512) { hole[index] = 0 }
        guard case .corrupt(last, _, nil) = Self.scan(hole).ending else { Issue.record("zeroed sector in the middle: torn"); return }
        var garbage = original
        var random = SplitMix64(seed: 0x7A11)
        for index in boundary..<(boundary + 512) { garbage[index] = UInt8(truncatingIfNeeded: random.next()) }
        guard case .corrupt(last, _, nil) = Self.scan(garbage).ending else { Issue.record("garbage sector: torn"); return }
    }
}
