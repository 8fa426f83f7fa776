/// Byte layout of the HNSW graph section (data-format.md, "HNSW graph section"). All fields little-endian.
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
/// Every section starts 4-byte aligned (the header is 64 bytes and every section is a multiple of 4 bytes).
enum GraphSectionLayout {
    static let magic: UInt32 = 0x4748_4C56
    static let version: UInt32 = 1
    static let headerBytes = 64
    static let flagInverseNorms: UInt32 = 1
    static let noRow: UInt32 = 0xFFFF_FFFF
    /// Hard limits so a corrupted header cannot make the reader compute absurd sizes.
    static let maxM = 128
    static let maxLevel = 31

    struct Header {
        var flags: UInt32
        var m: Int
        var m0: Int
        var count: Int
        var entryPoint: UInt32
        var maxLevel: Int
        var upperRecords: Int
        var metric: UInt32
        var efConstruction: UInt32
        var seed: UInt64
    }

    /// Offsets of each part for a header, or nil when any size overflows.
    struct Offsets {
        var level0: Int
        var levels: Int
        var upperStart: Int
        var upper: Int
        var norms: Int
        var end: Int

        init?(_ h: Header) {
            let words0 = h.count.multipliedReportingOverflow(by: 1 + h.m0)
            let wordsUp = h.upperRecords.multipliedReportingOverflow(by: 1 + h.m)
            guard !words0.overflow, !wordsUp.overflow, words0.partialValue <= Int.max / 8,
                  wordsUp.partialValue <= Int.max / 8, h.count <= Int(UInt32.max) else { return nil }
            level0 = GraphSectionLayout.headerBytes
            levels = level0 + words0.partialValue * 4
            upperStart = levels + (h.count + 3) / 4 * 4
            upper = upperStart + h.count * 4
            norms = upper + wordsUp.partialValue * 4
            end = norms + ((h.flags & GraphSectionLayout.flagInverseNorms) != 0 ? h.count * 4 : 0)
        }
    }
}

/// Little-endian writer into a preallocated byte array.
struct LittleEndianWriter {
    var bytes: [UInt8]

    init(count: Int) { bytes = [UInt8](repeating: 0, count: count) }

    mutating func u32(_ value: UInt32, at offset: Int) {
        bytes[offset] = UInt8(truncatingIfNeeded: value)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: value >> 8)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: value >> 16)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: value >> 24)
    }

    mutating func u64(_ value: UInt64, at offset: Int) {
        u32(UInt32(truncatingIfNeeded: value), at: offset)
        u32(UInt32(truncatingIfNeeded: value >> 32), at: offset + 4)
    }

    mutating func header(_ h: GraphSectionLayout.Header) {
        u32(GraphSectionLayout.magic, at: 0)
        u32(GraphSectionLayout.version, at: 4)
        u32(h.flags, at: 8)
        u32(UInt32(h.m), at: 12)
        u32(UInt32(h.m0), at: 16)
        u32(UInt32(h.count), at: 20)
        u32(h.entryPoint, at: 24)
        u32(UInt32(h.maxLevel), at: 28)
        u32(UInt32(h.upperRecords), at: 32)
        u32(h.metric, at: 36)
        u32(h.efConstruction, at: 40)
        u64(h.seed, at: 48)
    }
}
