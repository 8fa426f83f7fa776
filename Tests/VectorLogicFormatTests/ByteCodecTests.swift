import VectorLogicIO
import Testing
import VectorLogicFormat

/// ByteWriter/ByteReader: exact little-endian layout, round trips, and totality on garbage.
struct ByteCodecTests {
    /// Integers are written little-endian with their exact widths.
    @Test func writesLittleEndianWithExplicitWidths() {
        var writer = ByteWriter()
        writer.u8(0x01)
        writer.u16(0x0302)
        writer.u32(0x0706_0504)
        writer.u64(0x0F0E_0D0C_0B0A_0908)
        #expect(writer.bytes == (1...15).map { UInt8($0) })
    }

    /// Every field type reads back bit-exactly, including NaN payloads and negative zero.
    @Test func everyFieldRoundTrips() throws {
        var writer = ByteWriter()
        let nan = Float(bitPattern: 0x7FC0_1234)
        writer.u8(200); writer.u16(65000); writer.u32(4_000_000_000); writer.u64(.max); writer.i64(-5)
        writer.f32(nan); writer.f32(-0.0); writer.f64(.pi)
        writer.lengthPrefixed([1, 2, 3]); writer.string("héllo"); writer.bytes([9, 9])
        try writer.bytes.withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(try reader.u8() == 200)
            #expect(try reader.u16() == 65000)
            #expect(try reader.u32() == 4_000_000_000)
            #expect(try reader.u64() == .max)
            #expect(try reader.i64() == -5)
            #expect(try reader.f32().bitPattern == nan.bitPattern)
            #expect(try reader.f32().bitPattern == Float(-0.0).bitPattern)
            #expect(try reader.f64() == .pi)
            #expect(try reader.lengthPrefixed(limit: 3) == [1, 2, 3])
            #expect(try reader.string(limit: 100) == "héllo")
            #expect(try reader.bytes(count: 2) == [9, 9])
            try reader.expectEnd()
        }
    }

    /// A short read throws with the offset of the field and leaves no partial read behind.
    @Test func shortInputThrowsWithOffset() {
        ([1, 2, 3] as [UInt8]).withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(throws: FormatError.self) { try reader.u32() }
            #expect(reader.offset == 0)
            do throws(FormatError) {
                _ = try reader.u64()
                Issue.record("expected a throw")
            } catch {
                #expect(error.offset == 0)
            }
        }
    }

    /// A huge length prefix is rejected by the limit or the remaining size before any allocation.
    @Test func hugeLengthPrefixIsRejectedBeforeAllocating() {
        ([0xFF, 0xFF, 0xFF, 0x7F, 1, 2] as [UInt8]).withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(throws: FormatError.self) { try reader.lengthPrefixed(limit: 10) }
            var unlimited = ByteReader(buffer)
            #expect(throws: FormatError.self) { try unlimited.lengthPrefixed(limit: .max) }
            var negative = ByteReader(buffer)
            #expect(throws: FormatError.self) { try negative.bytes(count: -1) }
        }
    }

    /// Invalid UTF-8 in a string field throws instead of being repaired.
    @Test func invalidUTF8StringThrows() {
        ([2, 0, 0, 0, 0xC3, 0x28] as [UInt8]).withUnsafeBytes { buffer in
            var reader = ByteReader(buffer)
            #expect(throws: FormatError.self) { try reader.string(limit: 10) }
        }
    }

    /// Random read programs over random garbage never trap; every error points inside the buffer.
    @Test func readerIsTotalOnRandomGarbage() {
        let seed: UInt64 = 0xB17E5
        print("ByteReader totality seed \(seed)")
        var random = SplitMix64(seed: seed)
        var failures = 0
        for _ in 0..<2000 {
            let input = random.bytes(Int.random(in: 0...40, using: &random))
            input.withUnsafeBytes { buffer in
                var reader = ByteReader(buffer)
                for _ in 0..<12 {
                    do throws(FormatError) {
                        switch Int.random(in: 0..<9, using: &random) {
                        case 0: _ = try reader.u8()
                        case 1: _ = try reader.u16()
                        case 2: _ = try reader.u32()
                        case 3: _ = try reader.u64()
                        case 4: _ = try reader.f32()
                        case 5: _ = try reader.bytes(count: Int.random(in: -2...50, using: &random))
                        case 6: _ = try reader.lengthPrefixed(limit: Int.random(in: 0...1 << 30, using: &random))
                        case 7: _ = try reader.string(limit: 64)
                        default: try reader.skip(Int.random(in: 0...8, using: &random))
                        }
                    } catch {
                        failures += 1
                        #expect(error.offset >= 0 && error.offset <= buffer.count)
                    }
                    #expect(reader.offset <= buffer.count)
                }
            }
        }
        #expect(failures > 0)
    }
}
