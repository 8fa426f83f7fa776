import Testing
import VectorLogicFormat
import VectorLogicIO

/// Snapshot file format (data-format.md "Snapshot file"): round trip, every corruption detected, versions.
struct SnapshotFormatTests {
    /// A small snapshot: an empty file, text that compresses, and random bytes that do not.
    static func files(seed: UInt64 = 7) -> [(name: String, bytes: [UInt8])] {
        var random = SplitMix64(seed: seed)
        return [
            ("MANIFEST", Array("{\"collections\":[]}".utf8)),
            ("empty.log", []),
            ("0000000000000001.seg", Array(repeating: Array("vector-id-".utf8), count: 50).flatMap { $0 }),
            ("0000000000000002.log", random.bytes(300)),
        ]
    }

    /// Every entry comes back byte-exact with its name and the header's time.
    @Test func snapshotRoundTrips() throws {
        let bytes = try SnapshotFile.encode(createdAtMs: 1_764_000_000_123, files: Self.files())
        let (header, files) = try SnapshotFile.decode(bytes)
        #expect(header.createdAtMs == 1_764_000_000_123)
        #expect(header.version == 1)
        #expect(files.map(\.name) == Self.files().map(\.name))
        #expect(files.map(\.bytes) == Self.files().map(\.bytes))
        let catalog = try SnapshotReader.catalog(of: SnapshotMemorySource(bytes))
        #expect(catalog.entries[2].compressedLength < catalog.entries[2].originalLength)
    }

    /// A snapshot of nothing is valid and lists nothing.
    @Test func emptySnapshotRoundTrips() throws {
        let bytes = try SnapshotFile.encode(createdAtMs: 5, files: [])
        #expect(try SnapshotFile.decode(bytes).files.isEmpty)
    }

    /// Changing any single byte (two different ways) is detected by a throw, never a trap or wrong data.
    @Test func everySingleByteCorruptionIsDetected() throws {
        let bytes = try SnapshotFile.encode(createdAtMs: 42, files: Self.files())
        for index in bytes.indices {
            for mask: UInt8 in [0x01, 0xA5] {
                var damaged = bytes
                damaged[index] ^= mask
                #expect(throws: (any Error).self, "byte \(index) ^ \(mask)") { try SnapshotFile.decode(damaged) }
            }
        }
    }

    /// Every truncation, and an appended byte, is detected.
    @Test func everyTruncationIsDetected() throws {
        let bytes = try SnapshotFile.encode(createdAtMs: 42, files: Self.files())
        for cut in 0..<bytes.count {
            #expect(throws: (any Error).self, "cut \(cut)") { try SnapshotFile.decode(Array(bytes[..<cut])) }
        }
        #expect(throws: (any Error).self) { try SnapshotFile.decode(bytes + [0]) }
    }

    /// A newer major version is refused with a sentence naming it; a header extension and unknown flags are skipped.
    @Test func unknownVersionIsRefusedAndExtensionsAreSkipped() throws {
        let future = SnapshotHeader(createdAtMs: 1, entryCount: 0, version: 2).encode()
        #expect {
            try future.withUnsafeBytes { try SnapshotHeader.decode($0) }
        } throws: { error in
            (error as? FormatError)?.reason.contains("unsupported snapshot format version 2") ?? false
        }
        let extended = SnapshotHeader(createdAtMs: 9, entryCount: 3, flags: 0x8000, extensionBytes: [1, 2, 3, 4, 5])
        let decoded = try extended.encode().withUnsafeBytes { try SnapshotHeader.decode($0) }
        #expect(decoded == extended)
        let entry = SnapshotEntryHeader(name: "x.seg", originalLength: 10, flags: 0x40, extensionBytes: [9, 9])
        #expect(try entry.encode().withUnsafeBytes { try SnapshotEntryHeader.decode($0) } == entry)
    }

    /// Names that could escape the target directory are refused by the encoder and the name check.
    @Test func unsafeNamesAreRefused() {
        for name in ["", ".", "..", "../MANIFEST", "/etc/passwd", "a/b", "a\u{0}b", String(repeating: "a", count: 256), "é"] {
            #expect(!SnapshotFormat.isValidEntryName(name), "\(name)")
        }
        #expect(SnapshotFormat.isValidEntryName("0000000000000001.seg"))
        #expect(throws: FormatError.self) { try SnapshotFile.encode(createdAtMs: 0, files: [("../x", [1])]) }
    }

    /// An entry frame is a standard LZ4 frame: liblz4's own decoder reads it, and it records the content size.
    @Test func entryFrameIsAPlainLZ4Frame() throws {
        let content = Array(repeating: Array("abcabcabd".utf8), count: 1000).flatMap { $0 }
        let frame = try LZ4FrameEncoder.compress(content)
        #expect(try LZ4FrameDecoder.decompress(frame, limit: UInt64(content.count)) == content)
        #expect(throws: FormatError.self) { try LZ4FrameDecoder.decompress(frame, limit: UInt64(content.count - 1)) }
        #expect(Array(frame.prefix(4)) == [0x04, 0x22, 0x4D, 0x18])  // LZ4 frame magic 0x184D2204
    }

    /// Random garbage (seeded) never traps the reader.
    @Test func randomGarbageThrows() {
        let seed = UInt64.random(in: 0...UInt64.max)
        print("SnapshotFormatTests.randomGarbageThrows seed \(seed)")
        var random = SplitMix64(seed: seed)
        let valid = (try? SnapshotFile.encode(createdAtMs: 1, files: Self.files())) ?? []
        for _ in 0..<300 {
            var bytes = valid
            for _ in 0..<Int.random(in: 1...8, using: &random) {
                bytes[Int.random(in: 0..<bytes.count, using: &random)] = UInt8.random(in: 0...255, using: &random)
            }
            _ = try? SnapshotFile.decode(bytes)
            _ = try? SnapshotFile.decode(random.bytes(Int.random(in: 0...200, using: &random)))
        }
        #expect(!valid.isEmpty)
    }
}

/// The version-1 bytes of data-format.md's worked example: every later build must still read them.
struct SnapshotGoldenTests {
    /// Header (magic, version 1, flags 0, no extension, created_at, 0 entries, crc) | index | trailer.
    static let emptySnapshotHex = "564c534e500d0a1a" + "0100" + "0000" + "00000000" + "0044bebb9a010000" + "00000000" + "178067f5"
        + "564c5349" + "00000000" + "7dec18d5"
        + "2000000000000000" + "0c00000000000000" + "00000000" + "c6f194c2" + "564c534e50454e44"

    static func bytes(_ hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).compactMap { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16) }
    }

    /// An empty snapshot taken at 2025-11-25T16:00:00Z encodes to exactly the documented 76 bytes, which decode.
    @Test func emptySnapshotMatchesTheDocumentedBytes() throws {
        let golden = Self.bytes(Self.emptySnapshotHex)
        #expect(golden.count == 76)
        #expect(try SnapshotFile.encode(createdAtMs: 1_764_086_400_000, files: []) == golden)
        #expect(try SnapshotFile.decode(golden).header.createdAtMs == 1_764_086_400_000)
    }
}
