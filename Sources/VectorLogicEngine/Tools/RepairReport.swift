/// One thing `repair` did (or, with `--dry-run`, would do).
public struct RepairAction: Sendable, Hashable, Codable, CustomStringConvertible {
    /// `quarantine` (moved to lost/), `truncate`, `rewrite` (new segment with a rebuilt graph), `drop` (manifest entry
    /// removed), `tombstone`, `manifest` (rewritten).
    public var kind: String
    /// The file acted on.
    public var file: String
    /// One sentence.
    public var detail: String

    /// An action.
    public init(kind: String, file: String, detail: String) {
        self.kind = kind
        self.file = file
        self.detail = detail
    }

    /// `kind file: detail`.
    public var description: String { "\(kind) \(file): \(detail)" }
}

/// Data `repair` could not save.
public struct RepairLoss: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The file the data was in.
    public var file: String
    /// The collection, when known.
    public var collection: String?
    /// Ids of live vectors lost (when the ids could be read); may be truncated to the first 1,000.
    public var ids: [String] = []
    /// Live vectors lost (exact when the ids were readable).
    public var vectorCount: Int?
    /// Log sequence numbers lost (first…last), for log damage.
    public var lsnFrom: UInt64?
    /// Last lost LSN.
    public var lsnTo: UInt64?
    /// Rows of a store file (`StoreFile`) lost: unreadable, or read but not safe to keep.
    public var storeRows: Int?
    /// One sentence.
    public var detail: String

    /// What was lost, in one line.
    public var description: String {
        var parts = [file]
        if let collection { parts.append("collection \(collection)") }
        if let lsnFrom, let lsnTo { parts.append("LSNs \(lsnFrom)…\(lsnTo)") }
        if let vectorCount { parts.append("\(vectorCount) vectors") }
        if let storeRows { parts.append("\(storeRows) rows") }
        if !ids.isEmpty { parts.append("ids " + ids.prefix(20).joined(separator: ",") + (ids.count > 20 ? ",…" : "")) }
        return parts.joined(separator: ", ") + ": " + detail
    }
}

/// What `vectorlogic repair` did and lost.
public struct RepairReport: Sendable, Hashable, Codable {
    /// The directory repaired.
    public var directory: String
    /// Whether nothing was changed (`--dry-run`).
    public var dryRun: Bool
    /// Actions in the order taken.
    public var actions: [RepairAction] = []
    /// What could not be saved.
    public var losses: [RepairLoss] = []

    /// Rows lost in all: vectors (of segments and of cut logs, when counted) and store rows.
    public var rowsLost: Int { losses.reduce(0) { $0 + ($1.vectorCount ?? 0) + ($1.storeRows ?? 0) } }

    /// `N rows lost (V vectors, S store rows), R log records (LSNs …)`: the losses counted in rows, not in files.
    var lossSummary: String {
        let vectors = losses.reduce(0) { $0 + ($1.vectorCount ?? 0) }
        let records = losses.reduce(UInt64(0)) { total, loss in
            guard let from = loss.lsnFrom, let to = loss.lsnTo, to >= from else { return total }
            return total + (to - from + 1)
        }
        var text = "\(rowsLost) rows lost (\(vectors) vectors, \(rowsLost - vectors) store rows)"
        if records > 0 { text += ", \(records) log records" }
        let uncounted = losses.filter { $0.vectorCount == nil && $0.storeRows == nil && $0.lsnFrom == nil }.count
        if uncounted > 0 { text += ", and \(uncounted) losses whose size could not be read" }
        return text
    }

    /// Whether the directory needed nothing.
    public var nothingToDo: Bool { actions.isEmpty }

    /// The text `repair` prints.
    public func render() -> String {
        var lines = ["repair \(directory)\(dryRun ? " (dry run: nothing changed)" : "")"]
        if actions.isEmpty { lines.append("nothing to repair") }
        for action in actions { lines.append("  " + (dryRun ? "would " : "") + action.description) }
        for loss in losses { lines.append("  lost: " + loss.description) }
        if !actions.isEmpty {
            lines.append(losses.isEmpty ? "no data lost" : lossSummary + "; moved files are in \(directory)/lost/")
        }
        return lines.joined(separator: "\n")
    }
}
