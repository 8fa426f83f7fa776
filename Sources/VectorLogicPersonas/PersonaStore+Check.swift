public import VectorLogicSQLite

extension PersonaStore {
    /// What `vectorlogic verify` finds in the persona store file at `path` (`SQLiteFileCheck`): SQLite's integrity
    /// check, the layout version, the columns of `personas` and `memories`, and whether `PersonaStore(path:)` — the
    /// server's own open — succeeds on a copy. No finding for an absent file (the server creates it).
    public static func check(path: String) -> [StoreFileFinding] {
        SQLiteFileCheck.run(path: path, ddl: PersonaSchema.tables, maxVersion: PersonaSchema.version) { copy in
            try PersonaStore(path: copy).close()
            return []
        }
    }
}
