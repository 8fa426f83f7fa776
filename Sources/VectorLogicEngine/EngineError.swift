import Logging
import Synchronization
/// Every error the engine throws: typed, so the server maps each case to one HTTP status and stable code.
///
/// Validation errors (`dimensionMismatch` … `invalidArgument`) are thrown before anything changes; `item` is the index of the
/// offending record in a batch (nil for single-item calls) so a client can find it.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No collection with this name.
    case collectionNotFound(String)
    /// A collection with this name already exists.
    case collectionExists(String)
    /// The name is not 1–64 characters of `[A-Za-z0-9_-]`.
    case invalidCollectionName(String)
    /// The dimension is outside 1…20,000.
    case invalidDimension(Int)
    /// A vector's length differs from the collection's dimension.
    case dimensionMismatch(expected: Int, actual: Int, item: Int?)
    /// A vector holds NaN or an infinity.
    case invalidVector(String, item: Int?)
    /// An id is not 1–128 characters of `[A-Za-z0-9_-]`.
    case invalidID(String, item: Int?)
    /// Metadata is not an object, has more than 100 keys, or serialises to more than 64 KiB.
    case invalidMetadata(String, item: Int?)
    /// Any other argument out of range: k outside 1…1000, batch over 10,000, a bad cursor, an unsupported index type.
    case invalidArgument(String)
    /// Writes are refused: the engine is read-only after an fsync or write error (until restart), or closed.
    case unavailable(String)
    /// This write is refused because the disk is (nearly) full; nothing changed, and writes resume by themselves once
    /// space is freed (`DatabaseOptions.minimumFreeBytes`).
    case diskFull(String)
    /// The data directory is held by another process.
    case locked(String)
    /// A file is damaged; the message points to `vectorlogic repair`.
    case corruption(file: String, offset: Int64, reason: String)
    /// Any other I/O failure.
    case io(String)
    /// A read ran longer than its `RequestBudget` (the budget, in milliseconds); nothing was changed.
    case budgetExceeded(milliseconds: Int)
    /// A read was cancelled (its client went away or the server is stopping); nothing was changed.
    case cancelled

    /// One sentence for clients and operators.
    public var description: String {
        switch self {
        case .collectionNotFound(let name): return "collection \(name) does not exist"
        case .collectionExists(let name): return "collection \(name) already exists"
        case .invalidCollectionName(let name):
            return "invalid collection name \"\(name)\": use 1-64 characters of A-Z a-z 0-9 _ -"
        case .invalidDimension(let dimension): return "invalid dimension \(dimension): must be 1...20000"
        case let .dimensionMismatch(expected, actual, item):
            return "vector\(Self.itemText(item)) has \(actual) values, the collection's dimension is \(expected)"
        case let .invalidVector(reason, item): return "vector\(Self.itemText(item)): \(reason)"
        case let .invalidID(reason, item): return "id\(Self.itemText(item)): \(reason)"
        case let .invalidMetadata(reason, item): return "metadata\(Self.itemText(item)): \(reason)"
        case .invalidArgument(let reason): return reason
        case .unavailable(let reason): return "unavailable: \(reason)"
        case .diskFull(let reason): return "the disk is full: \(reason)"
        case .locked(let reason): return reason
        case let .corruption(file, offset, reason):
            return "\(file) is damaged at offset \(offset): \(reason); run `vectorlogic repair` on the data directory"
        case .io(let reason): return "I/O error: \(reason)"
        case .budgetExceeded(let milliseconds):
            return "the request needed more than its time budget of \(milliseconds) ms; narrow the filter or lower k, ef or limit"
        case .cancelled: return "the request was cancelled"
        }
    }

    private static func itemText(_ item: Int?) -> String {
        guard let item else { return "" }
        return " (item \(item))"
    }
}
