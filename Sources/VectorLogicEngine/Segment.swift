import Logging
import Synchronization
import VectorLogicSync
import VectorLogicDistance
import VectorLogicFormat
import VectorLogicIO
import VectorLogicIndex
import VectorLogicJSON

/// An immutable segment file, mapped and read in place (data-format.md, "Segment sections").
///
/// Opening checks the container (header, table, footer) and the small sections' shapes in O(1), and checksums the
/// small sections (ids, id order, metadata, graph: a few bytes per row). The vectors section (the bulk of the file) is
/// checksummed by `Verifier` and by the background check after open (`verifyVectors()`), never on the open path, so
/// a large database opens in milliseconds. Every offset read from the file is bounds-checked: a damaged file yields an
/// error or an empty value, never a trap or an out-of-bounds read.
final class Segment: @unchecked Sendable {
    /// File number (`<16 hex>.seg`).
    let number: UInt64
    /// Path of the file.
    let path: String
    /// The facts from the info section.
    let info: EngineSegmentInfo
    /// Rows.
    let rows: Int
    /// Values per row.
    let dimension: Int
    /// File size.
    let fileBytes: Int64
    let layout: SegmentLayout
    private let mapping: MappedFile
    private let vectorBase: UnsafeRawPointer?
    private let stride: Int
    private let idSection: UnsafeRawBufferPointer
    private let idOrder: UnsafeRawBufferPointer
    private let metadataSection: UnsafeRawBufferPointer
    /// The graph section, when the segment has one.
    let graphSection: UnsafeRawBufferPointer?
    /// The rows as the index reads them (keeps the mapping alive; no reference back to the segment, so no cycle).
    let source: SegmentVectors
    /// The HNSW graph read in place from the graph section (validated in O(1)), when the segment has one.
    private(set) var graph: FrozenHNSW?

    /// Maps and checks a segment file; throws `.corruption` naming the file and offset.
    /// With `loadGraph` false the graph section is neither checksummed nor parsed (repair rebuilds it).
    init(number: UInt64, path: String, fileSystem: any FileSystem, loadGraph: Bool = true) throws(EngineError) {
        self.number = number
        self.path = path
        do {
            mapping = try fileSystem.map(path)
        } catch {
            throw EngineError.io(error.description)
        }
        fileBytes = Int64(mapping.bytes.count)
        let corrupt = { (offset: Int, reason: String) in EngineError.corruption(file: path, offset: Int64(offset), reason: reason) }
        let layout: SegmentLayout
        do {
            layout = try SegmentContainer.open(mapping.bytes)
        } catch {
            throw corrupt(error.offset, error.reason)
        }
        self.layout = layout
        func section(_ kind: SegmentSectionKind) throws(EngineError) -> UnsafeRawBufferPointer {
            guard let bytes = layout.section(kind) else { throw corrupt(0, "missing section \(kind.rawValue)") }
            return bytes
        }
        let infoBytes = try section(.engineInfo)
        let info: EngineSegmentInfo
        do {
            info = try EngineSegmentInfo.decode(infoBytes)
        } catch {
            throw corrupt(error.offset, "info section: " + error.reason)
        }
        self.info = info
        rows = Int(info.rows)
        dimension = Int(info.dimension)
        stride = Int(info.stride)
        let vectors = try section(.engineVectors)
        guard vectors.count == rows * stride else { throw corrupt(0, "vectors section holds \(vectors.count) bytes, expected \(rows * stride)") }
        vectorBase = vectors.baseAddress
        idSection = try section(.engineIDs)
        idOrder = try section(.engineIDOrder)
        metadataSection = try section(.engineMetadata)
        graphSection = layout.section(.engineGraph)
        guard idOrder.count == rows * 4, idSection.count >= (rows + 1) * 4, metadataSection.count >= (rows + 1) * 8 else {
            throw corrupt(0, "id or metadata section does not match \(rows) rows")
        }
        source = SegmentVectors(mapping: mapping, base: vectorBase, stride: stride, dimension: dimension)
        try checkSmallSections(corrupt, includingGraph: loadGraph)
        if loadGraph, let graphSection, rows > 0, let metric = DistanceMetric(code: info.metric) {
            do {
                graph = try FrozenHNSW(graph: graphSection, source: source, metric: metric, count: rows)
            } catch {
                throw corrupt(layout.sections.first { $0.kind == SegmentSectionKind.engineGraph.rawValue }?.offset ?? 0,
                              "graph section: \(error)")
            }
        }
    }

    /// Checksums the small sections and checks their offset tables (a few bytes per row).
    private func checkSmallSections(_ corrupt: (Int, String) -> EngineError, includingGraph: Bool) throws(EngineError) {
        for entry in layout.sections where entry.kind != SegmentSectionKind.engineVectors.rawValue {
            if !includingGraph, entry.kind == SegmentSectionKind.engineGraph.rawValue { continue }
            guard let bytes = layout.section(entry.kind) else { continue }
            guard CRC32C.checksum(bytes) == entry.crc else {
                throw corrupt(entry.offset, "section \(entry.kind) fails its CRC32C")
            }
        }
        if let error = EngineSegmentTables.checkOffsets(idSection, count: rows, width: 4) {
            throw corrupt(error.offset, "ids section: " + error.reason)
        }
        if let error = EngineSegmentTables.checkOffsets(metadataSection, count: rows, width: 8) {
            throw corrupt(error.offset, "metadata section: " + error.reason)
        }
    }

