import Logging
import Synchronization
import VectorLogicFormat
import VectorLogicIO

/// The rows a new segment is built from: a memtable prefix (flush) or the survivors of a compaction.
protocol SegmentRows {
    var rowCount: Int { get }
    var dimension: Int { get }
    func vector(_ row: UInt32) -> UnsafePointer<Float>
    func id(_ row: UInt32) -> String
    func metadataBytes(_ row: UInt32) -> [UInt8]
}

/// A memtable's rows `0..<count` as segment rows (rows keep their numbers, so the memtable's graph applies as is).
struct MemtableRows: SegmentRows {
    let table: Memtable
    let count: Int
    var rowCount: Int { count }
    var dimension: Int { table.dimension }
    func vector(_ row: UInt32) -> UnsafePointer<Float> { table.vector(row) }
    func id(_ row: UInt32) -> String { table.row(row).id }
    func metadataBytes(_ row: UInt32) -> [UInt8] { table.row(row).metadata }
}

/// Writes segment files (data-format.md, "Segment sections"): sections streamed at the offsets `SegmentWriter` lays
/// out, to `<n>.seg.tmp`, fsync'd, renamed to `<n>.seg`; the caller fsyncs the directory once for all new files.
enum SegmentBuilder {
    static func write(rows: some SegmentRows, info: EngineSegmentInfo, graph: [UInt8]?, path: String,
                      fileSystem: any FileSystem) throws(IOError) {
        var sections: [(kind: UInt32, bytes: [UInt8])] = [(SegmentSectionKind.engineInfo.rawValue, info.encode())]
        sections.append((SegmentSectionKind.engineVectors.rawValue, vectorBytes(rows)))
        var ids: [String] = []
        var metadata: [[UInt8]] = []
        ids.reserveCapacity(rows.rowCount)
        metadata.reserveCapacity(rows.rowCount)
        for row in 0..<UInt32(rows.rowCount) {
            ids.append(rows.id(row))
            metadata.append(rows.metadataBytes(row))
        }
        let order = (0..<UInt32(rows.rowCount)).sorted { Array(ids[Int($0)].utf8).lexicographicallyPrecedes(Array(ids[Int($1)].utf8)) }
        sections.append((SegmentSectionKind.engineIDs.rawValue, EngineSegmentTables.encodeIDs(ids)))
        sections.append((SegmentSectionKind.engineIDOrder.rawValue, EngineSegmentTables.encodeRows(order)))
        sections.append((SegmentSectionKind.engineMetadata.rawValue, EngineSegmentTables.encodeBlobs(metadata)))
        if let graph { sections.append((SegmentSectionKind.engineGraph.rawValue, graph)) }
        let file = SegmentContainer.build(sections: sections, blockSizes: EngineSegmentBlocks.sizes)
        try ManifestStore.writeFileDurably(file, temporary: path + FileNames.temporarySuffix, final: path, fileSystem: fileSystem)
    }

    /// Rows at a 64-byte stride, zero-padded, little-endian f32.
    static func vectorBytes(_ rows: some SegmentRows) -> [UInt8] {
        let stride = EngineSegmentInfo.stride(dimension: rows.dimension)
        var bytes = [UInt8](repeating: 0, count: stride * rows.rowCount)
        bytes.withUnsafeMutableBytes { raw in
            guard let base = raw.baseAddress else { return }
            for row in 0..<rows.rowCount {
                let source = rows.vector(UInt32(row))
                let target = base + row * stride
                #if _endian(little)
                target.copyMemory(from: source, byteCount: rows.dimension * 4)
                #else
                for index in 0..<rows.dimension {
                    target.storeBytes(of: source[index].bitPattern.littleEndian, toByteOffset: index * 4, as: UInt32.self)
                }
                #endif
            }
        }
        return bytes
    }
}
