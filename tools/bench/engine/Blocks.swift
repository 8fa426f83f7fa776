import Foundation
import VectorLogicEngine
import VectorLogicFormat
import VectorLogicIO

/// `engine-bench --blocks`: what per-block checksums cost (data-format.md "Block checksums"): the vectors check of a
/// 100,000 × 384 segment by block size, and search latency before and after one vectors block is damaged.
enum Blocks {
    static func run(dataset: Dataset, work: String) async throws {
        let directory = work + "/blocks"
        if !FileManager.default.fileExists(atPath: directory) {
            _ = try await Ingest.run(dataset: dataset, directory: directory, writers: 8, batch: 256, limit: dataset.vectors.count, maxSeconds: 900)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".seg") }
        let largest = try names.max { try size(directory + "/" + $0) < size(directory + "/" + $1) } ?? ""
        try checksumCost(directory + "/" + largest)
        let queries = (0..<1_000).map { dataset.vectors[($0 * 97) % dataset.vectors.count] }
        let clean = try await searchLatency(directory, queries: queries)
        try damageOneBlock(directory + "/" + largest)
        let damaged = try await searchLatency(directory, queries: queries)
        emit(String(format: "search k=10, 1,000 queries: clean p50 %.3f ms mean %.3f ms; one damaged vectors block (%d rows skipped) p50 %.3f ms mean %.3f ms",
                    clean.p50, clean.mean, damaged.unreadable, damaged.p50, damaged.mean))
        try? FileManager.default.removeItem(atPath: directory + "/lost")
    }

    static func size(_ path: String) throws -> Int64 { try PosixFileSystem().size(of: path) }

    /// Whole-section CRC vs per-block CRCs of 512 B … 64 KiB over the vectors section (warm page cache), best of 5.
    static func checksumCost(_ path: String) throws {
        let mapping = try PosixFileSystem().map(path)
        let layout = try SegmentContainer.open(mapping.bytes)
        guard let vectors = layout.section(.engineVectors) else { return }
        let clock = ContinuousClock()
        var sink: UInt32 = 0
        for blockSize in [0, 512, 4_096, 16_384, 65_536] {
            var best = Double.infinity
            for _ in 0..<5 {
                let start = clock.now
                var offset = 0
                let step = blockSize == 0 ? vectors.count : blockSize
                while offset < vectors.count {
                    let count = min(step, vectors.count - offset)
                    sink ^= CRC32C.checksum(UnsafeRawBufferPointer(rebasing: vectors[offset..<(offset + count)]))
                    offset += count
                }
                best = min(best, Timing.milliseconds(clock.now - start))
            }
            emit(String(format: "vectors check, %d bytes, %@: %.1f ms (%.2f GB/s)", vectors.count,
                        blockSize == 0 ? "one CRC" : "\(blockSize)-byte blocks", best, Double(vectors.count) / best / 1e6))
        }
        let start = clock.now
        let damaged = layout.damagedBlocks(SegmentSectionKind.engineVectors.rawValue)
        emit(String(format: "SegmentLayout.damagedBlocks(vectors), stored 4 KiB blocks: %.1f ms, %d damaged (crc sink %u)",
                    Timing.milliseconds(clock.now - start), damaged.count, sink))
    }

    /// Flips 4 bytes in the middle of the vectors section.
    static func damageOneBlock(_ path: String) throws {
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        let at = try bytes.withUnsafeBytes { raw in
            let layout = try SegmentContainer.open(raw)
            guard let entry = layout.sections.first(where: { $0.kind == SegmentSectionKind.engineVectors.rawValue }) else { return 0 }
            return entry.offset + entry.length / 2
        }
        for index in at..<(at + 4) { bytes[index] ^= 0xA5 }
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    /// Opens the directory (background checks on), waits for them, times the queries one by one.
    static func searchLatency(_ directory: String, queries: [[Float]]) async throws -> (p50: Double, mean: Double, unreadable: Int) {
        let database = try Database.open(at: directory)
        try await Task.sleep(for: .seconds(5))  // the background pass checks every segment's vectors (tens of ms each)
        let clock = ContinuousClock()
        var samples: [Double] = []
        for query in queries {
            let start = clock.now
            _ = try database.search(Ingest.collection, SearchRequest(vector: query, k: 10))
            samples.append(Timing.milliseconds(clock.now - start))
        }
        let unreadable = database.stats().unreadableRows
        try await database.close()
        samples.sort()
        return (Timing.quantile(samples, 0.5), samples.reduce(0, +) / Double(samples.count), unreadable)
    }
}
