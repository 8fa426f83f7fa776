import Logging
import Synchronization
/// Which index a collection uses.
///
/// Temporary home until `VectorLogicIndex` (index engineer) publishes `IndexType`; then this file is removed and the
/// engine re-exports the index module's type, so client code does not change.
public enum IndexType: String, Sendable, Codable, Hashable, CaseIterable {
    /// Hierarchical navigable small-world graph: approximate, fast.
    case hnsw
    /// Exact scan of every vector.
    case flat
}
