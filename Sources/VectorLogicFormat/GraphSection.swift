/// The HNSW graph section of a segment (data-format.md "HNSW graph section"): a 64-byte header, then layer-0 lists,
/// levels, upper starts, upper records and (cosine only) inverse norms, every part a whole number of 4-byte words.
///
/// ```
/// header (64 bytes)
///   0  u32 magic 0x47484C56 ("VLHG")     4  u32 version = 1
///   8  u32 flags (bit 0: inverse norms present; other bits must be 0)
///  12  u32 m       16 u32 m0 (= 2m)      20 u32 count (rows)
///  24  u32 entry point (0xFFFFFFFF when count = 0)    28 u32 max level
///  32  u32 upper record count            36 u32 metric (0 cosine, 1 dot, 2 euclidean)
///  40  u32 ef_construction               44 u32 reserved (0)
///  48  u64 seed                          56 u64 reserved (0)
/// level 0      count × (1 + m0) u32     per row: degree, then m0 ids (unused slots 0xFFFFFFFF)
/// levels       count × u8, zero-padded to a multiple of 4
/// upper start  count × u32             index of the row's first upper record, 0xFFFFFFFF for level-0 rows
/// upper        records × (1 + m) u32   per (row, level ≥ 1) in row order then level order: degree, m ids
/// inv norms    count × f32             only when flags bit 0 (cosine): 1/|v|, 0 for a zero vector
/// ```
/// The index reads the parts in place from the mapped segment (`FrozenHNSW`) after `open` checked the header in O(1);
/// `decode`/`encode` are the whole-section value codec the fuzzers and offline tools use.
public enum GraphSection {
    /// "VLHG" as a little-endian u32.
    public static let magic: UInt32 = 0x4748_4C56
    /// The only version this build reads and writes.
    public static let version: UInt32 = 1
    /// Header size; every later part starts 4-byte aligned after it.
    public static let headerBytes = 64
    /// Flags bit 0: an inverse norm per row follows the upper records (set exactly for cosine graphs).
    public static let flagInverseNorms: UInt32 = 1
    /// An empty slot, the entry point of an empty graph, and the upper start of a level-0 row.
    public static let noRow: UInt32 = 0xFFFF_FFFF
    /// Largest m (upper-layer degree); m0 may be up to 2 × this. Bounds what a damaged header can make a reader compute.
    public static let maxM = 128
    /// Largest level of a row (and of the entry point).
    public static let maxLevel = 31
    /// The metric code of cosine (the metric whose graphs carry inverse norms).
    public static let cosineMetric: UInt32 = 0

    /// The header's fields.
    public struct Header: Sendable, Hashable {
        /// Flags (bit 0: inverse norms present).
        public var flags: UInt32
        /// Upper-layer degree limit.
        public var m: Int
        /// Layer-0 degree limit.
        public var m0: Int
        /// Rows.
        public var count: Int
        /// Row where searches start; `noRow` for an empty graph.
        public var entryPoint: UInt32
        /// Level of the entry point.
        public var maxLevel: Int
        /// Upper records: the sum of every row's level.
        public var upperRecords: Int
        /// 0 cosine, 1 dot, 2 euclidean.
        public var metric: UInt32
        /// Informative.
        public var efConstruction: UInt32
        /// Informative: the level assignment seed.
        public var seed: UInt64

        /// A header.
        public init(flags: UInt32, m: Int, m0: Int, count: Int, entryPoint: UInt32, maxLevel: Int, upperRecords: Int,
                    metric: UInt32, efConstruction: UInt32, seed: UInt64) {
            self.flags = flags
            self.m = m
            self.m0 = m0
            self.count = count
            self.entryPoint = entryPoint
            self.maxLevel = maxLevel
            self.upperRecords = upperRecords
            self.metric = metric
            self.efConstruction = efConstruction
            self.seed = seed
        }

        /// Whether an inverse norm per row is stored.
        public var hasInverseNorms: Bool { flags & GraphSection.flagInverseNorms != 0 }
    }

    /// Byte offsets of each part, from the header alone.
    public struct Layout: Sendable, Hashable {
        /// Layer-0 lists.
        public var level0: Int
        /// One level byte per row.
        public var levels: Int
        /// One upper start per row.
        public var upperStart: Int
        /// Upper records.
        public var upper: Int
        /// Inverse norms (equal to `end` when absent).
        public var norms: Int
        /// The section's exact length.
        public var end: Int

