import Logging
import Synchronization
import VectorLogicFilter
import VectorLogicJSON

/// Ordered and filtered walks over a snapshot: scroll pages, counts and delete-by-filter.
enum Scan {
    /// Ids of every live row whose metadata matches.
    static func matchingIDs(_ view: CollectionView, filter: Filter, budget: RequestBudget) throws(EngineError) -> [String] {
        let filter = CompiledFilter(filter)
        var ticker = BudgetTicker(budget)
        var ids: [String] = []
        for state in view.segments {
            for row in 0..<UInt32(state.segment.rows) where !state.dead.contains(row) {
                try ticker.tick()
                if filter.matches(text: state.segment.metadataBytes(row)) { ids.append(state.segment.id(row)) }
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
    static func countMatching(_ view: CollectionView, filter: Filter, budget: RequestBudget) throws(EngineError) -> Int {
        let filter = CompiledFilter(filter)
        var ticker = BudgetTicker(budget)
        var count = 0
        for state in view.segments {
            for row in 0..<UInt32(state.segment.rows) where !state.dead.contains(row) {
                try ticker.tick()
                if filter.matches(text: state.segment.metadataBytes(row)) { count += 1 }
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
            var rows: [(key: [UInt8], row: UInt32)] = []
            for row in 0..<UInt32(memtable.count) where !memtable.dead.contains(row) {
                try ticker.tick()
                let info = memtable.table.row(row)
                let key = Array(info.id.utf8)
                if let after, !lexicographicallyLess(after, key) { continue }
                if let filter, !filter.matches(stored: info.metadata) { continue }
                rows.append((key, row))
            }
            rows.sort { lexicographicallyLess($0.key, $1.key) }
            for entry in rows.prefix(limit + 1) { candidates.append((entry.key, .memtable(memtable.table, entry.row))) }
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
