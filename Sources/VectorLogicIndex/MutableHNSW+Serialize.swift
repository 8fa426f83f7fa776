import VectorLogicSync
import CVectorLogicKernels
import Synchronization

extension MutableHNSW {
    /// The graph section bytes for a segment holding rows 0..<count (all rows must be inserted). Deterministic for a
    /// seed + insert order. Call when no insert is running (the engine serialises a frozen memtable).
    ///
    /// First links any row the entry point cannot reach on level 0 back into the graph (`connectUnreachable()`), so
    /// every stored row can be found; a graph whose rows are all reachable is written unchanged.
    public func serialized() -> [UInt8] {
        let n = count
        precondition(n <= capacity.load(ordering: .acquiring), "serialized() needs rows 0..<count inserted")
        connectUnreachable()
        let entry = top.withLock { $0 }
        var upperRecords = 0
        for row in 0..<n { upperRecords += storage.level(UInt32(row)) }
        let header = GraphSectionLayout.Header(
            flags: kind == .cosine ? GraphSectionLayout.flagInverseNorms : 0,
            m: storage.m, m0: storage.m0, count: n,
            entryPoint: entry?.row ?? GraphSectionLayout.noRow, maxLevel: entry?.level ?? 0,
            upperRecords: upperRecords, metric: kind.rawValue,
            efConstruction: UInt32(parameters.efConstruction), seed: parameters.seed)
        guard let offsets = GraphSectionLayout.Offsets(header) else { return [] }
        var w = LittleEndianWriter(count: offsets.end)
        w.header(header)
        var nextUpper: UInt32 = 0
        for r in 0..<n {
            let row = UInt32(r)
            writeList(storage.level0List(row), maxDegree: storage.m0, at: offsets.level0 + r * (1 + storage.m0) * 4, into: &w)
            let level = storage.level(row)
            w.bytes[offsets.levels + r] = UInt8(level)
            if level == 0 {
                w.u32(GraphSectionLayout.noRow, at: offsets.upperStart + r * 4)
            } else {
                w.u32(nextUpper, at: offsets.upperStart + r * 4)
                for l in 1...level {
                    let at = offsets.upper + (Int(nextUpper) + l - 1) * (1 + storage.m) * 4
                    if let list = storage.upperList(row, level: l) {
                        writeList(list, maxDegree: storage.m, at: at, into: &w)
                    }
                }
                nextUpper += UInt32(level)
            }
            if kind == .cosine { w.u32(storage.inverseNorm(row).pointee.bitPattern, at: offsets.norms + r * 4) }
        }
        return w.bytes
    }

    private func writeList(_ list: UnsafeMutablePointer<UInt32>, maxDegree: Int, at offset: Int,
                           into w: inout LittleEndianWriter) {
        let degree = min(Int(vl_load_acquire_u32(list)), maxDegree)
        w.u32(UInt32(degree), at: offset)
        for i in 0..<maxDegree {
            w.u32(i < degree ? vl_load_acquire_u32(list + 1 + i) : GraphSectionLayout.noRow, at: offset + 4 + i * 4)
        }
    }
}
