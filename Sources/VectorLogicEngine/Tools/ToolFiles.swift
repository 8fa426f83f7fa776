import VectorLogicFormat
import VectorLogicIO
import VectorLogicIndex

/// The files of a data directory sorted by role (data-format.md, "Data directory layout").
struct DirectoryListing: Sendable {
    var manifestPresent = false
    /// Log numbers, ascending.
    var logs: [UInt64] = []
    /// Segment numbers, ascending.
    var segments: [UInt64] = []
    /// `*.tmp` leftovers of interrupted writes.
    var temporaries: [String] = []

    /// Lists `directory` through the file system.
    init(directory: String, fileSystem: any FileSystem) throws(ToolError) {
        let names: [String]
        do {
            names = try fileSystem.contents(ofDirectory: directory)
        } catch {
            throw ToolError.io(error.description)
        }
        for name in names {
            if name == FileNames.manifest {
                manifestPresent = true
            } else if let number = FileNames.number(name, suffix: ".log") {
                logs.append(number)
            } else if let number = FileNames.number(name, suffix: ".seg") {
                segments.append(number)
            } else if name.hasSuffix(FileNames.temporarySuffix) {
                temporaries.append(name)
            }
        }
        logs.sort()
        segments.sort()
    }
}

/// Small file helpers shared by the tools; every failure becomes a `ToolError` naming the path.
enum ToolIO {
    /// The whole file (empty for an empty file).
    static func read(_ path: String, fileSystem: any FileSystem) throws(ToolError) -> [UInt8] {
        do {
            let handle = try fileSystem.open(path, create: false)
            defer { handle.close() }
            let size = try handle.size()
            return size == 0 ? [] : try handle.read(at: 0, count: Int(size))
        } catch {
            throw ToolError.io(error.description)
        }
    }

    /// The file mapped read-only (segments can be large; reading them would double memory).
    static func map(_ path: String, fileSystem: any FileSystem) throws(ToolError) -> MappedFile {
        do {
            return try fileSystem.map(path)
        } catch {
            throw ToolError.io(error.description)
        }
    }

    /// The last path component.
    static func baseName(_ path: String) -> String {
        path.split(separator: "/").last.map(String.init) ?? path
    }

    /// The directory part of a path ("." when there is none).
    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}

/// The decoded manifest, or the problem that kept it from decoding.
enum ManifestRead {
    case absent
    case decoded(EngineManifest, bytes: Int)
    case damaged(ToolProblem)

    /// Reads and decodes `directory/MANIFEST` (never throws for damage: damage is a finding).
    static func read(directory: String, fileSystem: any FileSystem, name: String = FileNames.manifest) throws(ToolError) -> ManifestRead {
        let path = directory + "/" + name
        guard fileSystem.exists(path) else { return .absent }
        let bytes = try ToolIO.read(path, fileSystem: fileSystem)
        do {
            let body = try ManifestContainer.decode(bytes)
            do {
                return .decoded(try EngineManifest.decode(body), bytes: bytes.count)
            } catch {
                return .damaged(ToolProblem(file: FileNames.manifest, offset: Int64(ManifestContainer.headerSize + error.offset),
                                            message: "manifest body: \(error.reason)"))
            }
        } catch {
            return .damaged(ToolProblem(file: FileNames.manifest, offset: Int64(error.offset), message: error.reason))
        }
    }
}

/// A segment's vectors section as a `VectorSource` for the index (rows 64-byte aligned in the mapping).
final class ToolsSegmentVectors: VectorSource, @unchecked Sendable {
    let dimension: Int
    private let base: UnsafeRawPointer?
    private let stride: Int
    /// Keeps the mapping alive as long as the graph reads from it.
    private let owner: AnyObject

    init(vectors: UnsafeRawBufferPointer, dimension: Int, owner: AnyObject) {
        self.dimension = dimension
        self.base = vectors.baseAddress
        self.stride = EngineSegmentInfo.stride(dimension: dimension)
        self.owner = owner
    }

    func vector(_ row: UInt32) -> UnsafePointer<Float> {
        guard let base else { preconditionFailure("vector of an empty segment") }
        return (base + Int(row) * stride).assumingMemoryBound(to: Float.self)
    }

    var contiguousRows: ContiguousRows? {
        guard let base else { return nil }
        return ContiguousRows(base: base.assumingMemoryBound(to: Float.self), stride: stride / 4)
    }
}

/// Names of the section kinds the engine and the index define, for reports.
enum SectionNames {
    static func name(_ kind: UInt32) -> String {
        switch kind {
        case SegmentSectionKind.engineInfo.rawValue: return "info"
        case SegmentSectionKind.engineVectors.rawValue: return "vectors"
        case SegmentSectionKind.engineIDs.rawValue: return "ids"
        case SegmentSectionKind.engineIDOrder.rawValue: return "id-order"
        case SegmentSectionKind.engineMetadata.rawValue: return "metadata"
        case SegmentSectionKind.engineGraph.rawValue: return "graph"
        default: return "kind-\(kind)"
        }
    }

    static let metrics = ["cosine", "dot", "euclidean"]
    static let indexTypes = ["hnsw", "flat"]

    static func metric(_ code: UInt8) -> String { Int(code) < metrics.count ? metrics[Int(code)] : "unknown(\(code))" }
    static func indexType(_ code: UInt8) -> String { Int(code) < indexTypes.count ? indexTypes[Int(code)] : "unknown(\(code))" }
}

extension UnsafeRawBufferPointer {
    /// A little-endian u32 at `offset` (the caller has checked the bounds).
    func toolLE32(at offset: Int) -> UInt32 {
        UInt32(littleEndian: loadUnaligned(fromByteOffset: offset, as: UInt32.self))
    }
}
