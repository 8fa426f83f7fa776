import VectorLogicFormat
public import VectorLogicIO

extension SnapshotTool {
    /// Installs a snapshot downloaded to `downloaded` (e.g. URLSession's temporary file, maybe on another file system) as
    /// `out`: copies it to `<out>.tmp` while hashing, checks the SHA-256 the server reported, verifies every entry, then
    /// fsyncs, renames and fsyncs the directory, so `out` appears only whole and verified.
    public static func install(downloaded: String, to out: String, expectedSHA256: String?,
                               fileSystem: any FileSystem = PosixFileSystem()) throws(ToolError) -> SnapshotInfo {
        let temporary = out + ".tmp"
        do {
            let (bytes, digest) = try copyHashing(downloaded, to: temporary, fileSystem: fileSystem)
            if let expectedSHA256, expectedSHA256.lowercased() != digest {
                throw ToolError.failed("the downloaded snapshot's SHA-256 \(digest) differs from the server's \(expectedSHA256)")
            }
            let catalog: SnapshotCatalog
            do {
                catalog = try SnapshotFileReader.verify(temporary, fileSystem: fileSystem)
            } catch {
                throw ToolError.failed("the downloaded snapshot is damaged: \(error)")
            }
            try fileSystem.rename(temporary, to: out)
            try fileSystem.syncDirectory(SnapshotPaths.parent(of: out))
            return SnapshotInfo(name: SnapshotPaths.baseName(out), path: out, bytes: bytes, sha256: digest,
                                createdAtMs: catalog.header.createdAtMs, entries: catalog.entries.count)
        } catch {
            if fileSystem.exists(temporary) { try? fileSystem.remove(temporary) }
            if let error = error as? ToolError { throw error }
            throw ToolError.failed("could not write \(out): \(error)")
        }
    }

    /// Copies a file chunk by chunk, fsyncs the copy, and returns its size and SHA-256.
    private static func copyHashing(_ from: String, to: String, fileSystem: any FileSystem) throws -> (Int64, String) {
        let source = try fileSystem.open(from, create: false)
        defer { source.close() }
        let target = try fileSystem.open(to, create: true)
        defer { target.close() }
        try target.truncate(to: 0)
        var hasher = SHA256()
        var offset: Int64 = 0
        while true {
            let chunk = try source.read(at: offset, count: SnapshotReader.chunkBytes)
            if chunk.isEmpty { break }
            try chunk.withUnsafeBytes { try target.write($0, at: offset) }
            hasher.update(chunk)
            offset += Int64(chunk.count)
        }
        try target.sync()
        return (offset, hasher.hexDigest())
    }
}