    /// The checksum of the vectors section; nil when it matches, else the error to report.
    func verifyVectors() -> EngineError? {
        for entry in layout.sections where entry.kind == SegmentSectionKind.engineVectors.rawValue {
            guard let bytes = layout.section(entry.kind) else { continue }
            if CRC32C.checksum(bytes) != entry.crc {
                return .corruption(file: path, offset: Int64(entry.offset), reason: "vectors section fails its CRC32C")
            }
        }
        return nil
    }

    /// The values of a row (rows are 64-byte aligned in a page-aligned mapping, so Float alignment holds).
    @inline(__always)
    func vector(_ row: UInt32) -> UnsafePointer<Float> {
        guard let base = vectorBase else { preconditionFailure("vector of an empty segment") }
        return (base + Int(row) * stride).assumingMemoryBound(to: Float.self)
    }

    /// A copy of a row's values.
    func values(_ row: UInt32) -> [Float] {
        Array(UnsafeBufferPointer(start: vector(row), count: dimension))
    }

    /// The id bytes of a row.
    func idBytes(_ row: UInt32) -> UnsafeRawBufferPointer {
        let table = (rows + 1) * 4
        let start = Int(idSection.loadUnaligned(fromByteOffset: Int(row) * 4, as: UInt32.self).littleEndian)
        let end = Int(idSection.loadUnaligned(fromByteOffset: Int(row) * 4 + 4, as: UInt32.self).littleEndian)
        return UnsafeRawBufferPointer(rebasing: idSection[(table + start)..<(table + end)])
    }

    /// The id of a row.
    func id(_ row: UInt32) -> String {
        String(decoding: idBytes(row), as: UTF8.self)
    }

    /// The row at position `index` of the id order.
    @inline(__always)
    func orderedRow(_ index: Int) -> UInt32 {
        UInt32(littleEndian: idOrder.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
    }

    /// The first position in id order whose id is ≥ `key` (or > when `strictlyAfter`).
    func lowerBound(_ key: [UInt8], strictlyAfter: Bool = false) -> Int {
        var low = 0
        var high = rows
        while low < high {
            let mid = (low + high) / 2
            let row = orderedRow(mid)
            guard row < rows else { return rows }
            let order = IDOrder.compare(idBytes(row), key)
            if order < 0 || (strictlyAfter && order == 0) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The live row holding `id`, if any (binary search over the id order). A segment can hold several rows with one
    /// id (a memtable's overwritten rows are flushed with tombstones), so equal ids are scanned for one not in `dead`.
    func find(_ id: [UInt8], dead: Bitset) -> UInt32? {
        var position = lowerBound(id)
        while position < rows {
            let row = orderedRow(position)
            guard row < rows, IDOrder.compare(idBytes(row), id) == 0 else { return nil }
            if !dead.contains(row) { return row }
            position += 1
        }
        return nil
    }

    /// The stored metadata bytes of a row (compact JSON text, empty for none), in place in the mapping: filters scan
    /// them there (`CompiledFilter.matches(text:)`), so a filtered search parses no row and keeps no parsed copy.
    func metadataBytes(_ row: UInt32) -> UnsafeRawBufferPointer {
        let table = (rows + 1) * 8
        let start = Int(metadataSection.loadUnaligned(fromByteOffset: Int(row) * 8, as: UInt64.self).littleEndian)
        let end = Int(metadataSection.loadUnaligned(fromByteOffset: Int(row) * 8 + 8, as: UInt64.self).littleEndian)
        return UnsafeRawBufferPointer(rebasing: metadataSection[(table + start)..<(table + end)])
    }

    /// The metadata of a row as stored (nil when none), copied out of the mapping unparsed.
    func metadata(_ row: UInt32) -> CompactJSON? {
        CompactJSON(stored: metadataBytes(row))
    }
}

/// A segment's vectors section as a `VectorSource`: rows at a 64-byte stride in the mapping.
final class SegmentVectors: VectorSource, @unchecked Sendable {
    let mapping: MappedFile
    let base: UnsafeRawPointer?
    let strideBytes: Int
    let dimension: Int

    init(mapping: MappedFile, base: UnsafeRawPointer?, stride: Int, dimension: Int) {
        self.mapping = mapping
        self.base = base
        self.strideBytes = stride
        self.dimension = dimension
    }

    func vector(_ row: UInt32) -> UnsafePointer<Float> {
        guard let base else { preconditionFailure("vector of an empty segment") }
        return (base + Int(row) * strideBytes).assumingMemoryBound(to: Float.self)
    }

    var contiguousRows: ContiguousRows? {
        guard let base else { return nil }
        return ContiguousRows(base: base.assumingMemoryBound(to: Float.self), stride: strideBytes / 4)
    }
}

extension DistanceMetric {
    /// The metric of a stored code (0 cosine, 1 dot, 2 euclidean).
    init?(code: UInt8) {
        switch code {
        case 0: self = .cosine
        case 1: self = .dot
        case 2: self = .euclidean
        default: return nil
        }
    }
}

/// Id ordering shared by segments, memtables and cursors: bytewise (ids are ASCII).
enum IDOrder {
    /// -1, 0, 1 comparing two byte strings.
    static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        let count = min(a.count, b.count)
        for index in 0..<count where a[index] != b[index] {
            return a[index] < b[index] ? -1 : 1
        }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }
}
