// The state behind SimulatedFileSystem's mutex: inodes, directories with current vs durable entries, faults, crash.

/// An unsynced change to a file, kept in order so a crash can keep an in-order prefix of them.
enum PendingChange {
    case write(offset: Int, bytes: [UInt8])
    case truncate(length: Int)

    func apply(to content: inout [UInt8]) {
        switch self {
        case let .write(offset, bytes):
            if content.count < offset + bytes.count {
                content.append(contentsOf: repeatElement(0, count: offset + bytes.count - content.count))
            }
            content.replaceSubrange(offset..<(offset + bytes.count), with: bytes)
        case .truncate(let length):
            if length < content.count {
                content.removeSubrange(length...)
            } else {
                content.append(contentsOf: repeatElement(0, count: length - content.count))
            }
        }
    }
}

/// A file's durable content and the changes since its last sync.
struct SimulatedFile {
    var durable: [UInt8]
    var current: [UInt8]
    var pending: [PendingChange] = []

    init(durable: [UInt8]) {
        self.durable = durable
        self.current = durable
    }

    mutating func change(_ change: PendingChange) {
        change.apply(to: &current)
        pending.append(change)
    }

    mutating func sync() {
        durable = current
        pending = []
    }
}

/// A directory entry: a file inode or a directory node.
enum SimulatedEntry: Equatable {
    case file(Int)
    case directory(Int)
}

/// A directory's entries now and as of its last sync.
struct SimulatedDirectory {
    var current: [String: SimulatedEntry] = [:]
    var durable: [String: SimulatedEntry] = [:]
}

/// All state of a SimulatedFileSystem. Directory 0 is the root.
struct SimulatedState {
    var files: [Int: SimulatedFile] = [:]
    var directories: [Int: SimulatedDirectory] = [0: SimulatedDirectory()]
    var nextID = 1
    var operationCount = 0
    var operationLog: [SimulatedOperation] = []
    var fault: ArmedFault?
    var crashed = false
    /// Bumped by every crash: handles and locks from an older generation are dead.
    var generation = 0
    var locks: Set<String> = []
    var random: SplitMix64

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    static func normalise(_ path: String) -> [String] {
        path.split(separator: "/").map(String.init).filter { $0 != "." }
    }

    func checkAlive(_ operation: String, _ path: String) throws(IOError) {
        if crashed { throw IOError.failed(operation: operation, path: path, reason: "simulated crash: the process is dead") }
    }

    /// Counts an operation and fires an armed fault when its turn has come.
    mutating func count(_ kind: OperationKind, _ path: String) throws(IOError) {
        try checkAlive(kind.rawValue, path)
        operationCount += 1
        operationLog.append(SimulatedOperation(number: operationCount, kind: kind, path: path))
        guard var armed = fault, armed.operations.contains(kind) else { return }
        if armed.remaining > 0 {
            armed.remaining -= 1
            fault = armed
            return
        }
        fault = nil
        switch armed.kind {
        case .ioError:
            throw IOError.failed(operation: kind.rawValue, path: path, reason: "simulated I/O error (EIO)")
        case .noSpace:
            throw IOError.noSpace(path: path)
        case .crash:
            crashed = true
            throw IOError.failed(operation: kind.rawValue, path: path, reason: "simulated crash: the process is dead")
        }
    }

    func resolve(_ path: String) -> SimulatedEntry? {
        var entry = SimulatedEntry.directory(0)
        for component in Self.normalise(path) {
            guard case .directory(let id) = entry, let next = directories[id]?.current[component] else { return nil }
            entry = next
        }
        return entry
    }

    /// The parent directory's id and the last component; the parent must exist.
    func parent(of path: String) throws(IOError) -> (Int, String) {
        var components = Self.normalise(path)
        guard let name = components.popLast() else {
            throw IOError.failed(operation: "resolve", path: path, reason: "the root has no parent")
        }
        let parentPath = components.joined(separator: "/")
        guard case .directory(let id)? = resolve(parentPath) else { throw IOError.notFound(path: path) }
        return (id, name)
    }

    func fileID(_ path: String) throws(IOError) -> Int {
        switch resolve(path) {
        case .file(let id)?: return id
        case .directory?: throw IOError.failed(operation: "open", path: path, reason: "is a directory")
        case nil: throw IOError.notFound(path: path)
        }
    }

    func directoryID(_ path: String) throws(IOError) -> Int {
        switch resolve(path) {
        case .directory(let id)?: return id
        case .file?: throw IOError.failed(operation: "open directory", path: path, reason: "not a directory")
        case nil: throw IOError.notFound(path: path)
        }
    }

