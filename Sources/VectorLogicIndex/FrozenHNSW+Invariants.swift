import VectorLogicFormat
extension FrozenHNSW {
    /// For verify: neighbours in range, degrees within m/m0, no self links or duplicates, upper records laid out in
    /// row order without overlap, levels within the max level, entry point on the top level, and (unless
    /// `includingReachability` is false) every row reachable from the entry point on level 0. Empty when fine.
    public func checkInvariants(includingReachability: Bool = true) -> [String] {
        var problems: [String] = []
        func report(_ s: String) { if problems.count < 100 { problems.append(s) } }
        var nextUpper = 0
        var topSeen = 0
        var seen = Set<UInt32>()
        for r in 0..<count {
            let level = graph.level(r)
            topSeen = max(topSeen, level)
            if level > header.maxLevel { report("row \(r): level \(level) above max level \(header.maxLevel)") }
            let start = UInt32(littleEndian: graph.upperStart[r])
            if level == 0 {
                if start != GraphSection.noRow { report("row \(r): level 0 row has an upper record") }
            } else if Int(start) != nextUpper {
                report("row \(r): upper records start at \(start), expected \(nextUpper)")
            }
            nextUpper += level
            for l in 0...min(level, GraphSection.maxLevel) {
                guard let list = graph.list(UInt32(r), level: l) else {
                    report("row \(r): no list for level \(l)")
                    continue
                }
                let limit = l == 0 ? graph.m0 : graph.m
                let degree = Int(UInt32(littleEndian: list.pointee))
                if degree > limit { report("row \(r) level \(l): degree \(degree) above \(limit)") }
                seen.removeAll(keepingCapacity: true)
                for i in 0..<min(degree, limit) {
                    let id = UInt32(littleEndian: list[1 + i])
                    if Int(id) >= count {
                        report("row \(r) level \(l): neighbour \(id) out of range")
                    } else if id == UInt32(r) {
                        report("row \(r) level \(l): links to itself")
                    } else if graph.level(Int(id)) < l {
                        report("row \(r) level \(l): neighbour \(id) does not reach level \(l)")
                    }
                    if !seen.insert(id).inserted { report("row \(r) level \(l): duplicate neighbour \(id)") }
                }
            }
            if let norms = graph.norms {
                let inv = Float(bitPattern: UInt32(littleEndian: norms[r]))
                if !(inv >= 0 && inv.isFinite) { report("row \(r): inverse norm \(inv) is not finite and ≥ 0") }
            }
        }
        if nextUpper != graph.upperRecords { report("upper records: \(graph.upperRecords) stored, levels need \(nextUpper)") }
        if count > 0 {
            if topSeen != header.maxLevel { report("max level \(header.maxLevel) but highest row level is \(topSeen)") }
            if graph.level(Int(header.entryPoint)) != header.maxLevel { report("entry point is not on the top level") }
            if includingReachability, let message = reachability().problem { report(message) }
        }
        return problems
    }

    /// Levels, entry point, mean/max degree (for inspect). O(rows).
    public var statistics: GraphStatistics {
        var perLevel = [Int](repeating: 0, count: header.maxLevel + 1)
        var total = 0
        var maxDegree = 0
        for r in 0..<count {
            let level = min(graph.level(r), header.maxLevel)
            for l in 0...level { perLevel[l] += 1 }
            let degree = min(Int(UInt32(littleEndian: graph.level0[r * (1 + graph.m0)])), graph.m0)
            total += degree
            maxDegree = max(maxDegree, degree)
        }
        return GraphStatistics(
            nodes: count, maxLevel: header.maxLevel, entryPoint: count > 0 ? header.entryPoint : nil,
            nodesPerLevel: perLevel, meanDegree: count > 0 ? Double(total) / Double(count) : 0,
            maxDegree: maxDegree, m0: graph.m0, m: graph.m, bytes: byteCount)
    }
}
