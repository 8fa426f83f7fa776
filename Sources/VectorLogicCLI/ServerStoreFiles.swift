import VectorLogicAccess
import VectorLogicEngine
import VectorLogicPersonas
import VectorLogicSQLite

/// The SQLite stores `serve` opens at start, as the offline tools check and salvage them (`StoreFile`): `verify`
/// reports what would keep the server from starting, `repair` salvages their readable rows.
enum ServerStoreFiles {
    static let all: [StoreFile] = [
        StoreFile(name: KeyStore.fileName, check: { path in findings(KeyStore.check(path: path)) },
                  salvage: { damaged, fresh in summary([try KeyStore.salvage(from: damaged, into: fresh)]) }),
        StoreFile(name: PersonaStore.fileName, check: { path in findings(PersonaStore.check(path: path)) },
                  salvage: { damaged, fresh in summary(try PersonaStore.salvage(from: damaged, into: fresh)) }),
    ]

    private static func findings(_ found: [StoreFileFinding]) -> [(isError: Bool, message: String)] {
        found.map { ($0.isError, $0.message) }
    }

    /// Rows lost per table: what the damaged file counted less what was saved when it could still count, else the
    /// rows dropped plus the rowids that failed to read (an estimate); unknown when a table could not be read at all.
    private static func summary(_ tables: [StoreTableSalvage]) -> StoreFile.Salvage {
        var lost: Int? = 0
        for table in tables {
            let kept = table.saved + table.savedRevoked
            if let counted = table.countedBefore {
                lost = lost.map { $0 + max(counted - kept, 0) }
            } else if table.failure != nil {
                lost = nil
            } else {
                lost = lost.map { $0 + table.dropped + table.unreadable }
            }
        }
        return StoreFile.Salvage(saved: tables.reduce(0) { $0 + $1.saved + $1.savedRevoked }, lost: lost,
                                 detail: tables.map(\.summary).joined(separator: "; "))
    }
}
