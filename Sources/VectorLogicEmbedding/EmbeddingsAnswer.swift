internal import VectorLogicJSON

/// Reads an OpenAI embeddings answer: `{"data": [{"index": i, "embedding": [float, …]}, …], …}`.
enum EmbeddingsAnswer {
    /// One vector per input, ordered by `index`; every vector finite, nonempty and of one width (`dimensions` when
    /// set). Anything else is `providerFailed` naming what was wrong.
    static func vectors(from body: [UInt8], count: Int, dimensions: Int?) throws(EmbeddingError) -> [[Float]] {
        guard case .object(let root)? = try? JSONParser.parse(body), case .array(let data)? = root["data"] else {
            throw .providerFailed("the answer is not an embeddings list (no data array)")
        }
        guard data.count == count else { throw .providerFailed("the answer has \(data.count) embeddings for \(count) inputs") }
        var vectors = [[Float]?](repeating: nil, count: count)
        for (position, item) in data.enumerated() {
            guard case .object(let entry) = item, case .array(let values)? = entry["embedding"] else {
                throw .providerFailed("embedding \(position) of the answer is not an array of numbers")
            }
            var index = position
            if case .number(let given)? = entry["index"] {
                guard given >= 0, given < Double(count), given == given.rounded() else {
                    throw .providerFailed("embedding \(position) has index \(given)")
                }
                index = Int(given)
            }
            guard vectors[index] == nil else { throw .providerFailed("the answer repeats index \(index)") }
            var vector: [Float] = []
            vector.reserveCapacity(values.count)
            for case .number(let value) in values {
                let float = Float(value)
                guard float.isFinite else { throw .providerFailed("embedding \(index) has a value that is not a finite float") }
                vector.append(float)
            }
            guard vector.count == values.count, !vector.isEmpty else {
                throw .providerFailed("embedding \(index) is not a nonempty array of numbers")
            }
            if let dimensions, vector.count != dimensions {
                throw .providerFailed("embedding \(index) has \(vector.count) dimensions, \(dimensions) were asked for")
            }
            if let width = vectors.first(where: { $0 != nil }) ?? nil, width.count != vector.count {
                throw .providerFailed("the answer mixes widths \(width.count) and \(vector.count)")
            }
            vectors[index] = vector
        }
        return vectors.map { $0 ?? [] }
    }
}
