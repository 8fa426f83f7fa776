import VectorLogicIO
import Testing
import VectorLogicFormat

/// CRC32C: standard check values, hardware and table paths agree, chaining, masking.
struct CRC32CTests {
    /// The standard CRC-32C check value for "123456789".
    @Test func checkValueMatchesTheStandard() {
        #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
        Array("123456789".utf8).withUnsafeBytes { #expect(CRC32C.portableChecksum($0) == 0xE306_9283) }
    }

    /// Known vectors from RFC 3720 (iSCSI) appendix B.4 and the empty input.
    @Test func rfc3720VectorsMatch() {
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
        #expect(CRC32C.checksum((0..<32).map { UInt8($0) }) == 0x46DD_794E)
        #expect(CRC32C.checksum((0..<32).map { UInt8(31 - $0) }) == 0x113F_DB5C)
        #expect(CRC32C.checksum([]) == 0)
    }

    /// The dispatched (hardware on this CPU) path equals the table path at every length and misalignment, including
    /// the lengths around the three-chain rounds (3 × 256 B and 3 × 8 KiB) whose partial CRCs are joined by tables.
    @Test func hardwareAndPortablePathsAgree() {
        let seed: UInt64 = 0xC0FFEE
        print("seed \(seed), hardware: \(CRC32C.usesHardware)")
        var random = SplitMix64(seed: seed)
        let data = random.bytes(80_000)
        data.withUnsafeBytes { all in
            for start in 0..<9 {
                for length in [0, 1, 7, 8, 9, 31, 32, 33, 63, 64, 100, 1000, 767, 768, 769, 1536, 2000,
                               24_575, 24_576, 24_577, 24_576 + 768, 49_152, 79_000] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start..<(start + length)])
                    #expect(CRC32C.checksum(slice) == CRC32C.portableChecksum(slice), "start \(start) length \(length)")
                }
            }
        }
    }

    /// checksum(b, seed: checksum(a)) == checksum(a + b).
    @Test func chainingEqualsChecksumOfConcatenation() {
        let a = Array("hello, ".utf8), b = Array("world".utf8)
        #expect(CRC32C.checksum(b, seed: CRC32C.checksum(a)) == CRC32C.checksum(a + b))
    }

    /// unmask inverts mask, and masking moves zero away from zero.
    @Test func maskRoundTripsAndIsNotIdentity() {
        var random = SplitMix64(seed: 7)
        for _ in 0..<1000 {
            let crc = UInt32.random(in: 0...UInt32.max, using: &random)
            #expect(CRC32C.unmask(CRC32C.mask(crc)) == crc)
        }
        #expect(CRC32C.mask(0) != 0)
        #expect(CRC32C.mask(0xE306_9283) != 0xE306_9283)
    }
}
