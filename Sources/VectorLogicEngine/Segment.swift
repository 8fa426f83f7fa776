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
    /// How the graph's re-rank reads rows (`.pread`, or `.auto` for a large segment: from the file through
    /// `rowReader`'s descriptor, and the mapping's row pages are released after the background check and code build,
    /// `releaseVectorPages`).
    let vectorReads: VectorReads

    /// Whether this segment's re-rank reads rows with `pread` (`VectorReads.usesPread`).
    var readsWithPread: Bool { vectorReads.usesPread(vectorBytes: rows * dimension * 4) }
    private let vectorBase: UnsafeRawPointer?
    /// Byte offset of the vectors section in the file (row r starts at vectorOffset + r × stride).
    private let vectorOffset: Int
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
    /// Damaged blocks and the rows they take (version-2 segments; see `SegmentDamage`).
    private let damage: Locked<SegmentDamage>
    /// The id order rebuilt in memory from the readable ids, when the stored one or an id block is damaged.
    private let orderOverride: [UInt32]?
    /// Whether the sections are checksummed per block (container version 2).
    let blockChecked: Bool
    /// The rows matching recently asked filters (the segment never changes, so a match set stays true).
    let filterMatches = FilterMatchCache()

    /// Maps and checks a segment file; throws `.corruption` naming the file and offset.
    /// With `loadGraph` false the graph section is neither checksummed nor parsed (repair rebuilds it).
    init(number: UInt64, path: String, fileSystem: any FileSystem, loadGraph: Bool = true,
         vectorReads: VectorReads = .mapped) throws(EngineError) {
        self.number = number
        self.path = path
        self.vectorReads = vectorReads
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
        vectorOffset = (vectors.baseAddress.map { Int(bitPattern: $0) } ?? 0) - (mapping.bytes.baseAddress.map { Int(bitPattern: $0) } ?? 0)
        idSection = try section(.engineIDs)
        idOrder = try section(.engineIDOrder)
        metadataSection = try section(.engineMetadata)
        graphSection = layout.section(.engineGraph)
        guard idOrder.count == rows * 4, idSection.count >= (rows + 1) * 4, metadataSection.count >= (rows + 1) * 8 else {
            throw corrupt(0, "id or metadata section does not match \(rows) rows")
        }
        source = SegmentVectors(mapping: mapping, base: vectorBase, stride: stride, dimension: dimension)
        blockChecked = layout.blocks(.engineVectors) != nil
        try Segment.checkSmallSections(layout, corrupt, includingGraph: loadGraph)
        if blockChecked {
            let found = Segment.openDamage(layout, rows: rows, ids: idSection, metadata: metadataSection)
            damage = Locked(found.damage)
            orderOverride = found.rebuildOrder ? Segment.readableOrder(ids: idSection, rows: rows, skipping: found.damage.rows) : nil
        } else {
            if let error = EngineSegmentTables.checkOffsets(idSection, count: rows, width: 4) {
                throw corrupt(error.offset, "ids section: " + error.reason)
            }
            if let error = EngineSegmentTables.checkOffsets(metadataSection, count: rows, width: 8) {
                throw corrupt(error.offset, "metadata section: " + error.reason)
            }
            damage = Locked(SegmentDamage())
            orderOverride = nil
        }
        if loadGraph, let graphSection, rows > 0, let metric = DistanceMetric(code: info.metric) {
            let reads = readsWithPread ? try Segment.rowReader(path: path, fileSystem: fileSystem, start: vectorOffset,
                                                                      stride: stride, dimension: dimension) : nil
            do {
                graph = try FrozenHNSW(graph: graphSection, source: source, metric: metric, count: rows, rerankReads: reads)
            } catch {
                throw corrupt(layout.sections.first { $0.kind == SegmentSectionKind.engineGraph.rawValue }?.offset ?? 0,
                              "graph section: \(error)")
            }
        }
    }

    /// A `RowRead` that preads row `r` from the segment file (its own descriptor, kept open by the closure) at the
    /// vectors section's offset + r × stride. pread carries its offset, so concurrent searches share the descriptor.
    private static func rowReader(path: String, fileSystem: any FileSystem, start: Int,
                                  stride: Int, dimension: Int) throws(EngineError) -> RowRead {
        let file: any FileHandle
        do {
            file = try fileSystem.openRegularFile(path)
        } catch {
            throw EngineError.io(error.description)
        }
        let start = Int64(start)
        let rowBytes = dimension * 4
        return { row, buffer in
            guard buffer.count >= rowBytes else { return false }
            let bytes = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<rowBytes])
            let read = try? file.read(at: start + Int64(row) * Int64(stride), into: bytes)
            return read == rowBytes
        }
    }

    /// With `.pread` reads, drops the vectors section's pages from the resident set once the background check and the
    /// SQ8 code build (which read every row through the mapping) are done; searches then read rows with pread.
    func releaseVectorPages() {
        // Only rows re-ranked after an SQ8 walk are read with pread; exact scans and float32 walks (flat segments,
        // graphs under `FrozenHNSW.quantizedTraversalMinimumRows`) read the mapping and would fault the pages back.
        guard readsWithPread, graph?.usesQuantizedTraversal == true else { return }
        mapping.releasePages(vectorOffset..<(vectorOffset + rows * stride))
    }

    /// Checksums the sections that carry one CRC (all but the vectors in version 1; info and graph in version 2,
    /// whose block-checked sections are checked by `openDamage` and `checkVectors`).
    private static func checkSmallSections(_ layout: SegmentLayout, _ corrupt: (Int, String) -> EngineError,
                                           includingGraph: Bool) throws(EngineError) {
        for entry in layout.sections where entry.kind != SegmentSectionKind.engineVectors.rawValue && layout.blocks(entry.kind) == nil {
            if !includingGraph, entry.kind == SegmentSectionKind.engineGraph.rawValue { continue }
            guard let bytes = layout.section(entry.kind) else { continue }
            guard CRC32C.checksum(bytes) == entry.crc else {
                throw corrupt(entry.offset, "section \(entry.kind) fails its CRC32C")
            }
        }
    }

    /// Checks the ids, id order and metadata blocks (a few bytes per row): the rows they take, and whether the id
    /// order must be rebuilt from the readable ids.
    private static func openDamage(_ layout: SegmentLayout, rows: Int, ids: UnsafeRawBufferPointer,
                                   metadata: UnsafeRawBufferPointer) -> (damage: SegmentDamage, rebuildOrder: Bool) {
        var damage = SegmentDamage()
        var rebuild = false
        for (kind, width, section) in [(SegmentSectionKind.engineIDs, 4, ids), (.engineMetadata, 8, metadata)] {
            let blocks = layout.damagedBlocks(kind.rawValue)
            let taken = BlockDamage.tableRows(section, rows: rows, width: width, damaged: Set(blocks),
                                              blockSize: layout.blocks(kind)?.blockSize ?? 512)
            for row in taken.rows { damage.rows.insert(row) }
            if !blocks.isEmpty || !taken.isEmpty {
                damage.notes.append("\(SectionNames.name(kind.rawValue)) blocks \(blocks) fail their CRC32C: \(taken.count) rows unreadable")
            }
            if kind == .engineIDs, !taken.isEmpty { rebuild = true }
        }
        let order = layout.damagedBlocks(SegmentSectionKind.engineIDOrder.rawValue)
        if !order.isEmpty {
            damage.notes.append("id-order blocks \(order) fail their CRC32C: the order is rebuilt in memory (no rows lost)")
            rebuild = true
        }
        return (damage, rebuild)
    }

    /// The readable rows sorted by id (the id order section's content), built when that section cannot be trusted.
    private static func readableOrder(ids: UnsafeRawBufferPointer, rows: Int, skipping: Bitset) -> [UInt32] {
        let readable = (0..<UInt32(rows)).filter { !skipping.contains($0) }
        return readable.sorted { a, b in
            IDOrder.compare(tableSlice(ids, rows: rows, width: 4, row: a), Array(tableSlice(ids, rows: rows, width: 4, row: b))) < 0
        }
    }

    /// Checks the vectors section once (per block in version 2, as a whole in version 1) and remembers what it found;
    /// later calls return the same. Run by the background maintenance pass, and by a checkpoint before it compacts.
    @discardableResult
    func checkVectors() -> SegmentDamage {
        if let known = damage.withLock({ $0.vectorsChecked ? $0 : nil }) { return known }
        var found = SegmentDamage()
        if blockChecked, let blocks = layout.blocks(.engineVectors), let vectors = layout.section(.engineVectors) {
            let damaged = layout.damagedBlocks(SegmentSectionKind.engineVectors.rawValue)
            found.rows = BlockDamage.vectorRows(damaged, blocks: blocks, length: vectors.count, stride: stride, rows: rows)
            if !damaged.isEmpty { found.notes.append("vectors blocks \(damaged) fail their CRC32C: \(found.rows.count) rows unreadable") }
        } else if let entry = layout.sections.first(where: { $0.kind == SegmentSectionKind.engineVectors.rawValue }),
                  let bytes = layout.section(entry.kind), CRC32C.checksum(bytes) != entry.crc {
            found.wholeVectors = .corruption(file: path, offset: Int64(entry.offset), reason: "vectors section fails its CRC32C")
        }
        return damage.withLock { state in
            if !state.vectorsChecked {
                state.vectorsChecked = true
                for row in found.rows.rows { state.rows.insert(row) }
                state.notes += found.notes
                state.wholeVectors = found.wholeVectors
            }
            return state
        }
    }

    /// What is known to be damaged so far.
    var knownDamage: SegmentDamage { damage.withLock { $0 } }

    /// Rows that must not be served, or nil when none (the common case costs one lock, no copy).
    var unreadableRows: Bitset? { damage.withLock { $0.rows.isEmpty ? nil : $0.rows } }

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
        Segment.tableSlice(idSection, rows: rows, width: 4, row: row)
    }

    /// Row `row`'s bytes in an offset-table section; empty when its offsets are out of order or range (a damaged
    /// block of a version-2 segment: such rows are unreadable and never asked for, but a read must not trap).
    static func tableSlice(_ section: UnsafeRawBufferPointer, rows: Int, width: Int, row: UInt32) -> UnsafeRawBufferPointer {
        let table = (rows + 1) * width
        let at = Int(row) * width
        guard at + 2 * width <= section.count else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        let start: UInt64, end: UInt64
        if width == 4 {
            start = UInt64(UInt32(littleEndian: section.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
            end = UInt64(UInt32(littleEndian: section.loadUnaligned(fromByteOffset: at + 4, as: UInt32.self)))
        } else {
            start = UInt64(littleEndian: section.loadUnaligned(fromByteOffset: at, as: UInt64.self))
            end = UInt64(littleEndian: section.loadUnaligned(fromByteOffset: at + 8, as: UInt64.self))
        }
        guard start <= end, end <= UInt64(section.count - table) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(rebasing: section[(table + Int(start))..<(table + Int(end))])
    }

    /// The id of a row.
    func id(_ row: UInt32) -> String {
        String(decoding: idBytes(row), as: UTF8.self)
    }

    /// Positions in the id order: every row, or the readable ones when the order was rebuilt.
    var orderCount: Int { orderOverride?.count ?? rows }

    /// The row at position `index` of the id order.
    @inline(__always)
    func orderedRow(_ index: Int) -> UInt32 {
        if let orderOverride { return orderOverride[index] }
        return UInt32(littleEndian: idOrder.loadUnaligned(fromByteOffset: index * 4, as: UInt32.self))
    }

    /// The first position in id order whose id is ≥ `key` (or > when `strictlyAfter`).
    func lowerBound(_ key: [UInt8], strictlyAfter: Bool = false) -> Int {
        var low = 0
        var high = orderCount
        while low < high {
            let mid = (low + high) / 2
            let row = orderedRow(mid)
            guard row < rows else { return orderCount }
            let order = IDOrder.compare(idBytes(row), key)
            if order < 0 || (strictlyAfter && order == 0) { low = mid + 1 } else { high = mid }
        }
        return low
    }

    /// The live row holding `id`, if any (binary search over the id order). A segment can hold several rows with one
    /// id (a memtable's overwritten rows are flushed with tombstones), so equal ids are scanned for one not in `dead`.
    func find(_ id: [UInt8], dead: Bitset) -> UInt32? {
        var position = lowerBound(id)
        while position < orderCount {
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
        Segment.tableSlice(metadataSection, rows: rows, width: 8, row: row)
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
