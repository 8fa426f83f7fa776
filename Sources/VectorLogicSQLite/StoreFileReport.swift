/// One finding of a store file check (`KeyStore.check`, `PersonaStore.check`), as `vectorlogic verify` reports it.
public struct StoreFileFinding: Sendable, Hashable {
    /// True when the server could not start with the file, or would start with rows missing; false for harmless states.
    public var isError: Bool
    /// One sentence.
    public var message: String

    /// A finding.
    public init(isError: Bool, message: String) {
        self.isError = isError
        self.message = message
    }
}

/// What a salvage saved of one table of a damaged store.
public struct StoreTableSalvage: Sendable, Hashable {
    /// The table.
    public var table: String
    /// Rows written to the fresh store as they were.
    public var saved = 0
    /// Rows read but written changed to be safe (a key whose record is damaged is saved revoked).
    public var savedRevoked = 0
    /// Rows read but not written: invalid, or depending on a row that was lost (a memory whose persona is gone).
    public var dropped = 0
    /// Rowids whose lookup hit damage (a lost row, or a rowid that falls on a damaged page and may never have existed).
    public var unreadable = 0
    /// Rows the damaged file said the table held (`count(*)`), when it could still count them.
    public var countedBefore: Int?
    /// Why reading stopped early (the table or the schema could not be read at all), when it did.
    public var failure: String?

    /// An empty tally for `table`.
    public init(table: String) { self.table = table }

    /// `api_keys: 3 saved, 1 saved revoked, 0 dropped, 2 rowids unreadable (the damaged file counted 6)`.
    public var summary: String {
        var text = "\(table): \(saved) saved"
        if savedRevoked > 0 { text += ", \(savedRevoked) saved revoked" }
        text += ", \(dropped) dropped, \(unreadable) rowids unreadable"
        if let countedBefore { text += " (the damaged file counted \(countedBefore))" }
        if let failure { text += "; \(failure)" }
        return text
    }
}
