@_spi(Testing) import VectorLogicEngine
import VectorLogicTestSupport
import VectorLogicJSON
import VectorLogicIndex

/// The expected logical content of a database: what every acknowledged operation left.
struct EngineModel: Equatable {
    struct Row: Equatable {
        var values: [Float]
        var metadata: JSONValue?
    }

    var collections: [String: [String: Row]] = [:]

    /// The content read back from a database (every collection, every vector with values).
    static func read(_ database: Database) throws -> EngineModel {
        var model = EngineModel()
        for info in database.listCollections() {
            var rows: [String: Row] = [:]
            var cursor: String?
            repeat {
                let page = try database.scroll(info.config.name, ScrollRequest(limit: 1000, cursor: cursor, includeValues: true))
                for vector in page.vectors { rows[vector.id] = Row(values: vector.values ?? [], metadata: try vector.metadata?.value()) }
                cursor = page.nextCursor
            } while cursor != nil
            model.collections[info.config.name] = rows
        }
        return model
    }
}

/// One random operation of a crash test.
enum EngineOperation: CustomStringConvertible {
    case create(String)
    case drop(String)
    case upsert(String, [VectorRecord])
    case delete(String, [String])
    case patch(String, String, JSONObject)
    case checkpoint

    var description: String {
        switch self {
        case .create(let name): return "create \(name)"
        case .drop(let name): return "drop \(name)"
        case let .upsert(name, records): return "upsert \(name) \(records.map(\.id))"
        case let .delete(name, ids): return "delete \(name) \(ids)"
        case let .patch(name, id, _): return "patch \(name) \(id)"
        case .checkpoint: return "checkpoint"
        }
    }

    /// A random operation valid against `model` (writes go to existing collections).
    static func random(_ model: EngineModel, _ random: inout EngineRandom, dimension: Int) -> EngineOperation {
        let names = model.collections.keys.sorted()
        guard let name = names.randomElement(using: &random) else { return .create(["c1", "c2"].randomElement(using: &random) ?? "c1") }
        let roll = Int.random(in: 0..<100, using: &random)
        let id = { (random: inout EngineRandom) in "id\(Int.random(in: 0..<24, using: &random))" }
        switch roll {
        case 0..<3: return names.count < 2 ? .create(names.contains("c1") ? "c2" : "c1") : .drop(name)
        case 3..<5: return .drop(name)
        case 5..<12: return .checkpoint
        case 12..<25: return .delete(name, (0..<Int.random(in: 1...3, using: &random)).map { _ in id(&random) })
        case 25..<32:
            let key = ["a", "b", "c"].randomElement(using: &random) ?? "a"
            return .patch(name, id(&random), JSONObject([(key, .number(Double(Int.random(in: 0..<9, using: &random))))]))
        default:
            let records = (0..<Int.random(in: 1...4, using: &random)).map { _ in
                VectorRecord(id: id(&random), values: random.vector(dimension),
                             metadata: Bool.random(using: &random) ? .object(JSONObject([("n", .number(Double(Int.random(in: 0..<5, using: &random))))])) : nil)
            }
            // The engine refuses a batch naming an id twice: keep each id's last record (the same random stream and
            // the same resulting state as when a later record in a batch won).
            let unique = records.enumerated().filter { item in !records[(item.offset + 1)...].contains { $0.id == item.element.id } }
            return .upsert(name, unique.map(\.element))
        }
    }

    /// Runs the operation against the database.
    func run(_ database: Database, dimension: Int, indexType: IndexType) async throws {
        switch self {
        case .create(let name):
            _ = try await database.createCollection(CollectionConfig(name: name, dimension: dimension, metric: .euclidean,
                                                                     index: IndexConfig(type: indexType, m: 4, efConstruction: 16)))
        case .drop(let name): try await database.dropCollection(name)
        case let .upsert(name, records): _ = try await database.upsert(name, records)
        case let .delete(name, ids): _ = try await database.delete(name, ids: ids)
        case let .patch(name, id, object): _ = try await database.patchMetadata(name, id: id, merging: object)
        case .checkpoint: try await database.checkpointNow()
        }
    }

    /// The model after the operation.
    func applied(to model: EngineModel) -> EngineModel {
        var model = model
        switch self {
        case .create(let name): if model.collections[name] == nil { model.collections[name] = [:] }
        case .drop(let name): model.collections[name] = nil
        case let .upsert(name, records):
            for record in records {
                model.collections[name]?[record.id] = EngineModel.Row(values: record.values, metadata: try? record.metadata?.value())
            }
        case let .delete(name, ids):
            for id in ids { model.collections[name]?[id] = nil }
        case let .patch(name, id, object):
            guard var row = model.collections[name]?[id] else { break }
            var merged: JSONObject
            if case .object(let existing)? = row.metadata { merged = existing } else { merged = JSONObject() }
            for (key, value) in object.entries { merged[key] = value }
            row.metadata = merged.count == 0 ? nil : .object(merged)
            model.collections[name]?[id] = row
        case .checkpoint: break
        }
        return model
    }
}

extension EngineModel {
    /// A short description of how `other` differs from this model (for failure messages).
    func difference(to other: EngineModel) -> String {
        var lines: [String] = []
        for name in Set(collections.keys).union(other.collections.keys).sorted() {
            guard let mine = collections[name] else { lines.append("\(name): unexpected collection"); continue }
            guard let theirs = other.collections[name] else { lines.append("\(name): missing collection"); continue }
            let missing = Set(mine.keys).subtracting(theirs.keys).sorted()
            let extra = Set(theirs.keys).subtracting(mine.keys).sorted()
            let changed = mine.keys.filter { theirs[$0] != nil && theirs[$0] != mine[$0] }.sorted()
            if !missing.isEmpty || !extra.isEmpty || !changed.isEmpty {
                lines.append("\(name): missing \(missing) extra \(extra) changed \(changed)")
            }
        }
        return lines.joined(separator: "; ")
    }
}

extension CompactJSON {
    /// The compact text of an object, so tests write metadata as `.object(JSONObject(…))`.
    static func object(_ object: JSONObject) -> CompactJSON {
        CompactJSON(.object(object))
    }
}