        /// Nil when a size overflows (a damaged header).
        public init?(_ h: Header) {
            let words0 = h.count.multipliedReportingOverflow(by: 1 + h.m0)
            let wordsUp = h.upperRecords.multipliedReportingOverflow(by: 1 + h.m)
            guard h.count >= 0, h.upperRecords >= 0, !words0.overflow, !wordsUp.overflow, words0.partialValue <= Int.max / 8,
                  wordsUp.partialValue <= Int.max / 8, h.count <= Int(UInt32.max) else { return nil }
            level0 = GraphSection.headerBytes
            levels = level0 + words0.partialValue * 4
            upperStart = levels + (h.count + 3) / 4 * 4
            upper = upperStart + h.count * 4
            norms = upper + wordsUp.partialValue * 4
            end = norms + (h.hasInverseNorms ? h.count * 4 : 0)
        }
    }

    /// Appends the 64-byte header.
    public static func encodeHeader(_ h: Header, into w: inout ByteWriter) {
        w.u32(magic)
        w.u32(version)
        w.u32(h.flags)
        w.u32(UInt32(h.m))
        w.u32(UInt32(h.m0))
        w.u32(UInt32(h.count))
        w.u32(h.entryPoint)
        w.u32(UInt32(h.maxLevel))
        w.u32(UInt32(h.upperRecords))
        w.u32(h.metric)
        w.u32(h.efConstruction)
        w.u32(0)
        w.u64(h.seed)
        w.u64(0)
    }

    /// Checks a section in O(1) for the index to read in place: magic, version, reserved words, flags, m and m0,
    /// `count` rows (the segment's), entry point, max level, upper records, `metric`, the inverse-norm flag against the
    /// metric, and the exact length. Throws `FormatError` with the field's offset; never traps.
    public static func open(_ bytes: UnsafeRawBufferPointer, metric: UInt32, count: Int) throws(FormatError) -> (Header, Layout) {
        let h = try decodeHeader(bytes)
        guard h.count == count else { throw FormatError(offset: 20, reason: "graph has \(h.count) rows, segment has \(count)") }
        guard h.metric == metric else { throw FormatError(offset: 36, reason: "graph built for another metric") }
        return (h, try layout(h, length: bytes.count))
    }

    /// The header, each field checked on its own and against the others (not against a segment).
    public static func decodeHeader(_ bytes: UnsafeRawBufferPointer) throws(FormatError) -> Header {
        guard bytes.count >= headerBytes else { throw FormatError(offset: 0, reason: "section shorter than the 64-byte header") }
        var r = ByteReader(bytes)
        guard try r.u32() == magic else { throw FormatError(offset: 0, reason: "bad magic") }
        let found = try r.u32()
        guard found == version else { throw FormatError(offset: 4, reason: "unsupported graph section version \(found) (this build reads \(version))") }
        let h = Header(flags: try r.u32(), m: Int(try r.u32()), m0: Int(try r.u32()), count: Int(try r.u32()),
                       entryPoint: try r.u32(), maxLevel: Int(try r.u32()), upperRecords: Int(try r.u32()),
                       metric: try r.u32(), efConstruction: try r.u32(), seed: 0)
        guard try r.u32() == 0 else { throw FormatError(offset: 44, reason: "reserved word is not zero") }
        var header = h
        header.seed = try r.u64()
        guard try r.u64() == 0 else { throw FormatError(offset: 56, reason: "reserved word is not zero") }
        try checkFields(header)
        return header
    }

    private static func checkFields(_ h: Header) throws(FormatError) {
        guard h.flags & ~flagInverseNorms == 0 else { throw FormatError(offset: 8, reason: "unknown flags") }
        guard h.m >= 2, h.m <= maxM else { throw FormatError(offset: 12, reason: "m out of range") }
        guard h.m0 >= h.m, h.m0 <= 2 * maxM else { throw FormatError(offset: 16, reason: "m0 out of range") }
        guard h.count == 0 ? h.entryPoint == noRow : h.entryPoint < UInt32(h.count) else {
            throw FormatError(offset: 24, reason: "entry point out of range")
        }
        guard h.maxLevel <= maxLevel, h.count > 0 || h.maxLevel == 0 else { throw FormatError(offset: 28, reason: "max level out of range") }
        guard h.upperRecords <= h.count * maxLevel else { throw FormatError(offset: 32, reason: "upper record count out of range") }
        guard h.metric <= 2 else { throw FormatError(offset: 36, reason: "unknown metric \(h.metric)") }
        guard (h.metric == cosineMetric) == h.hasInverseNorms else {
            throw FormatError(offset: 8, reason: "inverse norms flag does not match the metric")
        }
    }

    private static func layout(_ h: Header, length: Int) throws(FormatError) -> Layout {
        guard let layout = Layout(h), layout.end == length else {
            throw FormatError(offset: 0, reason: "section is \(length) bytes, header implies another size")
        }
        return layout
    }
}
