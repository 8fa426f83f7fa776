// crash-writer: writes through the real engine with several concurrent writers and prints each acknowledged id.
// Used by the engine's real-crash test, which SIGKILLs it at random moments and then checks every printed id survived.
// Usage: crash-writer <directory> <writers> <seed>
// (Ingest and reopen figures are `engine-bench`'s job: tools/bench/engine.)
import VectorLogicDistance
import VectorLogicEngine
import VectorLogicIndex
#if canImport(Glibc)
import Glibc
#endif

let arguments = CommandLine.arguments
guard arguments.count >= 4, let writers = Int(arguments[2]), let seed = UInt64(arguments[3]) else {
    print("usage: crash-writer <directory> <writers> <seed>")
    exit(2)
}
let directory = arguments[1]

/// Writes a line to stdout with one write(2) so lines from concurrent writers never interleave and nothing is buffered.
func emit(_ line: String) {
    var bytes = Array((line + "\n").utf8)
    bytes.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < raw.count {
            let written = write(1, raw.baseAddress! + offset, raw.count - offset)
            if written <= 0 { return }
            offset += written
        }
    }
}

let database = try Database.open(at: directory, options: DatabaseOptions(memtableFlushRows: 3_000))
if (try? database.collectionInfo("crash")) == nil {
    _ = try? await database.createCollection(CollectionConfig(name: "crash", dimension: 16, metric: .euclidean,
                                                               index: IndexConfig(type: .flat)))
}
emit("ready")
await withTaskGroup(of: Void.self) { group in
    for writer in 0..<writers {
        group.addTask {
            var counter = 0
            while true {
                let batch = (counter % 3) + 1
                let records = (0..<batch).map { index in
                    let id = "s\(seed)-w\(writer)-\(counter)-\(index)"
                    let values = (0..<16).map { Float(($0 + counter + index) % 17) }
                    return VectorRecord(id: id, values: values)
                }
                counter += 1
                do {
                    _ = try await database.upsert("crash", records)
                    for record in records { emit("ack \(record.id)") }
                } catch {
                    emit("error \(error)")
                    return
                }
            }
        }
    }
}
