import Logging
import Synchronization
import VectorLogicFilter
import VectorLogicJSON

/// Ordered and filtered walks over a snapshot: scroll pages, counts and delete-by-filter.
enum Scan {
    /// Ids of every live row whose metadata matches.
    static func matchingIDs(_ view: CollectionView, filter definition: Filter, budget: RequestBudget) throws(EngineError) -> [String] {
        let filter = CompiledFilter(definition)
        var ticker = BudgetTicker(budget)
        var ids: [String] = []
        for state in view.segments {
            let matching = try state.segment.rows(matching: definition, compiled: filter, budget: budget)
            for row in 0..<UInt32(state.segment.rows) where matching.contains(row) && !state.dead.contains(row) {
                try ticker.tick()
                ids.append(state.segment.id(row))
            }
        }
        for memtable in view.memtables {
            for row in 0..<UInt32(memtable.count) where !memtable.dead.contains(row) {
                try ticker.tick()
                let info = memtable.table.row(row)
                if filter.matches(stored: info.metadata) { ids.append(info.id) }
            }
        }
        try budget.check()
        return ids
    }

    /// How many live rows match (no ids materialised).
    static func countMatching(_ view: CollectionView, filter definition: Filter, budget: RequestBudget) throws(EngineError) -> Int {
        let filter = CompiledFilter(definition)
        var ticker = BudgetTicker(budget)
        var count = 0
        for state in view.segments {
            // The segment's cached match set (`FilterMatchCache`), less its dead rows.
            let matching = try state.segment.rows(matching: definition, compiled: filter, budget: budget)
            for row in 0..<UInt32(state.segment.rows) where matching.contains(row) && !state.dead.contains(row) {
                count += 1
            }
        }
        for memtable in view.memtables {
            for row in 0..<UInt32(memtable.count) where !memtable.dead.contains(row) {
                try ticker.tick()
                if filter.matches(stored: memtable.table.row(row).metadata) { count += 1 }
            }
        }
        try budget.check()
        return count
    }

    /// One scroll page: from each source the first `limit` qualifying rows after the cursor in id order, merged.
    static func page(_ view: CollectionView, filter: Filter?, limit: Int, after: [UInt8]?, includeValues: Bool,
                     budget: RequestBudget) throws(EngineError) -> ScrollPage {
        let filter = filter.map(CompiledFilter.init)
        var ticker = BudgetTicker(budget)
        var candidates: [(key: [UInt8], location: RowLocation)] = []
        for state in view.segments {
            let segment = state.segment
            var position = after.map { segment.lowerBound($0, strictlyAfter: true) } ?? 0
            var taken = 0
            while position < segment.orderCount, taken <= limit {
                try ticker.tick()
                let row = segment.orderedRow(position)
                position += 1
                guard row < segment.rows, !state.dead.contains(row) else { continue }
                if let filter, !filter.matches(text: segment.metadataBytes(row)) { continue }
                candidates.append((Array(segment.idBytes(row)), .segment(segment, row)))
                taken += 1
            }
        }
        for memtable in view.memtables {
            // A memtable is in arrival order, so its first `limit + 1` ids after the cursor are selected in one pass
            // that keeps only those (sorted, binary-inserted): a page costs O(rows) comparisons without allocating,
            // where sorting every live row per page took ~1 s at 75,000 rows under load (RELIABILITY.md soak).
            var rows = MemtablePage(capacity: limit + 1)
            for row in 0..<UInt32(memtable.count) where !memtable.dead.contains(row) {
                try ticker.tick()
                let info = memtable.table.row(row)
                if let after, !after.lexicographicallyPrecedes(info.id.utf8) { continue }
                guard rows.admits(info.id) else { continue }
                if let filter, !filter.matches(stored: info.metadata) { continue }
                rows.insert(Array(info.id.utf8), row: row)
            }
            for entry in rows.entries { candidates.append((entry.key, .memtable(memtable.table, entry.row))) }
        }
        try budget.check()
        candidates.sort { lexicographicallyLess($0.key, $1.key) }
        let chosen = candidates.prefix(limit)
        let vectors = chosen.map { $0.location.stored(includeValues: includeValues) }
        let next = candidates.count > limit ? chosen.last.map { ScrollCursor.encode(String(decoding: $0.key, as: UTF8.self)) } : nil
        return ScrollPage(vectors: vectors, nextCursor: next)
    }

    static func lexicographicallyLess(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.lexicographicallyPrecedes(b)
    }
}

/// The smallest `capacity` ids seen so far, in id order (one scroll page's share of a memtable).
struct MemtablePage {
    let capacity: Int
    private(set) var entries: [(key: [UInt8], row: UInt32)] = []

    init(capacity: Int) {
        precondition(capacity >= 1, "a page holds at least one row")
        self.capacity = capacity
        entries.reserveCapacity(min(capacity, 1_024))
    }

    /// Whether an id would be kept: always while there is room, else only below the largest kept id.
    func admits(_ id: String) -> Bool {
        guard entries.count == capacity, let largest = entries.last else { return true }
        return id.utf8.lexicographicallyPrecedes(largest.key)
    }

    /// Keeps `key` in order, dropping the largest when full (call only after `admits`).
    mutating func insert(_ key: [UInt8], row: UInt32) {
        var low = 0, high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].key.lexicographicallyPrecedes(key) { low = middle + 1 } else { high = middle }
        }
        entries.insert((key, row), at: low)
        if entries.count > capacity { entries.removeLast() }
        assert(entries.count <= capacity)
    }
}
