import Dispatch
import Synchronization

/// Decides whether a search may share its segments with the other cores (`SearchExecutor.run(helpers:)`): only when it
/// is the only one running and no two searches have overlapped for `quietNanoseconds`.
///
/// "The only one running" alone was not enough: at 8 connections the count drops to 1 between two requests many times
/// a second, and the searches that then fanned out competed with the next request for the second core — over HTTP at
/// 1M rows, 8 connections lost 2–10% of their QPS and p99 rose (BENCHMARKS.md "Segments on both cores"). A load that
/// overlaps at all overlaps again within milliseconds, so one overlap in the last 100 ms marks the machine as busy.
final class SearchConcurrency: Sendable {
    private let running = Atomic<Int>(0)
    /// `DispatchTime` uptime (ns) of the last search that started while another was running.
    private let lastOverlap = Atomic<UInt64>(0)
    /// Helpers a lone search gets: the other cores.
    let helpers: Int

    /// How long after an overlap searches keep to one thread each.
    static let quietNanoseconds: UInt64 = 100_000_000

    init(helpers: Int) { self.helpers = helpers }

    /// A search starts (pair with `leave`); returns how many helper threads it may use.
    func enter(now: UInt64 = DispatchTime.now().uptimeNanoseconds) -> Int {
        let concurrent = running.add(1, ordering: .relaxed).newValue
        if concurrent > 1 {
            lastOverlap.store(now, ordering: .relaxed)
            return 0
        }
        let last = lastOverlap.load(ordering: .relaxed)
        return last != 0 && now &- last < SearchConcurrency.quietNanoseconds ? 0 : helpers
    }

    /// The search ended.
    func leave() { running.subtract(1, ordering: .relaxed) }
}
