/// A decoding failure: the byte offset (within the buffer handed to the decoder) where the input stopped making
/// sense, and one sentence saying why. Every decoder in this module throws only this, and never traps.
public struct FormatError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Byte offset of the offending field, relative to the start of the decoded buffer.
    public let offset: Int
    /// What was wrong, for operators (`verify`, `repair`) and logs.
    public let reason: String

    /// Creates an error at `offset` with a human-readable `reason`.
    public init(offset: Int, reason: String) {
        self.offset = offset
        self.reason = reason
    }

    /// "at byte N: reason".
    public var description: String { "at byte \(offset): \(reason)" }
}
