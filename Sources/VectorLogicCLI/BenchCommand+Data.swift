import Foundation
import VectorLogicIndex

/// TEXMEX `.fvecs` / `.ivecs` readers: per record an int32 LE count followed by that many 4-byte LE values.
/// Total: a short file, a negative or inconsistent count, or trailing bytes is an error, never a trap.
enum TexmexFile {
    struct ReadError: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads the whole file; `limit` keeps only the first records.
    static func bytes(_ path: String) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReadError(description: "cannot read \(path)")
        }
        return [UInt8](data)
    }

    /// Record width (values per record) and record count, after checking every record header.
    static func shape(_ bytes: [UInt8], path: String) throws -> (width: Int, count: Int) {
        guard bytes.count >= 4 else { throw ReadError(description: "\(path) is empty or shorter than one record") }
        let width = Int(Int32(bitPattern: u32(bytes, 0)))
        guard width > 0, width <= 1 << 20 else { throw ReadError(description: "\(path): bad record width \(width)") }
        let record = 4 + width * 4
        guard bytes.count % record == 0 else {
            throw ReadError(description: "\(path): size \(bytes.count) is not a multiple of the record size \(record)")
        }
        let count = bytes.count / record
        for i in 0..<count where Int(Int32(bitPattern: u32(bytes, i * record))) != width {
            throw ReadError(description: "\(path): record \(i) has another width")
        }
        return (width, count)
    }

    static func u32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        UInt32(bytes[at]) | UInt32(bytes[at + 1]) << 8 | UInt32(bytes[at + 2]) << 16 | UInt32(bytes[at + 3]) << 24
    }

    /// Loads an `.fvecs` file into an aligned, contiguous source (first `limit` rows when given).
    static func readVectors(_ path: String, limit: Int? = nil) throws -> FlatVectorSource {
        let bytes = try bytes(path)
        let (width, total) = try shape(bytes, path: path)
        let count = min(total, limit ?? total)
        return FlatVectorSource(dimension: width, count: count) { out in
            for r in 0..<count {
                let base = r * (4 + width * 4) + 4
                for j in 0..<width { out[r * width + j] = Float(bitPattern: u32(bytes, base + j * 4)) }
            }
        }
    }

    /// Loads an `.ivecs` file as rows of ids.
    static func readIDs(_ path: String) throws -> [[Int32]] {
        let bytes = try bytes(path)
        let (width, count) = try shape(bytes, path: path)
        return (0..<count).map { r in
            let base = r * (4 + width * 4) + 4
            return (0..<width).map { j in Int32(bitPattern: u32(bytes, base + j * 4)) }
        }
    }
}
