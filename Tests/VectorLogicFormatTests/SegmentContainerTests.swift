import VectorLogicIO
import Testing
import VectorLogicFormat

/// Segment container: round trip, alignment, O(1) open vs full verify, truncation and damage detection.
struct SegmentContainerTests {
    static let sections: [(kind: UInt32, bytes: [UInt8])] = [
        (kind: 1, bytes: Array("ids section".utf8)),
        (kind: 2, bytes: (0..<300).map { UInt8(truncatingIfNeeded: $0 * 7) }),
        (kind: 3, bytes: []),
        (kind: 9, bytes: [42]),
    ]

    static func withLayout<T>(_ bytes: [UInt8], _ body: (SegmentLayout) throws -> T) throws -> T {
        try bytes.withUnsafeBytes { buffer in try body(try SegmentContainer.open(buffer)) }
    }

    /// Every section comes back byte-exact, 64-byte aligned, and verify finds nothing.
    @Test func sectionsRoundTripAligned() throws {
        let file = SegmentContainer.build(sections: Self.sections)
        try Self.withLayout(file) { layout in
            #expect(layout.sections.map(\.kind) == [1, 2, 3, 9])
            for section in Self.sections {
                let bytes = layout.section(section.kind)
                #expect(bytes.map(Array.init) == section.bytes)
            }
            #expect(layout.sections.allSatisfy { $0.offset % 64 == 0 })
            #expect(layout.section(4) == nil)
            #expect(layout.verify().isEmpty)
        }
    }

    /// An empty segment (no sections) is valid.
    @Test func emptySegmentOpens() throws {
        let file = SegmentContainer.build(sections: [])
        #expect(file.count == SegmentContainer.headerSize + SegmentContainer.footerSize)
        try Self.withLayout(file) { layout in #expect(layout.sections.isEmpty) }
    }

    /// A flipped byte inside a section body passes open (no body checksum on open) but verify reports that section.
    @Test func corruptedSectionIsFoundByVerify() throws {
        var file = SegmentContainer.build(sections: Self.sections)
        let offset = try Self.withLayout(file) { $0.sections[1].offset }
        file[offset + 100] ^= 1
        try Self.withLayout(file) { layout in
            let problems = layout.verify()
            #expect(problems.count == 1)
            #expect(problems.first?.offset == offset)
        }
    }

    /// Non-zero padding between sections is reported by verify.
    @Test func dirtyPaddingIsFoundByVerify() throws {
        var file = SegmentContainer.build(sections: Self.sections)
        let end = try Self.withLayout(file) { $0.sections[0].offset + $0.sections[0].length }
        file[end + 1] = 0xAA
        try Self.withLayout(file) { layout in #expect(layout.verify().map(\.offset) == [end + 1]) }
    }

    /// Every truncation of a segment is rejected by open.
    @Test func truncatedFileIsRejected() {
        let file = SegmentContainer.build(sections: Self.sections)
        for cut in 0..<file.count {
            let prefix = Array(file[..<cut])
            _ = prefix.withUnsafeBytes { buffer in
                #expect(throws: FormatError.self, "cut \(cut)") { try SegmentContainer.open(buffer) }
            }
        }
    }

    /// A flipped bit in the header, table or footer is rejected by open.
    @Test func damagedMetadataIsRejectedByOpen() throws {
        let file = SegmentContainer.build(sections: Self.sections)
        let tableOffset = try Self.withLayout(file) { $0.sections.last.map { SegmentContainer.aligned($0.offset + $0.length) } ?? 0 }
        for index in Array(0..<20) + Array(tableOffset..<file.count) {
            var damaged = file
            damaged[index] ^= 0x10
            _ = damaged.withUnsafeBytes { buffer in
                #expect(throws: FormatError.self, "byte \(index)") { try SegmentContainer.open(buffer) }
            }
        }
    }

    /// The streaming writer produces the same bytes as `build`.
    @Test func streamingWriterMatchesBuild() {
        var writer = SegmentWriter()
        var file = SegmentWriter.headerBytes()
        for section in Self.sections {
            let crc = CRC32C.checksum(section.bytes)
            let offset = writer.addSection(kind: section.kind, length: section.bytes.count, crc: crc)
            file += [UInt8](repeating: 0, count: offset - file.count) + section.bytes
        }
        let trailer = writer.trailer()
        file += [UInt8](repeating: 0, count: trailer.offset - file.count) + trailer.bytes
        #expect(file == SegmentContainer.build(sections: Self.sections))
    }

    /// Random garbage (and garbage with a valid footer magic) never traps open.
    @Test func openIsTotalOnRandomGarbage() {
        let seed: UInt64 = 0x5E6
        print("segment garbage seed \(seed)")
        var random = SplitMix64(seed: seed)
        let valid = SegmentContainer.build(sections: Self.sections)
        for _ in 0..<500 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...4, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            bytes.withUnsafeBytes { buffer in
                if let layout = try? SegmentContainer.open(buffer) { _ = layout.verify() }
            }
        }
    }
}
