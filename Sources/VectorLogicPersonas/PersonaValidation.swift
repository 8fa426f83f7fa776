import VectorLogicDistance
import VectorLogicJSON

extension PersonaSettings {
    /// Throws `.invalid` naming the first field out of range (docs/api.md: a rejected request changes nothing).
    public func validate() throws(PersonaStoreError) {
        // Unicode scalars, as JSON Schema's maxLength counts, so the OpenAPI limit and this one agree.
        let nameLength = name.unicodeScalars.count
        guard nameLength >= 1, nameLength <= PersonaLimits.nameCharacters else {
            throw PersonaStoreError.invalid(field: "name", message: "name must be 1 to \(PersonaLimits.nameCharacters) characters")
        }
        guard systemPrompt.utf8.count <= PersonaLimits.textBytes else {
            throw PersonaStoreError.invalid(field: "system_prompt", message: "system_prompt must be at most \(PersonaLimits.textBytes) bytes")
        }
        guard PersonaLimits.memorySize.contains(maxMemorySize) else {
            throw PersonaStoreError.invalid(field: "max_memory_size", message: "max_memory_size must be an integer from 1 to 100000")
        }
        guard PersonaLimits.decayMilliseconds.contains(memoryDecayMilliseconds) else {
            throw PersonaStoreError.invalid(field: "memory_decay_ms",
                           message: "memory_decay_ms must be an integer from 0 (never) to \(PersonaLimits.decayMilliseconds.upperBound)")
        }
        guard temperature.isFinite, PersonaLimits.temperature.contains(temperature) else {
            throw PersonaStoreError.invalid(field: "temperature", message: "temperature must be a number from 0 to 2")
        }
        guard PersonaLimits.maxTokens.contains(maxTokens) else {
            throw PersonaStoreError.invalid(field: "max_tokens", message: "max_tokens must be an integer from 1 to 1000000")
        }
    }
}

extension NewMemory {
    /// Throws `.invalid` for empty or oversized content or context, or a bad vector; returns the context's JSON text.
    func validate() throws(PersonaStoreError) -> String {
        guard !content.isEmpty, content.utf8.count <= PersonaLimits.textBytes else {
            throw PersonaStoreError.invalid(field: "content", message: "content must be 1 to \(PersonaLimits.textBytes) bytes")
        }
        let contextText = JSONWriter.string(.object(context))
        guard contextText.utf8.count <= PersonaLimits.textBytes else {
            throw PersonaStoreError.invalid(field: "context", message: "context must be at most \(PersonaLimits.textBytes) bytes serialised")
        }
        if let vector {
            try MemoryVector.validate(vector, field: "vector")
        }
        return contextText
    }
}

/// Memory vectors: their limits and their little-endian float32 blob encoding (data-format.md "personas.sqlite").
enum MemoryVector {
    /// 1…20,000 finite numbers with a squared L2 norm of at most `Distance.maxSquaredNorm` (1e37), as the engine asks:
    /// a larger norm overflows Float32, the vector cannot be normalised, and its similarity would clamp to 1 and rank first.
    static func validate(_ vector: [Float], field: String) throws(PersonaStoreError) {
        guard PersonaLimits.dimension.contains(vector.count) else {
            throw PersonaStoreError.invalid(field: field, message: "\(field) must have 1 to \(PersonaLimits.dimension.upperBound) numbers")
        }
        guard vector.allSatisfy(\.isFinite) else {
            throw PersonaStoreError.invalid(field: field, message: "\(field) must hold finite numbers only")
        }
        guard Distance.squaredNormInDouble(vector) <= Distance.maxSquaredNorm else {
            throw PersonaStoreError.invalid(field: field, message: "\(field) has a squared L2 norm over the limit 1e37 (a norm of about 3.16e18)")
        }
    }

    /// Each float as 4 little-endian bytes.
    static func encode(_ vector: [Float]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(vector.count * 4)
        for value in vector {
            let bits = value.bitPattern.littleEndian
            withUnsafeBytes(of: bits) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }

    /// The floats of a blob; nil when its length is not a multiple of 4 (a damaged row).
    static func decode(_ bytes: [UInt8]) -> [Float]? {
        guard bytes.count % 4 == 0 else { return nil }
        var vector: [Float] = []
        vector.reserveCapacity(bytes.count / 4)
        var index = 0
        while index < bytes.count {
            let bits = UInt32(bytes[index]) | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2]) << 16
                | UInt32(bytes[index + 3]) << 24
            vector.append(Float(bitPattern: bits))
            index += 4
        }
        return vector
    }
}
