package import VectorLogicIO

/// The checks `vectorlogic verify` runs on a store file the server opens at start (`keys.sqlite`, `personas.sqlite`),
/// so that "verify exits 0" implies "the server starts" (issue 11).
///
/// Everything runs on a `SQLiteScratchCopy`: `PRAGMA integrity_check`, the layout version, every table of the store's
/// own DDL with the same columns, and finally `open` — the store's own initializer, exactly what `serve` calls — which
/// may return findings of its own (rows SQLite reads fine whose content the store finds malformed).
package enum SQLiteFileCheck {
    /// Findings for the store file at `path`; none when it is healthy or absent (the server creates it).
    /// `ddl` is the store's schema (tables compared column by column); `maxVersion` the largest `user_version` it reads.
    package static func run(path: String, ddl: String, maxVersion: Int, fileSystem: any FileSystem = PosixFileSystem(),
                            open: (String) throws -> [StoreFileFinding]) -> [StoreFileFinding] {
        switch fileSystem.entryKind(path) {
        case nil: return []
        case .regular: break
        default: return [StoreFileFinding(isError: true, message: "is not a regular file")]
        }
        if (try? fileSystem.size(of: path)) == 0 {
            return [StoreFileFinding(isError: false, message: "is empty: the server starts it as a new, empty store")]
        }
        let copy: SQLiteScratchCopy
        do {
            copy = try SQLiteScratchCopy(of: path, fileSystem: fileSystem)
        } catch {
            return [StoreFileFinding(isError: true, message: "cannot be read for checking: \(error.description)")]
        }
        defer { copy.remove() }
        var findings = contentFindings(copy.path, ddl: ddl, maxVersion: maxVersion, scratch: copy.directory + "/expected.sqlite")
        guard !findings.contains(where: \.isError) else { return findings }
        do {
            findings += try open(copy.path)
        } catch {
            findings.append(StoreFileFinding(isError: true, message: "the server could not open it: \(error)"))
        }
        return findings
    }

    /// Integrity, version and schema of the (copied) file; `scratch` is a new file to build the expected schema in.
    static func contentFindings(_ path: String, ddl: String, maxVersion: Int, scratch: String) -> [StoreFileFinding] {
        do {
            let connection = try SQLiteConnection(path: path)
            defer { connection.close() }
            let integrity = try connection.strings("PRAGMA integrity_check(20)")
            guard integrity == ["ok"] else {
                let shown = integrity.prefix(3).joined(separator: "; ")
                return [StoreFileFinding(isError: true, message: "fails SQLite's integrity check: \(shown)")]
            }
            let version = try connection.strings("PRAGMA user_version").first.flatMap { Int($0) } ?? 0
            guard version <= maxVersion else {
                return [StoreFileFinding(isError: true, message: "has layout version \(version); this build reads up to \(maxVersion)")]
            }
            return try schemaFindings(connection, ddl: ddl, scratch: scratch)
        } catch {
            return [StoreFileFinding(isError: true, message: "is damaged or not a SQLite database: \(error.description)")]
        }
    }

    /// Every table of `ddl` must exist with the same columns (name, type, NOT NULL, primary key). A file with no
    /// table at all is a store whose first open was interrupted: the server makes the tables, nothing is lost.
    static func schemaFindings(_ connection: SQLiteConnection, ddl: String, scratch: String) throws(SQLiteError) -> [StoreFileFinding] {
        let expected = try SQLiteConnection(path: scratch)
        defer { expected.close() }
        try expected.execute(ddl)
        let tables = try expected.strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
        let present = Set(try connection.strings("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"))
        if present.isEmpty {
            return [StoreFileFinding(isError: false, message: "has no tables: the server creates them (an interrupted first start)")]
        }
        var findings: [StoreFileFinding] = []
        for table in tables {
            guard present.contains(table) else {
                findings.append(StoreFileFinding(isError: true, message: "has no table \(table) (expected schema: \(tables.joined(separator: ", ")))"))
                continue
            }
            let want = try expected.columns(of: table)
            let found = try connection.columns(of: table)
            if want != found {
                findings.append(StoreFileFinding(isError: true, message: "table \(table) has columns (\(found.joined(separator: ", "))), "
                                                 + "expected (\(want.joined(separator: ", ")))"))
            }
        }
        return findings
    }
}

extension SQLiteConnection {
    /// The first column of every row of `sql`, as text.
    package func strings(_ sql: String) throws(SQLiteError) -> [String] {
        let query = try statement(sql)
        defer { query.reset() }
        var values: [String] = []
        while try query.step() { values.append(query.string(0)) }
        return values
    }

    /// `name type [not null] [pk N]` for each column of `table`, in order (`PRAGMA table_info`).
    package func columns(of table: String) throws(SQLiteError) -> [String] {
        let query = try statement("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?1)")
        defer { query.reset() }
        try query.bind(1, table)
        var columns: [String] = []
        while try query.step() {
            var text = query.string(0) + " " + query.string(1)
            if query.int(2) != 0 { text += " not null" }
            if query.int(3) != 0 { text += " pk \(query.int(3))" }
            columns.append(text)
        }
        return columns
    }
}
