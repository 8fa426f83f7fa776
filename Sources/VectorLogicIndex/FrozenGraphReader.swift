import VectorLogicFormat
import CVectorLogicKernels

/// Raw-pointer view of a graph section for the shared search code. Every id read from the bytes is checked against
/// `rowBound` and every degree clamped, so a corrupted section can make answers poor but never trap or loop forever.
struct FrozenGraphReader<Vectors: RowVectors>: GraphReader {
    let vectors: Vectors
    let dimension: Int
    let kind: MetricKind
    let rowBound: Int
    let graph: FrozenGraphPointers

    @inline(__always)
    func inverseNorm(_ row: UInt32) -> Float {
        guard let norms = graph.norms else { return 1 }
        return Float(bitPattern: UInt32(littleEndian: norms[Int(row)]))
    }

    @inline(__always)
    func prefetchLinks(_ row: UInt32) {
        vl_prefetch(graph.level0 + Int(row) &* (1 + graph.m0), (1 + graph.m0) * 4)
    }

    @inline(__always)
    func neighbors(of row: UInt32, level: Int, into out: UnsafeMutablePointer<UInt32>) -> Int {
        guard let list = graph.list(row, level: level) else { return 0 }
        let degree = min(Int(UInt32(littleEndian: list.pointee)), level == 0 ? graph.m0 : graph.m)
        var n = 0
        let bound = UInt32(truncatingIfNeeded: rowBound)
        for i in 0..<degree {
            let id = UInt32(littleEndian: list[1 + i])
            if id < bound {
                out[n] = id
                n += 1
            }
        }
        return n
    }
}

/// Validated pointers into a graph section (see `GraphSection`).
struct FrozenGraphPointers: @unchecked Sendable {
    let count: Int
    let m: Int
    let m0: Int
    let level0: UnsafePointer<UInt32>
    let levels: UnsafePointer<UInt8>
    let upperStart: UnsafePointer<UInt32>
    let upper: UnsafePointer<UInt32>
    let upperRecords: Int
    let norms: UnsafePointer<UInt32>?

    /// The list (degree word, then ids) of `row` at `level`, or nil if the row has no such list or the bytes
    /// point outside the section. `row` must be < count.
    @inline(__always)
    func list(_ row: UInt32, level: Int) -> UnsafePointer<UInt32>? {
        let r = Int(row)
        if level == 0 { return level0 + r &* (1 + m0) }
        guard level <= Int(levels[r]) else { return nil }
        let start = UInt32(littleEndian: upperStart[r])
        let record = Int(start) + level - 1
        guard start != GraphSection.noRow, record < upperRecords else { return nil }
        return upper + record &* (1 + m)
    }

    func level(_ row: Int) -> Int { Int(levels[row]) }
}