    mutating func openFile(_ path: String, create: Bool) throws(IOError) -> Int {
        if let entry = resolve(path) {
            guard case .file(let id) = entry else { throw IOError.failed(operation: "open", path: path, reason: "is a directory") }
            return id
        }
        guard create else { throw IOError.notFound(path: path) }
        let (parentID, name) = try parent(of: path)
        let id = nextID
        nextID += 1
        files[id] = SimulatedFile(durable: [])
        directories[parentID]?.current[name] = .file(id)
        return id
    }

    mutating func createDirectory(_ path: String) throws(IOError) {
        var parentID = 0
        for component in Self.normalise(path) {
            switch directories[parentID]?.current[component] {
            case .directory(let id)?:
                parentID = id
            case .file?:
                throw IOError.failed(operation: "mkdir", path: path, reason: "a file is in the way")
            case nil:
                let id = nextID
                nextID += 1
                directories[id] = SimulatedDirectory()
                directories[parentID]?.current[component] = .directory(id)
                parentID = id
            }
        }
    }

    mutating func rename(_ from: String, _ to: String) throws(IOError) {
        guard let entry = resolve(from) else { throw IOError.notFound(path: from) }
        let (fromParent, fromName) = try parent(of: from)
        let (toParent, toName) = try parent(of: to)
        if case .directory(let existing)? = directories[toParent]?.current[toName], existing != entryID(entry) {
            throw IOError.failed(operation: "rename", path: to, reason: "destination is a directory")
        }
        if case .file? = directories[toParent]?.current[toName], case .directory = entry {
            throw IOError.failed(operation: "rename", path: to, reason: "cannot replace a file with a directory")
        }
        directories[fromParent]?.current[fromName] = nil
        directories[toParent]?.current[toName] = entry
    }

    private func entryID(_ entry: SimulatedEntry) -> Int {
        switch entry {
        case .file(let id), .directory(let id): return id
        }
    }

    mutating func remove(_ path: String) throws(IOError) {
        guard let entry = resolve(path) else { throw IOError.notFound(path: path) }
        if case .directory(let id) = entry, directories[id]?.current.isEmpty == false {
            throw IOError.failed(operation: "remove", path: path, reason: "directory not empty")
        }
        let (parentID, name) = try parent(of: path)
        directories[parentID]?.current[name] = nil
    }

    func durableContents(of path: String) -> [UInt8]? {
        var entry = SimulatedEntry.directory(0)
        for component in Self.normalise(path) {
            guard case .directory(let id) = entry, let next = directories[id]?.durable[component] else { return nil }
            entry = next
        }
        guard case .file(let id) = entry else { return nil }
        return files[id]?.durable
    }

    /// Power cut: revert to durable state, drop what is unreachable, kill handles, locks and faults.
    mutating func crash(keepingTornPrefix: Bool) {
        for (id, directory) in directories { directories[id]?.current = directory.durable }
        var liveFiles: Set<Int> = []
        var liveDirectories: Set<Int> = [0]
        var queue = [0]
        while let id = queue.popLast() {
            for entry in (directories[id]?.durable ?? [:]).values {
                switch entry {
                case .file(let file): liveFiles.insert(file)
                case .directory(let directory):
                    if liveDirectories.insert(directory).inserted { queue.append(directory) }
                }
            }
        }
        directories = directories.filter { liveDirectories.contains($0.key) }
        files = files.filter { liveFiles.contains($0.key) }
        for id in files.keys.sorted() {  // sorted: the seeded choices must not depend on hash order
            guard var file = files[id] else { continue }
            var content = file.durable
            if keepingTornPrefix && !file.pending.isEmpty {
                let kept = Int(random.next() % UInt64(file.pending.count + 1))
                for change in file.pending[..<kept] { change.apply(to: &content) }
                if kept < file.pending.count, case let .write(offset, bytes) = file.pending[kept], !bytes.isEmpty {
                    let cut = Int(random.next() % UInt64(bytes.count))
                    PendingChange.write(offset: offset, bytes: Array(bytes[..<cut])).apply(to: &content)
                }
            }
            file = SimulatedFile(durable: content)
            files[id] = file
        }
        locks = []
        fault = nil
        crashed = false
        generation += 1
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a tiny seeded generator, so simulated crashes and every random test
/// replay exactly from a printed seed. The one generator of the project; tests use it too.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose whole output is determined by `seed`.
    public init(seed: UInt64) { state = seed }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
