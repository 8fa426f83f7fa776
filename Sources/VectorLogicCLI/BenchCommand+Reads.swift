import VectorLogicIO
import VectorLogicIndex

extension BenchCommand {
    /// `--rerank-reads pread`: the re-rank reads each row from the base `.fvecs` file with pread, as a segment does
    /// with `--vector-reads pread` (each record: a 4-byte dimension, then the floats).
    static func fvecsRowReader(path: String, dimension: Int) throws -> RowRead {
        let file = try PosixFileSystem().openRegularFile(path)
        let rowBytes = dimension * 4
        let recordBytes = Int64(4 + rowBytes)
        return { row, buffer in
            guard buffer.count >= rowBytes else { return false }
            let target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<rowBytes])
            return (try? file.read(at: Int64(row) * recordBytes + 4, into: target)) == rowBytes
        }
    }
}
