import Synchronization

/// Hands out 0, 1, 2, … (from a start) to threads that share a list of work items: each `claim()` returns the next
/// unclaimed index, so every item is taken exactly once whatever the threads' timing.
final class ClaimCounter: Sendable {
    private let value: Atomic<Int>

    init(_ start: Int) { value = Atomic(start) }

    /// The next unclaimed index (past the end once every item is taken; the caller bounds it).
    func claim() -> Int { value.add(1, ordering: .relaxed).oldValue }
}
