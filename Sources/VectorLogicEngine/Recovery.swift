import Dispatch
import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO
import VectorLogicSync

/// Startup: manifest → mapped segments → log replay after the checkpoint (data-format.md, "Sync protocol").
/// Nothing here reads the vectors: segments are mapped and their small sections checksummed (on every core), then
/// the log tail is replayed.
struct Recovery {
    let directory: String
    let fileSystem: any FileSystem
    var report = RecoveryReport()
    var state = CoreState()
    /// The first log number the commit pipeline may use (greater than every existing log).
    var nextLog: UInt64 = 1
    /// How opened segments' searches re-read rows.
    let vectorReads: VectorReads

    init(directory: String, fileSystem: any FileSystem, vectorReads: VectorReads = .mapped) {
        self.directory = directory
        self.fileSystem = fileSystem
        self.vectorReads = vectorReads
    }

    func path(_ name: String) -> String { directory + "/" + name }

    mutating func run() throws(EngineError) {
        var names = try list()
        for name in names where name.hasSuffix(FileNames.temporarySuffix) {
            try remove(name)
            report.removedTemporaryFiles.append(name)
        }
        names.removeAll { $0.hasSuffix(FileNames.temporarySuffix) }
        let manifest = try readManifest(present: names.contains(FileNames.manifest))
        try loadSegments(manifest)
        let referenced = Set(manifest.collections.flatMap { $0.segments.map(\.number) })
        for name in names {
            guard let number = FileNames.number(name, suffix: ".seg"), !referenced.contains(number) else { continue }
            try remove(name)
            report.removedOrphanSegments.append(name)
        }
        let logs = names.compactMap { FileNames.number($0, suffix: ".log") }.sorted()
        for number in logs where number < manifest.firstLiveLog {
            try remove(FileNames.log(number))
            report.removedObsoleteLogs.append(FileNames.log(number))
        }
        let live = logs.filter { $0 >= manifest.firstLiveLog }
        for (index, number) in live.enumerated() {
            try replay(log: number, isLast: index == live.count - 1)
        }
        nextLog = max(manifest.firstLiveLog, (logs.last ?? 0) + 1, 1)
        if !report.removedTemporaryFiles.isEmpty || !report.removedOrphanSegments.isEmpty || !report.removedObsoleteLogs.isEmpty {
            try syncDirectory()
        }
    }

    func list() throws(EngineError) -> [String] {
        do { return try fileSystem.contents(ofDirectory: directory) } catch { throw EngineError.io(error.description) }
    }

    func remove(_ name: String) throws(EngineError) {
        do { try fileSystem.remove(path(name)) } catch { throw EngineError.io(error.description) }
    }

    func syncDirectory() throws(EngineError) {
        do { try fileSystem.syncDirectory(directory) } catch { throw EngineError.io(error.description) }
    }

    /// Reads and decodes MANIFEST; a database without one starts empty (its logs, if any, hold everything).
    mutating func readManifest(present: Bool) throws(EngineError) -> EngineManifest {
        guard present else {
            return EngineManifest(checkpointLSN: 0, firstLiveLog: 0, nextSegmentNumber: 1, nextCollectionID: 1, collections: [])
        }
        let manifest = try ManifestStore.read(directory: directory, fileSystem: fileSystem)
        state.checkpointLSN = manifest.checkpointLSN
        state.lastLSN = manifest.checkpointLSN
        state.nextSegmentNumber = manifest.nextSegmentNumber
        state.nextCollectionID = manifest.nextCollectionID
        return manifest
    }

    /// Maps every segment the manifest lists and installs its tombstones.
    mutating func loadSegments(_ manifest: EngineManifest) throws(EngineError) {
        let listed = manifest.collections.flatMap { entry in entry.segments.map { (entry.definition.id, $0) } }
        var opened = Recovery.openSegments(listed.map { ($0.1.number, path(FileNames.segment($0.1.number))) },
                                           fileSystem: fileSystem, vectorReads: vectorReads)[...]
        for entry in manifest.collections {
            guard let config = CollectionConfig(definition: entry.definition) else {
                throw EngineError.corruption(file: FileNames.manifest, offset: 0, reason: "collection \(entry.definition.name) has unknown metric or index codes")
            }
            var runtime = CollectionRuntime(definition: entry.definition, config: config)
            for listed in entry.segments {
                let name = FileNames.segment(listed.number)
                let segment = try opened.removeFirst().get()
                guard segment.info.collectionID == entry.definition.id, segment.rows == Int(listed.rows),
                      segment.dimension == config.dimension else {
                    throw EngineError.corruption(file: name, offset: 0, reason: "segment does not match the manifest (collection, rows or dimension)")
                }
                runtime.segments.append(SegmentState(segment: segment, dead: Bitset(rows: listed.tombstones)))
            }
            state.collections[config.name] = runtime
            state.nextCollectionID = max(state.nextCollectionID, entry.definition.id + 1)
        }
    }

