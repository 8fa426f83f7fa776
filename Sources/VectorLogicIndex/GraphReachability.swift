import VectorLogicFormat
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
        var reached = RowBitset(count: count)
        let total = level0Walk(from: entry, marking: &reached, maxDegree: maxDegree)
        var examples: [UInt32] = []
        if total < count {
            for row in 0..<UInt32(count) where !reached.contains(row) {
                examples.append(row)
                if examples.count == GraphReachability.exampleLimit { break }
            }
        }
        return GraphReachability(unreachable: count - total, examples: examples)
    }

    /// Breadth-first walk of level 0 from `start` over rows not yet in `reached` (ids at or above `reached.count`
    /// are skipped), marking each row it reaches; `visit` sees every newly marked row once, `start` first.
    /// Returns how many rows it marked (0 when `start` was marked already).
    @discardableResult
    func level0Walk(from start: UInt32, marking reached: inout RowBitset, maxDegree: Int,
                    visit: (UInt32) -> Void = { _ in }) -> Int {
        guard Int(start) < reached.count, !reached.contains(start) else { return 0 }
        var queue: [UInt32] = [start]
        reached.insert(start)
        visit(start)
        let buffer = UnsafeMutablePointer<UInt32>.allocate(capacity: max(maxDegree, 1))
        defer { buffer.deallocate() }
        var head = 0
        while head < queue.count {
            let row = queue[head]
            head += 1
            let n = min(neighbors(of: row, level: 0, into: buffer), maxDegree)
            for i in 0..<n {
                let next = buffer[i]
                guard Int(next) < reached.count, !reached.contains(next) else { continue }
                reached.insert(next)
                visit(next)
                queue.append(next)
            }
        }
        return queue.count
    }
}

/// One bit per row of `0..<count`.
struct RowBitset {
    let count: Int
    private var words: [UInt64]

    init(count: Int) {
        self.count = count
        words = [UInt64](repeating: 0, count: (count + 63) / 64)
    }

    @inline(__always)
    func contains(_ row: UInt32) -> Bool { words[Int(row) >> 6] & (UInt64(1) << UInt64(row & 63)) != 0 }

    @inline(__always)
    mutating func insert(_ row: UInt32) { words[Int(row) >> 6] |= UInt64(1) << UInt64(row & 63) }
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
