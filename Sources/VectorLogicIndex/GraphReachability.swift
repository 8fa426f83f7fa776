import Synchronization
import VectorLogicSync

/// Which rows a search can reach: every search ends on level 0 after a descent from the entry point, so a row with
/// no path from the entry point over level-0 links can never be returned, whatever the ef (issue 8, section 3).
public struct GraphReachability: Sendable, Hashable {
    /// Rows with no level-0 path from the entry point.
    public var unreachable: Int
    /// The first few of them, lowest row first (at most `exampleLimit`).
    public var examples: [UInt32]

    /// A result: `unreachable` rows, the first of them in `examples`.
    public init(unreachable: Int, examples: [UInt32]) {
        self.unreachable = unreachable
        self.examples = examples
    }

    /// How many unreachable rows `examples` lists at most.
    public static let exampleLimit = 5

    /// One sentence for verify when some row is unreachable, nil when every row is reachable.
    public var problem: String? {
        guard unreachable > 0 else { return nil }
        let rows = examples.map(String.init).joined(separator: ", ") + (unreachable > examples.count ? ", …" : "")
        return "\(unreachable) \(unreachable == 1 ? "row is" : "rows are") not reachable from the entry point on level 0 "
            + "(row\(unreachable == 1 ? "" : "s") \(rows)): no search can return \(unreachable == 1 ? "it" : "them")"
    }
}

extension GraphReader {
    /// Breadth-first walk of level 0 from `entry` over rows `0..<count` (one bit per row, each list read once):
    /// O(rows + links). Ids at or above `count` are skipped, so a damaged graph cannot make it trap.
    func level0Reachability(from entry: UInt32, count: Int, maxDegree: Int) -> GraphReachability {
        guard count > 0 else { return GraphReachability(unreachable: 0, examples: []) }
        guard Int(entry) < count else {
            return GraphReachability(unreachable: count, examples: (0..<UInt32(min(count, GraphReachability.exampleLimit))).map { $0 })
        }
        var seen = [UInt64](repeating: 0, count: (count + 63) / 64)
        var queue: [UInt32] = [entry]
        queue.reserveCapacity(count)
        seen[Int(entry) >> 6] |= 1 << UInt64(entry & 63)
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: max(maxDegree, 1))
        defer { buffer.deallocate() }
        var head = 0
        while head < queue.count {
            let row = queue[head]
            head += 1
            let n = min(neighbors(of: row, level: 0, into: buffer), maxDegree)
            for i in 0..<n {
                let next = buffer[i]
                guard Int(next) < count else { continue }
                let word = Int(next) >> 6, bit = UInt64(1) << UInt64(next & 63)
                if seen[word] & bit == 0 {
                    seen[word] |= bit
                    queue.append(next)
                }
            }
        }
        var examples: [UInt32] = []
        if queue.count < count {
            for row in 0..<count where seen[row >> 6] & (UInt64(1) << UInt64(row & 63)) == 0 {
                examples.append(UInt32(row))
                if examples.count == GraphReachability.exampleLimit { break }
            }
        }
        return GraphReachability(unreachable: count - queue.count, examples: examples)
    }
}

extension FrozenHNSW {
    /// Rows no search can reach: those with no level-0 path from the entry point. O(rows + links), for verify/inspect.
    public func reachability() -> GraphReachability {
        let reader = FrozenGraphReader(vectors: SourceVectors(source: source), dimension: dimension, kind: kind,
                                       rowBound: count, graph: graph)
        return reader.level0Reachability(from: header.entryPoint, count: count, maxDegree: graph.m0)
    }
}

extension MutableHNSW {
    /// Rows of `0..<count` with no level-0 path from the entry point (see `FrozenHNSW.reachability()`).
    /// Call when no insert is running and rows `0..<count` are all inserted, as for `serialized()`.
    public func reachability() -> GraphReachability {
        let n = count
        precondition(n <= capacity.load(ordering: .acquiring), "reachability() needs rows 0..<count inserted")
        guard let entry = top.withLock({ $0 }) else { return GraphReachability(unreachable: 0, examples: []) }
        let reader = MutableGraphReader(vectors: SourceVectors(source: source), dimension: dimension, kind: kind,
                                        rowBound: n, storage: storage)
        return reader.level0Reachability(from: entry.row, count: n, maxDegree: storage.m0)
    }
}
