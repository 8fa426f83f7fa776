internal import VectorLogicIO
internal import VectorLogicJSON

/// A `.safetensors` file mapped read-only: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then the raw little-endian data. float32 tensors are used in place from the mapping
/// (no copy), so only the pages a forward pass touches count in RSS: the 47 MB word-embedding table is read one row
/// per token.
final class SafeTensors: @unchecked Sendable {
    // @unchecked: the mapping is immutable after init and freed only in deinit.
    private let file: MappedFile
    private let dataStart: Int
    private let entries: [String: (dtype: String, shape: [Int], begin: Int, end: Int)]
    let path: String

    /// Maps `path` and reads its header; every range is checked against the file size before use.
    init(path: String) throws(EmbeddingError) {
        self.path = path
        do { file = try PosixFileSystem().map(path) } catch {
            if case .notFound = error { throw .modelFileMissing(file: path) }
            throw .modelFileDamaged(file: path, reason: error.description)
        }
        let bytes = file.bytes
        guard bytes.count >= 8 else { throw .modelFileDamaged(file: path, reason: "shorter than its header") }
        var headerLength = 0
        for i in 0..<8 { headerLength |= Int(bytes[i]) << (8 * i) }
        guard headerLength > 1, headerLength <= 1 << 24, 8 + headerLength <= bytes.count else {
            throw .modelFileDamaged(file: path, reason: "header length \(headerLength) does not fit the file")
        }
        dataStart = 8 + headerLength
        let header: JSONValue
        do { header = try JSONParser.parse(UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart])) } catch {
            throw .modelFileDamaged(file: path, reason: "header is not JSON: \(error)")
        }
        guard case .object(let object) = header else { throw .modelFileDamaged(file: path, reason: "header is not an object") }
        var table: [String: (dtype: String, shape: [Int], begin: Int, end: Int)] = [:]
        for (name, value) in object.entries where name != "__metadata__" {
            guard case .object(let tensor) = value, case .string(let dtype)? = tensor["dtype"],
                case .array(let shapeValues)? = tensor["shape"], case .array(let range)? = tensor["data_offsets"],
                range.count == 2, case .number(let begin) = range[0], case .number(let end) = range[1],
                begin >= 0, begin <= end, end <= Double(bytes.count - dataStart)
            else { throw .modelFileDamaged(file: path, reason: "tensor \(name) has a bad header entry") }
            var shape: [Int] = []
            for case .number(let d) in shapeValues where d >= 0 && d < 1e9 { shape.append(Int(d)) }
            guard shape.count == shapeValues.count else { throw .modelFileDamaged(file: path, reason: "tensor \(name) has a bad shape") }
            table[name] = (dtype, shape, Int(begin), Int(end))
        }
        entries = table
    }

    /// The float32 tensor `name`, which must have exactly `shape`.
    func floats(_ name: String, shape: [Int]) throws(EmbeddingError) -> UnsafePointer<Float> {
        guard let entry = entries[name] else { throw .modelFileDamaged(file: path, reason: "no tensor \(name)") }
        guard entry.dtype == "F32", entry.shape == shape, entry.end - entry.begin == shape.reduce(4, *) else {
            throw .modelFileDamaged(file: path, reason: "tensor \(name) is \(entry.dtype) \(entry.shape), expected F32 \(shape)")
        }
        guard let base = file.bytes.baseAddress, (dataStart + entry.begin) % MemoryLayout<Float>.alignment == 0 else {
            throw .modelFileDamaged(file: path, reason: "tensor \(name) is not 4-byte aligned")
        }
        return (base + dataStart + entry.begin).assumingMemoryBound(to: Float.self)
    }
}
