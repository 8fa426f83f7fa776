import VectorLogicIO

extension RepairSession {
    /// Salvages every store file whose check reports an error (`StoreFile`): the readable rows go into a fresh store,
    /// the damaged file and its `-wal`/`-shm` go to `lost/`, and the fresh store takes its name.
    ///
    /// Order, for crash safety: build `<name>.salvage.tmp` (SQLite commits it durably; then it is fsync'd once more
    /// with the directory) → copy `<name>` into `lost/` (fsync'd) → move `<name>-wal` and `<name>-shm` into `lost/` →
    /// rename the fresh file over `<name>` → fsync the directory. The WAL must leave before the rename (SQLite would
    /// replay a stale WAL onto the new file); a crash between those two renames leaves the damaged file without its
    /// WAL, which `verify` still reports and `repair` salvages again, with the originals kept in `lost/`. A leftover
    /// `.salvage.tmp` is a temporary file like any other (removed at open, quarantined by `repair`).
    func repairStores(_ stores: [StoreFile]) throws(ToolError) {
        for store in stores {
            let problems = store.problems(in: directory)
            guard let first = problems.first(where: { $0.severity == .error }) else { continue }
            let fresh = store.name + ".salvage" + FileNames.temporarySuffix
            let salvage: StoreFile.Salvage
            do {
                salvage = try store.salvage(path(store.name), path(fresh))
            } catch {
                removeQuietly(fresh)
                throw ToolError.failed("could not salvage \(store.name): \(error)")
            }
            act("salvage", store.name, "damaged (\(first.message)); \(salvage.saved) readable rows written to a fresh store: \(salvage.detail)")
            if salvage.lost != 0 {
                var loss = RepairLoss(file: store.name, detail: "rows unreadable or unsafe to keep (\(salvage.detail))")
                loss.storeRows = salvage.lost
                report.losses.append(loss)
            }
            if dryRun {
                removeQuietly(fresh)
                continue
            }
            try install(fresh: fresh, over: store.name)
        }
    }

    /// Puts the salvaged store in place of the damaged one, keeping the damaged files in `lost/`.
    private func install(fresh: String, over name: String) throws(ToolError) {
        let kept: String
        do {
            for suffix in ["-wal", "-shm"] where fileSystem.exists(path(fresh + suffix)) { try fileSystem.remove(path(fresh + suffix)) }
            try fileSystem.open(path(fresh), create: false).syncAndClose()
            try fileSystem.syncDirectory(directory)
            try fileSystem.createDirectory(path(FileNames.lost))
            kept = freeLostName(name, companions: ["-wal", "-shm"])
            try fileSystem.copyFile(path(name), to: path(kept))
            try fileSystem.syncDirectory(path(FileNames.lost))
            act("quarantine", name, "damaged store copied to \(kept)")
        } catch {
            throw ToolError.io(error.description)
        }
        for suffix in ["-wal", "-shm"] where fileSystem.exists(path(name + suffix)) {
            try quarantine(name + suffix, why: "belongs to the damaged \(name)", as: kept + suffix)
        }
        do {
            try fileSystem.rename(path(fresh), to: path(name))
            try fileSystem.syncDirectory(directory)
        } catch {
            throw ToolError.io(error.description)
        }
    }

    private func removeQuietly(_ name: String) {
        for suffix in ["", "-wal", "-shm"] { try? fileSystem.remove(path(name + suffix)) }
    }
}

extension FileHandle {
    /// Syncs the file's bytes, then closes it.
    func syncAndClose() throws(IOError) {
        defer { close() }
        try sync()
    }
}
