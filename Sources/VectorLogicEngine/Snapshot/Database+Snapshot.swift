import VectorLogicSync
import Logging
import VectorLogicFormat
import VectorLogicIO

/// What a snapshot copies, captured under the checkpoint lock.
private struct SnapshotCapture: Sendable {
    let manifest: [UInt8]
    let segments: [UInt64]
    let sizes: [Int64]
    let createdAtMs: Int64
}

extension Database {
    /// Writes a consistent point-in-time copy of every collection to the snapshot file `path` while writes go on, and
    /// returns its size and SHA-256 (data-format.md "Snapshot file").
    ///
    /// How it is consistent: under the checkpoint lock a checkpoint flushes every memtable (the cut is the last LSN
    /// assigned when it starts, taken under the core lock, so every write acknowledged before this call is inside and no
    /// batch is split: a batch is one log record applied in one critical section); the MANIFEST it wrote is read into
    /// memory and the segments it names are pinned. The lock is then released and the pinned, immutable segments are
    /// copied while writers, flushes and compactions go on (a compaction defers deleting a pinned input). The copy needs
    /// no log: the manifest's checkpoint covers everything. `extras` (the key and persona stores, which live beside the
    /// engine's files) are copied just before the engine's cut, each consistent in itself; there is no atomic cut across
    /// stores. Throws `EngineError.unavailable` when the engine is read-only or closed.
    public func snapshot(to path: String, extras: [SnapshotExtra] = []) async throws -> SnapshotInfo {
        let result = Locked<SnapshotInfo?>(nil)
        try await runOnEngineThread { () throws(EngineError) in
            let info = try self.snapshotBlocking(to: path, extras: extras)
            result.withLock { $0 = info }
        }
        guard let info = result.withLock({ $0 }) else { throw EngineError.io("the snapshot thread returned no result") }
        return info
    }

    private func snapshotBlocking(to path: String, extras: [SnapshotExtra]) throws(EngineError) -> SnapshotInfo {
        if core.withLock({ $0.closed }) { throw EngineError.unavailable("the database is closed") }
        let extraInputs = try writeExtras(extras, besides: path)
        defer { for input in extraInputs { if case .file(let file, _) = input.content { try? fileSystem.remove(file) } } }
        let capture = try checkpointLock.withLock { _ throws(EngineError) -> SnapshotCapture in
            try checkpointHoldingLock(compact: false)
            let capture = try captureManifest()
            snapshotPins.withLock { $0.pin(capture.segments) }
            return capture
        }
        defer { unpinSnapshot(capture.segments) }
        var inputs = [SnapshotInput(name: FileNames.manifest, content: .bytes(capture.manifest))] + extraInputs
        for (number, size) in zip(capture.segments, capture.sizes) {
            inputs.append(SnapshotInput(name: FileNames.segment(number), content: .file(path: self.path(FileNames.segment(number)), length: size)))
        }
        return try SnapshotWriter.write(inputs, to: path, createdAtMs: capture.createdAtMs, fileSystem: fileSystem)
    }

    /// Has each extra write its copy to `<snapshot path>.<name>.tmp`; returns them as inputs (the caller deletes them).
    private func writeExtras(_ extras: [SnapshotExtra], besides path: String) throws(EngineError) -> [SnapshotInput] {
        var inputs: [SnapshotInput] = []
        do {
            for extra in extras {
                guard SnapshotFormat.isValidEntryName(extra.name), extra.name != FileNames.manifest else {
                    throw EngineError.invalidArgument("invalid snapshot entry name \(extra.name)")
                }
                let file = path + "." + extra.name + ".tmp"
                if fileSystem.exists(file) { try fileSystem.remove(file) }
                inputs.append(SnapshotInput(name: extra.name, content: .file(path: file, length: 0)))
                try extra.write(file)
                inputs[inputs.count - 1] = SnapshotInput(name: extra.name, content: .file(path: file, length: try fileSystem.size(of: file)))
            }
            return inputs
        } catch {
            for input in inputs { if case .file(let file, _) = input.content { try? fileSystem.remove(file) } }
            if let error = error as? EngineError { throw error }
            throw EngineError.io("could not copy \(inputs.last?.name ?? "a store") for the snapshot: \(error)")
        }
    }

    /// The MANIFEST bytes and the segments they name, with their sizes (checkpoint lock held, so neither changes).
    private func captureManifest() throws(EngineError) -> SnapshotCapture {
        let bytes: [UInt8]
        var sizes: [Int64] = []
        let manifest: EngineManifest
        do {
            let handle = try fileSystem.open(path(FileNames.manifest), create: false)
            defer { handle.close() }
            bytes = try handle.read(at: 0, count: Int(try handle.size()))
        } catch {
            throw EngineError.io(error.description)
        }
        do {
            manifest = try EngineManifest.decode(ManifestContainer.decode(bytes))
        } catch {
            throw EngineError.corruption(file: FileNames.manifest, offset: Int64(error.offset), reason: error.reason)
        }
        let segments = manifest.collections.flatMap { $0.segments.map(\.number) }
        do {
            for number in segments { sizes.append(try fileSystem.size(of: path(FileNames.segment(number)))) }
        } catch {
            throw EngineError.io(error.description)
        }
        return SnapshotCapture(manifest: bytes, segments: segments, sizes: sizes, createdAtMs: WallClock.milliseconds())
    }

    /// Unpins a snapshot's segments and deletes those a checkpoint made obsolete meanwhile.
    func unpinSnapshot(_ segments: [UInt64]) {
        let released = snapshotPins.withLock { $0.unpin(segments) }
        guard !released.isEmpty else { return }
        do {
            for number in released where fileSystem.exists(path(FileNames.segment(number))) {
                try fileSystem.remove(path(FileNames.segment(number)))
            }
            try fileSystem.syncDirectory(directory)
        } catch {
            // Harmless: the next open removes segments the manifest does not name.
            options.logger.warning("could not remove segments released by a snapshot", metadata: ["error": "\(error)"])
        }
    }
}
