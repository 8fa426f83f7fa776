/// A file of the data directory the engine does not own but the server opens at start (`keys.sqlite`,
/// `personas.sqlite`): `Verifier` checks it and `Repairer` salvages it through functions the store's own module
/// provides (the engine links no SQLite). The CLI hands both tools the server's stores, so `verify` exiting 0 means
/// `serve` can open every file it opens.
public struct StoreFile: Sendable {
    /// What `salvage` saved and lost, in rows.
    public struct Salvage: Sendable, Hashable {
        /// Rows written to the fresh store (some possibly changed to be safe, e.g. keys saved revoked).
        public var saved: Int
        /// Rows that could not be read, or were read but not written (invalid, or depending on a lost row); nil when
        /// not even their number could be read (a table whose schema entry is damaged).
        public var lost: Int?
        /// One line per table.
        public var detail: String

        /// A salvage outcome.
        public init(saved: Int, lost: Int?, detail: String) {
            self.saved = saved
            self.lost = lost
            self.detail = detail
        }
    }

    /// The file's name in the data directory; SQLite keeps `<name>-wal` and `<name>-shm` beside it.
    public var name: String
    /// Findings for the file at the given path: errors (the server would not start, or would start with rows
    /// missing) and warnings; none for an absent file. Must not change the file.
    public var check: @Sendable (_ path: String) -> [(isError: Bool, message: String)]
    /// Builds a fresh store at `fresh` from whatever of the damaged store at `damaged` can be read; must not change
    /// `damaged`.
    public var salvage: @Sendable (_ damaged: String, _ fresh: String) throws -> Salvage

    /// A store file and its check and salvage functions.
    public init(name: String, check: @escaping @Sendable (String) -> [(isError: Bool, message: String)],
                salvage: @escaping @Sendable (String, String) throws -> Salvage) {
        self.name = name
        self.check = check
        self.salvage = salvage
    }

    /// `check`'s findings as the tools report them.
    func problems(in directory: String) -> [ToolProblem] {
        check(directory + "/" + name).map { finding in
            ToolProblem(file: name, offset: nil, severity: finding.isError ? .error : .warning, message: finding.message)
        }
    }
}
