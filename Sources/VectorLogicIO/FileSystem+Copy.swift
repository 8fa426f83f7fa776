extension FileSystem {
    /// Copies the file at `source` to `target` (created or replaced), 1 MiB at a time so a large store is never read
    /// whole, and syncs `target`; the caller syncs the directory when the new name must survive a crash.
    public func copyFile(_ source: String, to target: String) throws(IOError) {
        let input = try open(source, create: false)
        defer { input.close() }
        let output = try open(target, create: true)
        defer { output.close() }
        try output.truncate(to: 0)
        let size = try input.size()
        var offset: Int64 = 0
        while offset < size {
            let chunk = try input.read(at: offset, count: Int(min(1 << 20, size - offset)))
            if chunk.isEmpty { break }
            // `Array.withUnsafeBytes` rethrows untyped errors: carry the typed one out in a Result.
            let written: Result<Void, IOError> = chunk.withUnsafeBytes { bytes in
                do throws(IOError) { try output.write(bytes, at: offset) } catch { return .failure(error) }
                return .success(())
            }
            try written.get()
            offset += Int64(chunk.count)
        }
        try output.sync()
    }
}
