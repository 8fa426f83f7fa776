import Testing
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIndex

/// The graph section's layout lives in VectorLogicFormat (`GraphSection`): what the index writes, the format's value
/// codec decodes and re-encodes byte-exactly, and non-canonical bytes are refused with the offset of the field.
@Suite struct GraphSectionCodecTests {
    /// Every metric, a graph of several levels: decode → encode is the identity, and `open` agrees with the header.
    @Test(arguments: DistanceMetric.allCases)
    func writtenGraphRoundTripsThroughTheFormatCodec(metric: DistanceMetric) throws {
        let n = 400
        let source = FlatVectorSource(dimension: 10, vectors: IndexTestData.uniform(count: n, dimension: 10, seed: 0x61))
        let bytes = IndexTestData.build(source, count: n, metric: metric).serialized()
        try bytes.withUnsafeBytes { raw in
            let value = try GraphSection.decode(raw)
            #expect(value.header.count == n && value.header.hasInverseNorms == (metric == .cosine))
            #expect(value.levels.contains { $0 > 0 } && value.upper.count == value.header.upperRecords * (1 + value.header.m))
            #expect(GraphSection.encode(value) == bytes)
            let (header, layout) = try GraphSection.open(raw, metric: value.header.metric, count: n)
            #expect(header == value.header && layout.end == bytes.count)
            #expect(throws: FormatError.self) { try GraphSection.open(raw, metric: value.header.metric, count: n + 1) }
        }
    }

    /// A non-zero reserved word, a used-looking unused slot and a level above the max level are refused by the codec
    /// (the reserved word by `open` too, so `FrozenHNSW` refuses it).
    @Test func nonCanonicalBytesAreRefused() throws {
        let n = 50
        let source = FlatVectorSource(dimension: 4, vectors: IndexTestData.uniform(count: n, dimension: 4, seed: 0x62))
        let bytes = IndexTestData.build(source, count: n, metric: .euclidean).serialized()
        var reserved = bytes
        reserved[44] = 1
        reserved.withUnsafeBytes { raw in
            #expect(throws: FormatError(offset: 44, reason: "reserved word is not zero")) { try GraphSection.decode(raw) }
            #expect(throws: FormatError.self) { try FrozenHNSW(graph: raw, source: source, metric: .euclidean, count: n) }
        }
        let m0 = Int(bytes[16])
        let degree = Int(bytes[64])
        var slot = bytes
        let unused = 64 + 4 + degree * 4
        if degree < m0 {
            slot[unused] = 0
            slot.withUnsafeBytes { raw in
                #expect(throws: FormatError(offset: unused, reason: "unused slot is not empty")) { try GraphSection.decode(raw) }
            }
        }
        var level = bytes
        level[64 + n * (1 + m0) * 4] = 40
        level.withUnsafeBytes { raw in #expect(throws: FormatError.self) { try GraphSection.decode(raw) } }
    }
}
