import VectorLogicFormat
import VectorLogicIO

/// A snapshot file read through the `FileSystem` seam, for `SnapshotReader`.
final class SnapshotFileSource: SnapshotSource {
    let handle: any FileHandle
    let size: Int64

    init(path: String, fileSystem: any FileSystem) throws(IOError) {
        handle = try fileSystem.open(path, create: false)
        do {
            size = try handle.size()
        } catch {
            handle.close()
            throw error
        }
    }

    /// Takes over an open handle (closed with this source).
    init(handle: any FileHandle) throws(IOError) {
        self.handle = handle
        do {
            size = try handle.size()
        } catch {
            handle.close()
            throw error
        }
    }

    deinit { handle.close() }

    func read(at offset: Int64, count: Int) throws -> [UInt8] {
        try handle.read(at: offset, count: count)
    }
}

/// Whole-file checks of a snapshot on disk.
enum SnapshotFileReader {
    /// Reads the catalog and verifies every entry (throws `FormatError` for damage, `IOError` for I/O).
    static func verify(_ path: String, fileSystem: any FileSystem) throws -> SnapshotCatalog {
        try SnapshotReader.verify(SnapshotFileSource(path: path, fileSystem: fileSystem))
    }

    /// Whether the file at `path` starts with the snapshot magic (how `inspect PATH` recognises a snapshot).
    static func hasSnapshotMagic(_ path: String, fileSystem: any FileSystem) -> Bool {
        guard let source = try? SnapshotFileSource(path: path, fileSystem: fileSystem),
              let head = try? source.read(at: 0, count: SnapshotFormat.magic.count) else { return false }
        return head == SnapshotFormat.magic
    }
}
