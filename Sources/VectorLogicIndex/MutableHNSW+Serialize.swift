import VectorLogicFormat
import VectorLogicSync
import CVectorLogicKernels
import Synchronization

extension MutableHNSW {
    /// The graph section bytes (`GraphSection`, data-format.md "HNSW graph section") for a segment holding rows
    /// 0..<count (all rows must be inserted). Deterministic for a seed + insert order. Call when no insert is running
    /// (the engine serialises a frozen memtable).
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
        let header = GraphSection.Header(
            flags: kind == .cosine ? GraphSection.flagInverseNorms : 0,
            m: storage.m, m0: storage.m0, count: n,
            entryPoint: entry?.row ?? GraphSection.noRow, maxLevel: entry?.level ?? 0,
            upperRecords: upperRecords, metric: kind.rawValue,
            efConstruction: UInt32(parameters.efConstruction), seed: parameters.seed)
        guard let layout = GraphSection.Layout(header) else { return [] }
        var w = ByteWriter(capacity: layout.end)
        GraphSection.encodeHeader(header, into: &w)
        for r in 0..<n { writeList(storage.level0List(UInt32(r)), maxDegree: storage.m0, into: &w) }
        for r in 0..<n { w.u8(UInt8(storage.level(UInt32(r)))) }
        w.zeros(layout.upperStart - layout.levels - n)
        var nextUpper: UInt32 = 0
        for r in 0..<n {
            let level = storage.level(UInt32(r))
            w.u32(level == 0 ? GraphSection.noRow : nextUpper)
            nextUpper += UInt32(level)
        }
        for r in 0..<n {
            let level = storage.level(UInt32(r))
            guard level > 0 else { continue }
            for l in 1...level {
                if let list = storage.upperList(UInt32(r), level: l) {
                    writeList(list, maxDegree: storage.m, into: &w)
                } else {
                    w.u32(0)
                    for _ in 0..<storage.m { w.u32(GraphSection.noRow) }
                }
            }
        }
        if kind == .cosine {
            for r in 0..<n { w.u32(storage.inverseNorm(UInt32(r)).pointee.bitPattern) }
        }
        precondition(w.count == layout.end, "graph section length differs from its layout")
        return w.bytes
    }

    private func writeList(_ list: UnsafeMutablePointer<UInt32>, maxDegree: Int, into w: inout ByteWriter) {
        let degree = min(Int(vl_load_acquire_u32(list)), maxDegree)
        w.u32(UInt32(degree))
        for i in 0..<maxDegree {
            w.u32(i < degree ? vl_load_acquire_u32(list + 1 + i) : GraphSection.noRow)
        }
    }
}
