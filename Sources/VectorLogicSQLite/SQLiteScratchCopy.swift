#if canImport(Glibc)
import Glibc
#endif
package import VectorLogicIO

/// A private copy of a store file and its `-wal` in a new temporary directory (removed by `remove()`), so `verify` and
/// `repair` can open a store read-write — running SQLite's WAL recovery exactly as the server's open does — without
/// changing a byte of the original (which `repair` keeps in `lost/`). `-shm` is not copied: SQLite rebuilds it.
package struct SQLiteScratchCopy: Sendable {
    /// The temporary directory holding the copy.
    package let directory: String
    /// The copied database file.
    package let path: String

    /// Copies `source` (and `source-wal` when present) into a new directory under `$TMPDIR` (or /tmp), 1 MiB at a time;
    /// a failed copy is `.unavailable` (like any storage trouble of a store).
    package init(of source: String, fileSystem: any FileSystem = PosixFileSystem()) throws(SQLiteError) {
        let base = Self.temporaryRoot() + "/vectorlogic-store-XXXXXX"
        var template = Array(base.utf8CString)
        let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
        guard made != nil else { throw SQLiteError.unavailable("cannot make a temporary directory \(base): \(String(cString: strerror(errno)))") }
        directory = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let name = source.split(separator: "/").last.map(String.init) ?? "store.sqlite"
        path = directory + "/" + name
        do {
            try fileSystem.copyFile(source, to: path)
            if fileSystem.entryKind(source + "-wal") == .regular {
                try fileSystem.copyFile(source + "-wal", to: path + "-wal")
            }
        } catch {
            remove()
            throw SQLiteError.unavailable("cannot copy \(source): \(error.description)")
        }
    }

    /// Mends the copy where damage would keep SQLite from reading any page, for a salvage only (a check must see the
    /// file as the server does): a damaged magic string is rewritten, and a file shorter than its header's page count
    /// (a truncated file, which SQLite calls "malformed" at every read, and whose schema then names root pages past
    /// the end) is extended with zero pages to that count, so the pages that remain can be read and the missing ones
    /// fail one by one.
    package func mendForSalvage(fileSystem: any FileSystem = PosixFileSystem()) {
        guard let handle = try? fileSystem.open(path, create: false) else { return }
        defer { handle.close() }
        guard let size = try? handle.size(), size >= 100, var header = try? handle.read(at: 0, count: 100), header.count == 100 else { return }
        header.replaceSubrange(0..<16, with: Array("SQLite format 3".utf8) + [0])
        _ = header.withUnsafeBytes { bytes in Result { () throws(IOError) in try handle.write(bytes, at: 0) } }
        let rawPageSize = Int64(header[16]) << 8 | Int64(header[17])
        let pageSize = rawPageSize == 1 ? 65_536 : rawPageSize
        let declared = Int64(header[28]) << 24 | Int64(header[29]) << 16 | Int64(header[30]) << 8 | Int64(header[31])
        guard pageSize >= 512, pageSize & (pageSize - 1) == 0, declared * pageSize > size else { return }
        // At most 1 GiB of zeros (sparse on every Linux file system): a damaged count must not fill the disk.
        try? handle.truncate(to: min(declared * pageSize, size + (1 << 30)))
    }

    /// Deletes the copy, SQLite's files beside it and the directory.
    package func remove() {
        let fileSystem = PosixFileSystem()
        for name in (try? fileSystem.contents(ofDirectory: directory)) ?? [] { try? fileSystem.remove(directory + "/" + name) }
        try? fileSystem.remove(directory)
    }

    private static func temporaryRoot() -> String {
        if let value = getenv("TMPDIR"), let text = String(validatingCString: value), !text.isEmpty { return text }
        return "/tmp"
    }
}

extension SQLiteScratchCopy {
    /// Runs `body` with a connection to a mended scratch copy of the damaged store file `source` (`mendForSalvage`),
    /// removing the copy afterwards; `source` itself is never opened.
    package static func withSalvageSource<T>(_ source: String, _ body: (SQLiteConnection) throws -> T) throws -> T {
        let copy = try SQLiteScratchCopy(of: source)
        defer { copy.remove() }
        copy.mendForSalvage()
        let connection = try SQLiteConnection(path: copy.path)
        defer { connection.close() }
        return try body(connection)
    }
}
