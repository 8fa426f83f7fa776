import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// Reading and atomically replacing MANIFEST: write MANIFEST.tmp, fsync it, rename over MANIFEST, fsync the directory
/// (data-format.md, "Sync protocol"). After a crash either the old or the new manifest is there, whole.
enum ManifestStore {
    static func read(directory: String, fileSystem: any FileSystem) throws(EngineError) -> EngineManifest {
        let path = directory + "/" + FileNames.manifest
        let bytes: [UInt8]
        do {
            let handle = try fileSystem.open(path, create: false)
            defer { handle.close() }
            bytes = try handle.read(at: 0, count: Int(try handle.size()))
        } catch {
            throw EngineError.io(error.description)
        }
        do {
            let body = try ManifestContainer.decode(bytes)
            return try EngineManifest.decode(body)
        } catch {
            throw EngineError.corruption(file: FileNames.manifest, offset: Int64(error.offset), reason: error.reason)
        }
    }

    static func write(_ manifest: EngineManifest, directory: String, fileSystem: any FileSystem) throws(IOError) {
        let bytes = ManifestContainer.encode(body: manifest.encode())
        let temporary = directory + "/" + FileNames.manifest + FileNames.temporarySuffix
        try writeFileDurably(bytes, temporary: temporary, final: directory + "/" + FileNames.manifest, fileSystem: fileSystem)
        try fileSystem.syncDirectory(directory)
    }

    /// Writes `bytes` to `temporary`, fsyncs, renames to `final` (the caller fsyncs the directory).
    static func writeFileDurably(_ bytes: [UInt8], temporary: String, final: String, fileSystem: any FileSystem) throws(IOError) {
        let handle = try fileSystem.open(temporary, create: true)
        do {
            try handle.truncate(to: 0)
            try withRawBytes(bytes) { raw throws(IOError) in try handle.write(raw, at: 0) }
            try handle.sync()
            handle.close()
        } catch {
            handle.close()
            throw error
        }
        try fileSystem.rename(temporary, to: final)
    }
}
