import VectorLogicFormat
import VectorLogicIO

/// Writes a snapshot file from a list of inputs: `<out>.tmp` front to back through `SnapshotEncoder` (hashing every
/// byte as it goes), fsync, rename to `<out>`, fsync the directory (data-format.md "Sync protocol"), then reads the
/// file back and verifies every entry, so a snapshot that was reported written is known to restore.
enum SnapshotWriter {
    /// Bytes of an input file read and compressed per step.
    static let chunkBytes = LZ4FrameEncoder.chunkBytes

    static func write(_ inputs: [SnapshotInput], to path: String, createdAtMs: Int64, fileSystem: any FileSystem) throws(EngineError) -> SnapshotInfo {
        let temporary = path + ".tmp"
        do {
            let handle = try fileSystem.open(temporary, create: true)
            var sink = HashingFileSink(handle: handle)
            do {
                try handle.truncate(to: 0)
                let encoder = SnapshotEncoder(createdAtMs: createdAtMs, entryCount: inputs.count)
                try sink.write(encoder.start())
                for input in inputs { try copy(input, encoder: encoder, sink: &sink, fileSystem: fileSystem) }
                try sink.write(encoder.finish())
                try handle.sync()
                handle.close()
            } catch {
                handle.close()
                throw error
            }
            try fileSystem.rename(temporary, to: path)
            try fileSystem.syncDirectory(SnapshotPaths.parent(of: path))
            _ = try SnapshotFileReader.verify(path, fileSystem: fileSystem)
            return SnapshotInfo(name: SnapshotPaths.baseName(path), path: path, bytes: sink.offset, sha256: sink.hasher.hexDigest(),
                                createdAtMs: createdAtMs, entries: inputs.count)
        } catch {
            if fileSystem.exists(temporary) { try? fileSystem.remove(temporary) }
            throw SnapshotErrors.engineError(error, file: path)
        }
    }

    /// One entry: header, the input's bytes compressed chunk by chunk, trailer.
    private static func copy(_ input: SnapshotInput, encoder: SnapshotEncoder, sink: inout HashingFileSink, fileSystem: any FileSystem) throws {
        switch input.content {
        case .bytes(let bytes):
            try sink.write(encoder.beginEntry(name: input.name, originalLength: UInt64(bytes.count)))
            try sink.write(bytes.withUnsafeBytes { try encoder.append($0) })
        case let .file(path, length):
            try sink.write(encoder.beginEntry(name: input.name, originalLength: UInt64(length)))
            let source = try fileSystem.open(path, create: false)
            defer { source.close() }
            var position: Int64 = 0
            while position < length {
                let chunk = try source.read(at: position, count: Int(min(Int64(chunkBytes), length - position)))
                guard !chunk.isEmpty else { throw EngineError.io("\(path) became shorter while it was being copied") }
                try sink.write(chunk.withUnsafeBytes { try encoder.append($0) })
                position += Int64(chunk.count)
            }
        }
        try sink.write(encoder.endEntry())
    }
}

/// Appends to a file while hashing everything written (the API's `sha256` of the whole file, in one pass).
private struct HashingFileSink {
    let handle: any FileHandle
    var hasher = SHA256()
    var offset: Int64 = 0

    mutating func write(_ bytes: [UInt8]) throws(IOError) {
        guard !bytes.isEmpty else { return }
        try withRawBytes(bytes) { raw throws(IOError) in try handle.write(raw, at: offset) }
        hasher.update(bytes)
        offset += Int64(bytes.count)
    }
}

/// Path helpers for snapshot files (which may live outside a data directory).
enum SnapshotPaths {
    /// The directory part of a path ("." when there is none).
    static func parent(of path: String) -> String { Database.parent(of: path) }

    /// The last path component.
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }
}

/// Maps the errors met while writing or reading a snapshot to the engine's.
enum SnapshotErrors {
    static func engineError(_ error: any Error, file: String) -> EngineError {
        switch error {
        case let error as EngineError: return error
        case let error as IOError: return EngineError.io(error.description)
        case let error as FormatError: return EngineError.io("snapshot \(file) could not be written correctly: \(error.description)")
        default: return EngineError.io("\(error)")
        }
    }
}
