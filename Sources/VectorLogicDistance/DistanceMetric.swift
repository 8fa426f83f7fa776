/// How similarity between two vectors is measured in a collection.
///
/// Internally every index ranks by a *distance* where smaller is better; `score(fromDistance:)`
/// turns it into the score the API reports (cosine similarity, dot product, or Euclidean distance).
public enum DistanceMetric: String, Sendable, Hashable, CaseIterable, Codable {
    /// Cosine similarity; score in [-1, 1], higher is better.
    case cosine
    /// Inner product; higher is better.
    case dot
    /// Euclidean (L2) distance; lower is better.
    case euclidean
}
