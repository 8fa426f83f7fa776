import VectorLogicFormat
public import VectorLogicIO

/// The offline snapshot tools behind `vectorlogic snapshot create|restore|inspect` (docs/cli.md): library
/// functions, so tests run them without a process. Every failure is a `ToolError` holding one sentence.
public enum SnapshotTool {
    /// Snapshots a stopped server's data directory as its files are (MANIFEST, every log and segment, the `*.sqlite`
    /// key and persona stores with their WAL files; not `LOCK`, `*.tmp`, `-shm`, `lost/` or `snapshots/`), holding the directory lock (`ToolError.locked` when a server has it).
    /// Restoring such a copy and opening it replays the logs, exactly as opening the directory itself would.
    public static func create(dataDirectory: String, out: String, fileSystem: any FileSystem = PosixFileSystem()) throws(ToolError) -> SnapshotInfo {
        guard Inspector.isDirectory(dataDirectory, fileSystem: fileSystem) else {
            throw ToolError.invalidPath("\(dataDirectory) is not a directory")
        }
        return try DataDirectoryLock.withLock(dataDirectory, fileSystem: fileSystem) { () throws(ToolError) -> SnapshotInfo in
            let listing = try DirectoryListing(directory: dataDirectory, fileSystem: fileSystem)
            guard listing.manifestPresent || !listing.logs.isEmpty else {
                throw ToolError.invalidPath("\(dataDirectory) holds no VectorLogic data (no MANIFEST and no log)")
            }
            var names = listing.manifestPresent ? [FileNames.manifest] : []
            names += listing.logs.map(FileNames.log) + listing.segments.map(FileNames.segment)
            // The key and persona stores (SQLite, closed with the server): the database and any WAL it left (a crash);
            // not `-shm`, which SQLite rebuilds.
            names += ((try? fileSystem.contents(ofDirectory: dataDirectory)) ?? []).filter { $0.hasSuffix(".sqlite") || $0.hasSuffix(".sqlite-wal") }
            var inputs: [SnapshotInput] = []
            for name in names {
                let path = dataDirectory + "/" + name
                do {
                    inputs.append(SnapshotInput(name: name, content: .file(path: path, length: try fileSystem.size(of: path))))
                } catch {
                    throw ToolError.io("\(error)")
                }
            }
            do {
                return try SnapshotWriter.write(inputs, to: out, createdAtMs: WallClock.milliseconds(), fileSystem: fileSystem)
            } catch {
                throw ToolError.failed("could not write the snapshot \(out): \(error)")
            }
        }
    }

    /// Lists a snapshot's entries and verifies each one completely; damage is reported, not thrown.
    public static func inspect(path: String, fileSystem: any FileSystem = PosixFileSystem()) throws(ToolError) -> SnapshotInspectReport {
        let source: SnapshotFileSource
        do {
            source = try SnapshotFileSource(path: path, fileSystem: fileSystem)
        } catch {
            throw ToolError.invalidPath("cannot open the snapshot \(path): \(error.description)")
        }
        var report = SnapshotInspectReport(path: path, bytes: source.size)
        let catalog: SnapshotCatalog
        do {
            catalog = try SnapshotReader.catalog(of: source)
        } catch {
            report.problems.append(describe(error))
            return report
        }
        report.version = Int(catalog.header.version)
        report.createdAtMs = catalog.header.createdAtMs
        for (index, entry) in catalog.entries.enumerated() {
            var ok = true
            do {
                try SnapshotReader.read(entry: index, of: catalog, from: source)
            } catch {
                ok = false
                report.problems.append(describe(error))
            }
            report.entries.append(SnapshotEntrySummary(name: entry.name, originalBytes: entry.originalLength,
                                                       compressedBytes: entry.compressedLength, checksumOK: ok))
        }
        return report
    }

