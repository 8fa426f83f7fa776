import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// Names of the files in a data directory (data-format.md, "Data directory layout").
enum FileNames {
    static let manifest = "MANIFEST"
    static let lock = "LOCK"
    static let lost = "lost"
    static let temporarySuffix = ".tmp"

    /// `<number as 16 lowercase hex digits>.log`.
    static func log(_ number: UInt64) -> String { hex16(number) + ".log" }
    /// `<number as 16 lowercase hex digits>.seg`.
    static func segment(_ number: UInt64) -> String { hex16(number) + ".seg" }

    static func hex16(_ number: UInt64) -> String {
        let digits = String(number, radix: 16)
        return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
    }

    /// The number of a `<16 hex>.<suffix>` file name, or nil.
    static func number(_ name: String, suffix: String) -> UInt64? {
        guard name.hasSuffix(suffix), name.count == 16 + suffix.count else { return nil }
        return UInt64(name.prefix(16), radix: 16)
    }
}

/// The log files as the commit thread writes them: one open file at a time, appended at its end, created on demand.
///
/// Owned by the commit thread alone (no locking). Every new file is fsync'd and its directory entry fsync'd before
/// any record in it can be acknowledged; the previous file is fsync'd before the switch, so a torn tail can only ever
/// be in the newest log.
final class WriteAheadLog {
    let directory: String
    let fileSystem: any FileSystem
    private(set) var number: UInt64 = 0
    private var handle: (any FileHandle)?
    private(set) var offset: Int64 = 0
    private var unsynced = false

    init(directory: String, fileSystem: any FileSystem) {
        self.directory = directory
        self.fileSystem = fileSystem
    }

    /// Appends bytes to log `logNumber`, switching files first when it differs from the open one.
    func append(_ bytes: [UInt8], toLog logNumber: UInt64) throws(IOError) {
        if handle == nil || logNumber != number { try switchTo(logNumber) }
        guard let handle, !bytes.isEmpty else { return }
        try withRawBytes(bytes) { raw throws(IOError) in try handle.write(raw, at: offset) }
        offset += Int64(bytes.count)
        unsynced = true
    }

    /// fdatasync of the open file when it has unsynced bytes; returns whether a sync happened.
    @discardableResult
    func sync() throws(IOError) -> Bool {
        guard let handle, unsynced else { return false }
        try handle.sync()
        unsynced = false
        return true
    }

    private func switchTo(_ logNumber: UInt64) throws(IOError) {
        if let handle {
            try sync()
            handle.close()
            self.handle = nil
        }
        let path = directory + "/" + FileNames.log(logNumber)
        let file = try fileSystem.open(path, create: true)
        let header = LogFraming.encodeFileHeader(logNumber: logNumber)
        try file.truncate(to: 0)
        try withRawBytes(header) { raw throws(IOError) in try file.write(raw, at: 0) }
        try file.sync()
        try fileSystem.syncDirectory(directory)
        handle = file
        number = logNumber
        offset = Int64(header.count)
        unsynced = false
    }

    /// Closes the open file (after a final sync by the caller).
    func close() {
        handle?.close()
        handle = nil
    }
}
