internal import Dispatch

/// Fork-join over `parts` slices on GCD's pool (`concurrentPerform`), inline when there is one part.
///
/// Why own threading instead of OpenBLAS's: OpenBLAS's pool waits with `sched_yield` loops, which on a shared
/// machine (load average 12-15 on 2 cores while measured) made a threaded pass slower than a single-threaded one, and
/// its per-call threading splits the small per-head attention products where that costs more than it gains. Here
/// OpenBLAS runs single-threaded inside each slice and the slices are large: whole texts when a batch has several,
/// output columns of each matrix product and heads of attention when it has one.
enum ParallelSlices {
    /// Runs `body(part)` for part in 0..<parts, concurrently when parts > 1, and returns when all are done.
    static func run(_ parts: Int, _ body: @Sendable (Int) -> Void) {
        if parts <= 1 {
            body(0)
        } else {
            DispatchQueue.concurrentPerform(iterations: parts, execute: body)
        }
    }

    /// `count` items cut into `parts` contiguous ranges of near-equal size, each a multiple of `granule` but the last.
    static func ranges(_ count: Int, parts: Int, granule: Int = 1) -> [Range<Int>] {
        let parts = max(1, min(parts, (count + granule - 1) / max(granule, 1)))
        var out: [Range<Int>] = []
        var start = 0
        for part in 0..<parts {
            let target = (count * (part + 1)) / parts
            var end = part == parts - 1 ? count : ((target + granule - 1) / granule) * granule
            end = min(max(end, start), count)
            if end > start { out.append(start..<end) }
            start = end
        }
        return out
    }
}

/// Raw pointers handed to the slices of one pass; each slice writes a disjoint part (why this is @unchecked).
struct Unchecked<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
