/// What a salvage did with one readable row.
package enum SalvagedRow {
    /// Written to the fresh store as it was.
    case saved
    /// Written changed to be safe (a damaged key saved revoked).
    case savedRevoked
    /// Not written: invalid, a duplicate, or depending on a lost row.
    case dropped
}

extension StoreTableSalvage {
    mutating func count(_ outcome: SalvagedRow) {
        switch outcome {
        case .saved: saved += 1
        case .savedRevoked: savedRevoked += 1
        case .dropped: dropped += 1
        }
    }
}

extension SQLiteConnection {
    /// Reads every row of `table` that can still be read, in rowid order, handing each to `body` (columns from 1 on:
    /// column 0 is the rowid), which writes it and says how (counted in `tally`); rows on damaged pages are skipped and counted in `unreadable`, never guessed.
    ///
    /// A range scan runs until SQLite reports damage; then single-row lookups by rowid walk past the damaged rows
    /// (rowids here are small consecutive integers: `INTEGER PRIMARY KEY` or implicit), and when 4,096 lookups in a
    /// row find nothing readable, range scans from growing distances (1, 2, 4 … 2^62 rowids on) find the next one. An
    /// error thrown by `body` (the fresh store failing) stops the walk and is rethrown.
    package func salvageRows(of table: String, columns: String, into tally: inout StoreTableSalvage,
                             _ body: (SQLiteStatement) throws -> SalvagedRow) throws {
        let select = "SELECT rowid, \(columns) FROM \(table)"
        let scan: SQLiteStatement
        let point: SQLiteStatement
        do {
            scan = try statement(select + " WHERE rowid >= ?1 ORDER BY rowid")
            point = try statement(select + " WHERE rowid = ?1")
            if let count = try? strings("SELECT count(*) FROM \(table)").first.flatMap({ Int($0) }) { tally.countedBefore = count }
        } catch {
            tally.failure = "the table cannot be read: \(error.description)"
            return
        }
        var next = Int64.min
        while true {
            scan.reset()
            do { try scan.bind(1, next) } catch { return }
            var damaged = false
            while true {
                let hasRow: Bool
                do { hasRow = try scan.step() } catch { damaged = true; break }
                guard hasRow else { break }
                let rowid = scan.int64(0)
                tally.count(try body(scan))
                guard rowid < Int64.max else { return }
                next = rowid + 1
            }
            scan.reset()
            guard damaged, let resume = try skipDamage(from: next, table: table, point: point, tally: &tally, body) else { return }
            next = resume
        }
    }

    /// Walks past damage starting at rowid `start`: the rowid to resume scanning at, or nil when nothing after it reads.
    private func skipDamage(from start: Int64, table: String, point: SQLiteStatement, tally: inout StoreTableSalvage,
                            _ body: (SQLiteStatement) throws -> SalvagedRow) throws -> Int64? {
        var rowid = start
        for _ in 0..<4_096 {
            point.reset()
            let found: Bool
            do {
                try point.bind(1, rowid)
                found = try point.step()
            } catch {
                found = false
                tally.unreadable += 1
            }
            if found {
                tally.count(try body(point))
                point.reset()
                return rowid == Int64.max ? nil : rowid + 1
            }
            guard rowid < Int64.max else { return nil }
            rowid += 1
        }
        point.reset()
        return farRow(after: rowid, table: table)
    }

    /// The first rowid a range scan can reach from `rowid`, or from a growing distance past it (1, 2, 4 … 2^62), or nil.
    private func farRow(after rowid: Int64, table: String) -> Int64? {
        guard let probe = try? statement("SELECT rowid FROM \(table) WHERE rowid >= ?1 ORDER BY rowid LIMIT 1") else { return nil }
        defer { probe.reset() }
        for shift in -1...62 {
            let (from, overflow) = rowid.addingReportingOverflow(shift < 0 ? 0 : Int64(1) << shift)
            guard !overflow else { return nil }
            probe.reset()
            do {
                try probe.bind(1, from)
                return try probe.step() ? probe.int64(0) : nil
            } catch {
                continue
            }
        }
        return nil
    }
}
