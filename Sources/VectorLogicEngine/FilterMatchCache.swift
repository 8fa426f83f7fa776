import Synchronization
import VectorLogicFilter
import VectorLogicSync

/// The rows of one immutable segment that match a filter, kept for the filters asked most recently.
///
/// Why: a filter reads each row's metadata text (`JSONSpans`, 0.2–0.6 µs a row), and a selective filter makes the
/// planner scan every row of the segment. At 1,000,000 rows that was ~0.5 s of CPU per query for a 1% filter (15 QPS
/// at 8 connections, p50 494 ms, BENCHMARKS.md "One million vectors"). Applications repeat their filters (a tenant, a
/// category, a persona), and a segment never changes, so the match set is computed once per (segment, filter) and a
/// row test becomes a bit test. Deleted rows are not in it: they are checked separately, as before.
///
/// Bounded: `capacity` filters per segment, least recently used dropped first; an entry is rows / 8 bytes (20 KiB
/// for a 166,000-row segment, so ≤ 320 KiB per segment and ≤ 2 MiB for a million rows in six segments).
final class FilterMatchCache: Sendable {
    /// Filters kept per segment.
    static let capacity = 16

    private struct Entry {
        let filter: Filter
        let rows: Bitset
    }

    private let entries = Locked<[Entry]>([])
    /// How many match sets were computed (tests: a repeated filter is computed once).
    let computed = Atomic<Int>(0)

    /// The rows among `0..<rowCount` that `filter` matches: from the cache, or computed with `matches` (checking
    /// `budget` every `RequestBudget.checkInterval` rows; an expired budget throws and caches nothing).
    func rows(matching filter: Filter, compiled: CompiledFilter, rowCount: Int, budget: RequestBudget,
              matches: (CompiledFilter, UInt32) -> Bool) throws(EngineError) -> Bitset {
        let cached: Bitset? = entries.withLock { entries in
            guard let index = entries.firstIndex(where: { $0.filter == filter }) else { return nil }
            let entry = entries.remove(at: index)
            entries.append(entry)  // most recently used last
            return entry.rows
        }
        if let cached { return cached }
        var rows = Bitset()
        var row = 0
        while row < rowCount {
            try budget.check()
            let end = min(rowCount, row + RequestBudget.checkInterval)
            for candidate in UInt32(row)..<UInt32(end) where matches(compiled, candidate) { rows.insert(candidate) }
            row = end
        }
        computed.add(1, ordering: .relaxed)
        let result = rows
        entries.withLock { entries in
            guard !entries.contains(where: { $0.filter == filter }) else { return }
            if entries.count >= Self.capacity { entries.removeFirst() }
            entries.append(Entry(filter: filter, rows: result))
        }
        return result
    }
}

extension Segment {
    /// The rows this segment's metadata matches for `filter` (dead rows included: callers check them apart), from
    /// `filterMatches`: searches, counts and delete-by-filter share one match set per (segment, filter).
    func rows(matching filter: Filter, compiled: CompiledFilter, budget: RequestBudget) throws(EngineError) -> Bitset {
        try filterMatches.rows(matching: filter, compiled: compiled, rowCount: rows, budget: budget) { compiled, row in
            compiled.matches(text: metadataBytes(row))
        }
    }
}
