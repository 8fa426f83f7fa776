import VectorLogicFormat
import VectorLogicIO
import VectorLogicSync

/// The server's snapshots, kept in `<data dir>/snapshots/` (data-format.md "Data directory layout": recovery, verify,
/// repair and inspect leave unknown sub-folders alone). Names are made here and checked on every lookup.
extension Database {
    /// The folder of the data directory holding server-made snapshots.
    public static let snapshotsFolder = "snapshots"

    private var snapshotsDirectory: String { path(Database.snapshotsFolder) }

    /// Takes a snapshot (see `snapshot(to:)`) into `snapshots/` under a fresh name
    /// `snapshot-<UTC yyyyMMdd'T'HHmmss'Z'>-<4 hex>.vlsnap`.
    public func createStoredSnapshot(extras: [SnapshotExtra] = []) async throws -> SnapshotInfo {
        do {
            if !fileSystem.exists(snapshotsDirectory) {
                try fileSystem.createDirectory(snapshotsDirectory)
                try fileSystem.syncDirectory(directory)
            }
        } catch {
            throw EngineError.io(error.description)
        }
        let name = snapshotsInFlight.withLock { inFlight in
            var name = SnapshotNames.make(milliseconds: WallClock.milliseconds())
            while inFlight.contains(name) || fileSystem.exists(snapshotsDirectory + "/" + name) {
                name = SnapshotNames.make(milliseconds: WallClock.milliseconds())
            }
            inFlight.insert(name)
            return name
        }
        defer { snapshotsInFlight.withLock { _ = $0.remove(name) } }
        removeSnapshotLeftovers()
        return try await snapshot(to: snapshotsDirectory + "/" + name, extras: extras)
    }

    /// Deletes the `.tmp` files (`<name>.tmp`, `<name>.<store>.tmp`) of snapshots a crash interrupted, never those of
    /// snapshots being written now. Best effort.
    private func removeSnapshotLeftovers() {
        guard let names = try? fileSystem.contents(ofDirectory: snapshotsDirectory) else { return }
        let writing = snapshotsInFlight.withLock { $0 }
        for name in names where name.hasSuffix(".tmp") && !writing.contains(where: { name.hasPrefix($0 + ".") }) {
            try? fileSystem.remove(snapshotsDirectory + "/" + name)
        }
    }

    /// The stored snapshots, oldest first (names sort by time). Only regular files are listed: a symbolic link (or
    /// anything else) placed in `snapshots/` is skipped, never followed.
    public func listStoredSnapshots() throws -> [StoredSnapshot] {
        guard fileSystem.exists(snapshotsDirectory) else { return [] }
        let names: [String]
        do { names = try fileSystem.contents(ofDirectory: snapshotsDirectory) } catch { throw EngineError.io(error.description) }
        return names.filter { SnapshotNames.isValid($0) && $0.hasSuffix(SnapshotNames.suffix) }.compactMap { name in
            let path = snapshotsDirectory + "/" + name
            guard fileSystem.entryKind(path) == .regular, let handle = try? fileSystem.openRegularFile(path),
                  let source = try? SnapshotFileSource(handle: handle) else { return nil }
            let header = try? source.read(at: 0, count: Int(min(source.size, Int64(SnapshotFormat.headerFixedSize + SnapshotFormat.maxHeaderExtension + 4))))
            let createdAtMs = header.flatMap { bytes in try? withRawBytes(bytes) { raw throws(FormatError) in try SnapshotHeader.decode(raw) } }?.createdAtMs
            return StoredSnapshot(name: name, bytes: source.size, createdAtMs: createdAtMs)
        }
    }