    /// Restores `snapshot` into `directory`, which must be absent or empty: verifies every entry first (nothing is
    /// written if any check fails), writes the files into a temporary sibling directory (each fsync'd, then the
    /// directory), renames it into place and fsyncs the parent, so a crash leaves either no directory or a whole one.
    public static func restore(snapshot: String, into target: String, fileSystem: any FileSystem = PosixFileSystem()) throws(ToolError) -> SnapshotRestoreReport {
        var directory = target
        while directory.count > 1, directory.hasSuffix("/") { directory.removeLast() }  // "restored/" names "restored"
        try checkTarget(directory, fileSystem: fileSystem)
        let source: SnapshotFileSource
        let catalog: SnapshotCatalog
        do {
            source = try SnapshotFileSource(path: snapshot, fileSystem: fileSystem)
            catalog = try SnapshotReader.verify(source)
        } catch let error as IOError {
            throw ToolError.invalidPath("cannot read the snapshot \(snapshot): \(error.description)")
        } catch {
            throw ToolError.failed("the snapshot \(snapshot) is damaged (\(describe(error))); nothing was written")
        }
        let temporary = SnapshotPaths.parent(of: directory) + "/." + SnapshotPaths.baseName(directory) + ".restore.tmp"
        do {
            try removeLeftover(temporary, fileSystem: fileSystem)
            try fileSystem.createDirectory(temporary)
            var total: UInt64 = 0
            for index in catalog.entries.indices {
                total += try extract(index, catalog: catalog, source: source, into: temporary, fileSystem: fileSystem)
            }
            try fileSystem.syncDirectory(temporary)
            try fileSystem.rename(temporary, to: directory)
            try fileSystem.syncDirectory(SnapshotPaths.parent(of: directory))
            return SnapshotRestoreReport(directory: directory, files: catalog.entries.count, bytes: total, createdAtMs: catalog.header.createdAtMs)
        } catch {
            try? removeLeftover(temporary, fileSystem: fileSystem)
            throw ToolError.failed("could not restore into \(directory): \(describe(error))")
        }
    }

    /// Whether `path` is a file that starts with the snapshot magic.
    public static func isSnapshot(_ path: String, fileSystem: any FileSystem = PosixFileSystem()) -> Bool {
        SnapshotFileReader.hasSnapshotMagic(path, fileSystem: fileSystem)
    }

    /// Refuses a target that exists and is not an empty directory.
    private static func checkTarget(_ directory: String, fileSystem: any FileSystem) throws(ToolError) {
        guard fileSystem.exists(directory) else { return }
        guard let names = try? fileSystem.contents(ofDirectory: directory) else {
            throw ToolError.failed("\(directory) exists and is not a directory; restore needs an empty or absent directory")
        }
        guard names.isEmpty else {
            throw ToolError.failed("\(directory) is not empty; restore needs an empty or absent directory")
        }
    }

    /// Writes entry `index` to `directory/<name>` and fsyncs it; returns its size.
    private static func extract(_ index: Int, catalog: SnapshotCatalog, source: SnapshotFileSource, into directory: String,
                                fileSystem: any FileSystem) throws -> UInt64 {
        let entry = catalog.entries[index]
        let handle = try fileSystem.open(directory + "/" + entry.name, create: true)
        defer { handle.close() }
        var offset: Int64 = 0
        try SnapshotReader.read(entry: index, of: catalog, from: source) { piece in
            try handle.write(piece, at: offset)
            offset += Int64(piece.count)
        }
        try handle.sync()
        return entry.originalLength
    }

    /// Removes a temporary restore directory left by an interrupted restore (only ever this tool's own files).
    private static func removeLeftover(_ temporary: String, fileSystem: any FileSystem) throws {
        guard fileSystem.exists(temporary) else { return }
        for name in try fileSystem.contents(ofDirectory: temporary) { try fileSystem.remove(temporary + "/" + name) }
        try fileSystem.remove(temporary)
    }

    private static func describe(_ error: any Error) -> String {
        switch error {
        case let error as FormatError: return error.description
        case let error as IOError: return error.description
        case let error as EngineError: return error.description
        default: return "\(error)"
        }
    }
}