    /// Opens the segments on every core, answers in the order given. Opening checksums each segment's small sections
    /// (ids, order, metadata, graph: ~150 bytes a row), which is most of a large database's startup: at 1M rows in
    /// eight segments, one thread took ~85 ms to the first listen on this 2-core machine (BENCHMARKS.md, "Reopen").
    static func openSegments(_ files: [(number: UInt64, path: String)],
                             fileSystem: any FileSystem, vectorReads: VectorReads) -> [Result<Segment, EngineError>] {
        let results = Locked<[Result<Segment, EngineError>?]>(Array(repeating: nil, count: files.count))
        let next = ClaimCounter(0)
        let open = { @Sendable in
            while true {
                let index = next.claim()
                guard index < files.count else { return }
                let result = Result { () throws(EngineError) in
                    try Segment(number: files[index].number, path: files[index].path, fileSystem: fileSystem,
                                vectorReads: vectorReads)
                }
                results.withLock { $0[index] = result }
            }
        }
        let threads = min(files.count, Processors.online)
        if threads > 1 {
            DispatchQueue.concurrentPerform(iterations: threads) { _ in open() }
        } else {
            open()
        }
        return results.withLock { all in all.map { $0 ?? .failure(EngineError.io("segment not opened")) } }
    }
}

extension Recovery {
    /// Replays one log file's records after the checkpoint; cuts a torn tail of the newest log, fails on anything else.
    mutating func replay(log number: UInt64, isLast: Bool) throws(EngineError) {
        let name = FileNames.log(number)
        let file = try readWhole(name)
        let scan = file.withUnsafeBytes { LogFraming.scan($0) }
        if let header = scan.header, header.logNumber != number {
            throw EngineError.corruption(file: name, offset: 0, reason: "header names log \(header.logNumber)")
        }
        for (record, offset) in zip(scan.records, scan.offsets) {
            guard record.lsn > state.lastLSN || record.lsn <= state.checkpointLSN else {
                throw EngineError.corruption(file: name, offset: Int64(offset), reason: "LSN \(record.lsn) does not follow \(state.lastLSN)")
            }
            guard record.lsn > state.checkpointLSN else { continue }
            let entry: EngineLogEntry
            do {
                entry = try EngineLogPayload.decode(type: record.type, payload: record.payload)
            } catch {
                throw EngineError.corruption(file: name, offset: Int64(offset), reason: "record payload: \(error.reason)")
            }
            if state.apply(entry) { report.replayedRecords += 1 } else { report.skippedRecords += 1 }
            state.lastLSN = record.lsn
        }
        switch scan.ending {
        case .clean: return
        case let .corrupt(offset, reason, _):
            throw EngineError.corruption(file: name, offset: Int64(offset), reason: reason)
        case let .tornTail(offset, reason):
            guard isLast else {
                throw EngineError.corruption(file: name, offset: Int64(offset), reason: "torn record in a log that is not the newest: \(reason)")
            }
            try cutTornTail(name: name, at: offset, fileSize: file.count, reason: reason)
        }
    }

    /// Truncates (and fsyncs) a torn tail before anything new is appended, so a later crash cannot leave fsync'd
    /// records hidden behind garbage; a log torn inside its header is removed.
    mutating func cutTornTail(name: String, at offset: Int, fileSize: Int, reason: String) throws(EngineError) {
        report.tornTail = RecoveryReport.TornTail(file: name, offset: Int64(offset), droppedBytes: Int64(fileSize - offset), reason: reason)
        do {
            if offset == 0 {
                try fileSystem.remove(path(name))
                try fileSystem.syncDirectory(directory)
            } else {
                let handle = try fileSystem.open(path(name), create: false)
                defer { handle.close() }
                try handle.truncate(to: Int64(offset))
                try handle.sync()
            }
        } catch {
            throw EngineError.io(error.description)
        }
    }

    func readWhole(_ name: String) throws(EngineError) -> [UInt8] {
        do {
            let handle = try fileSystem.open(path(name), create: false)
            defer { handle.close() }
            let size = try handle.size()
            return size == 0 ? [] : try handle.read(at: 0, count: Int(size))
        } catch {
            throw EngineError.io(error.description)
        }
    }
}