    /// Opens stored snapshot `name` for download; nil when there is none. Throws `invalidArgument` for a name outside
    /// `[A-Za-z0-9._-]{1,128}` (or `.`/`..`), so no lookup can leave the folder; a symbolic link or other non-regular
    /// entry of that name is no snapshot (nil), and the file is opened with O_NOFOLLOW so a link swapped in after the
    /// check is refused too.
    public func openStoredSnapshot(_ name: String) throws -> SnapshotDownload? {
        guard let path = try storedSnapshotPath(name) else { return nil }
        do {
            let handle = try fileSystem.openRegularFile(path)
            do {
                return SnapshotDownload(handle: handle, size: try handle.size())
            } catch {
                handle.close()
                throw error
            }
        } catch IOError.notFound {
            return nil
        } catch {
            throw EngineError.io("\(error)")
        }
    }

    /// Deletes stored snapshot `name`; returns false when there is none (a link is none). Throws `invalidArgument` for a
    /// bad name.
    public func deleteStoredSnapshot(_ name: String) throws -> Bool {
        guard let path = try storedSnapshotPath(name) else { return false }
        do {
            try fileSystem.remove(path)
            try fileSystem.syncDirectory(snapshotsDirectory)
            return true
        } catch IOError.notFound {
            return false
        } catch {
            throw EngineError.io(error.description)
        }
    }

    /// The path of an existing stored snapshot (a regular file, checked with lstat), nil when absent.
    private func storedSnapshotPath(_ name: String) throws(EngineError) -> String? {
        guard SnapshotNames.isValid(name) else {
            throw EngineError.invalidArgument("invalid snapshot name: use 1-128 characters of A-Z a-z 0-9 . _ - (not . or ..)")
        }
        let path = snapshotsDirectory + "/" + name
        guard name.hasSuffix(SnapshotNames.suffix), fileSystem.entryKind(path) == .regular else { return nil }
        return path
    }
}

/// An open stored snapshot being downloaded: read it in chunks (the file stays readable even if deleted meanwhile).
public final class SnapshotDownload: Sendable {
    private let handle: any FileHandle
    /// The file size in bytes.
    public let size: Int64

    init(handle: any FileHandle, size: Int64) {
        self.handle = handle
        self.size = size
    }

    /// Up to `count` bytes at `offset`.
    public func read(at offset: Int64, count: Int) throws -> [UInt8] {
        do { return try handle.read(at: offset, count: count) } catch { throw EngineError.io(error.description) }
    }

    /// Releases the file.
    public func close() { handle.close() }
}

/// Server-made snapshot names.
enum SnapshotNames {
    static let suffix = ".vlsnap"

    /// `[A-Za-z0-9._-]{1,128}`, and not `.` or `..`.
    static func isValid(_ name: String) -> Bool {
        name.utf8.count <= 128 && SnapshotFormat.isValidEntryName(name)
    }

    /// `snapshot-20261125T171500Z-3fa2.vlsnap` for a time in milliseconds since the epoch (UTC; 4 random hex digits
    /// keep two snapshots of the same second apart).
    static func make(milliseconds: Int64) -> String {
        let (year, month, day) = civilDate(daysSinceEpoch: Int(milliseconds.quotientAndRemainder(dividingBy: 86_400_000).quotient))
        let secondOfDay = Int((milliseconds % 86_400_000 + 86_400_000) % 86_400_000) / 1000
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let hex = String(UInt16.random(in: 0...UInt16.max), radix: 16)
        let random = String(repeating: "0", count: 4 - hex.count) + hex
        return "snapshot-\(year)\(two(month))\(two(day))T\(two(secondOfDay / 3600))\(two(secondOfDay / 60 % 60))\(two(secondOfDay % 60))Z-\(random)\(suffix)"
    }

    /// Proleptic Gregorian (year, month, day) of a day count since 1970-01-01 (H. Hinnant's `civil_from_days`).
    static func civilDate(daysSinceEpoch: Int) -> (Int, Int, Int) {
        let z = daysSinceEpoch + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * monthIndex + 2) / 5 + 1
        let month = monthIndex < 10 ? monthIndex + 3 : monthIndex - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day)
    }
}
