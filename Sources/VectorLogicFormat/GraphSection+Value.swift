/// A whole graph section as values, for the fuzzers and the offline tools (the index reads sections in place).
public struct GraphSectionValue: Sendable, Hashable {
    /// The header.
    public var header: GraphSection.Header
    /// `count × (1 + m0)` words: per row its degree, then m0 slots.
    public var level0: [UInt32]
    /// Each row's level.
    public var levels: [UInt8]
    /// Each row's first upper record, `noRow` for level-0 rows.
    public var upperStart: [UInt32]
    /// `upperRecords × (1 + m)` words: degree, then m slots.
    public var upper: [UInt32]
    /// Bit patterns of the inverse norms (empty unless the header has them): bit patterns, so NaNs compare equal.
    public var inverseNorms: [UInt32]

    /// A graph section's values.
    public init(header: GraphSection.Header, level0: [UInt32], levels: [UInt8], upperStart: [UInt32], upper: [UInt32],
                inverseNorms: [UInt32]) {
        self.header = header
        self.level0 = level0
        self.levels = levels
        self.upperStart = upperStart
        self.upper = upper
        self.inverseNorms = inverseNorms
    }
}

extension GraphSection {
    /// Decodes a whole section (O(size)): the header as `decodeHeader`, the exact length, and the canonical form every
    /// writer produces — degrees within m0/m, slots past the degree `noRow`, level padding zero, levels at most the
    /// max level, upper starts consecutive in row order summing to the upper record count. Neighbour ids are not
    /// checked against the row count here (`FrozenHNSW.checkInvariants` does, for `verify`). Throws `FormatError`.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> GraphSectionValue {
        let h = try decodeHeader(bytes)
        guard let layout = Layout(h), layout.end == bytes.count else {
            throw FormatError(offset: 0, reason: "section is \(bytes.count) bytes, header implies another size")
        }
        var r = ByteReader(bytes)
        try r.skip(headerBytes)
        let level0 = try lists(&r, count: h.count, limit: h.m0)
        var levels: [UInt8] = []
        levels.reserveCapacity(h.count)
        for _ in 0..<h.count {
            let level = try r.u8()
            guard Int(level) <= h.maxLevel else { throw FormatError(offset: r.offset - 1, reason: "level \(level) above the max level") }
            levels.append(level)
        }
        while r.offset < layout.upperStart {
            guard try r.u8() == 0 else { throw FormatError(offset: r.offset - 1, reason: "level padding is not zero") }
        }
        var upperStart: [UInt32] = []
        upperStart.reserveCapacity(h.count)
        var next = 0
        for row in 0..<h.count {
            let start = try r.u32()
            let expected = levels[row] == 0 ? noRow : UInt32(truncatingIfNeeded: next)
            guard start == expected else { throw FormatError(offset: r.offset - 4, reason: "upper start \(start) of row \(row), expected \(expected)") }
            next += Int(levels[row])
            upperStart.append(start)
        }
        guard next == h.upperRecords else { throw FormatError(offset: 32, reason: "levels sum to \(next), header says \(h.upperRecords)") }
        let upper = try lists(&r, count: h.upperRecords, limit: h.m)
        var norms: [UInt32] = []
        if h.hasInverseNorms {
            norms.reserveCapacity(h.count)
            for _ in 0..<h.count { norms.append(try r.u32()) }
        }
        try r.expectEnd()
        return GraphSectionValue(header: h, level0: level0, levels: levels, upperStart: upperStart, upper: upper, inverseNorms: norms)
    }

    /// `count` lists of a degree word and `limit` slots: degree ≤ limit, unused slots `noRow`.
    private static func lists(_ r: inout ByteReader, count: Int, limit: Int) throws(FormatError) -> [UInt32] {
        var words: [UInt32] = []
        words.reserveCapacity(count * (1 + limit))
        for _ in 0..<count {
            let at = r.offset
            let degree = try r.u32()
            guard degree <= UInt32(limit) else { throw FormatError(offset: at, reason: "degree \(degree) above the limit \(limit)") }
            words.append(degree)
            for slot in 0..<limit {
                let id = try r.u32()
                guard slot < Int(degree) || id == noRow else { throw FormatError(offset: r.offset - 4, reason: "unused slot is not empty") }
                words.append(id)
            }
        }
        return words
    }

    /// The section bytes of a value (the inverse of `decode` for every value it returns).
    public static func encode(_ value: GraphSectionValue) -> [UInt8] {
        var w = ByteWriter(capacity: Layout(value.header)?.end ?? 0)
        encodeHeader(value.header, into: &w)
        for word in value.level0 { w.u32(word) }
        w.bytes(value.levels)
        w.zeros((4 - value.levels.count % 4) % 4)
        for word in value.upperStart { w.u32(word) }
        for word in value.upper { w.u32(word) }
        for word in value.inverseNorms { w.u32(word) }
        return w.bytes
    }
}
