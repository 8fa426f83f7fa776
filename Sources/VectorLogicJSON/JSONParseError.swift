/// Why a JSON document was rejected, and where: `offset` is the byte offset of the offending input.
public struct JSONParseError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A short human sentence ("expected ':' after an object key").
    public let message: String
    /// Byte offset into the document where the problem was found.
    public let offset: Int

    /// Builds an error at a byte offset.
    public init(_ message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// The message with its offset, suitable for an HTTP error body.
    public var description: String { "\(message) at byte \(offset)" }
}

/// Bounds the parser enforces so a hostile document cannot exhaust the stack or memory.
public struct JSONLimits: Sendable, Hashable {
    /// Deepest nesting of arrays and objects accepted (the top-level value is depth 1).
    public var maxDepth: Int
    /// Longest string accepted, in UTF-8 bytes after unescaping.
    public var maxStringBytes: Int
    /// Longest number lexeme accepted, in bytes; long lexemes are legal JSON but cost a slow conversion.
    public var maxNumberBytes: Int

    /// Builds limits; the defaults suit request bodies and metadata.
    public init(maxDepth: Int = 64, maxStringBytes: Int = 16 << 20, maxNumberBytes: Int = 1_100) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
        self.maxNumberBytes = maxNumberBytes
    }

    /// Depth 64, strings up to 16 MiB, numbers up to 1,100 bytes.
    public static let `default` = JSONLimits()
}
