extension DistanceMetric {
    /// The API score for an internal distance (smaller distance = better match).
    ///
    /// Internal distances are: cosine `1 - cos(a, b)`, dot `-(a · b)`, euclidean the *squared* L2 distance.
    /// So cosine → `1 - d`, dot → `-d`, euclidean → `sqrt(d)` (the API reports the true Euclidean distance).
    @inlinable
    public func score(fromDistance distance: Float) -> Float {
        switch self {
        case .cosine: return 1 - distance
        case .dot: return -distance
        case .euclidean: return distance > 0 ? distance.squareRoot() : 0
        }
    }

    /// The internal distance for an API score; the inverse of `score(fromDistance:)` (used for score thresholds).
    @inlinable
    public func distance(fromScore score: Float) -> Float {
        switch self {
        case .cosine: return 1 - score
        case .dot: return -score
        case .euclidean: return score * score
        }
    }

    /// True when a larger score is a better match (cosine, dot); false for euclidean.
    @inlinable
    public var higherScoreIsBetter: Bool {
        switch self {
        case .cosine, .dot: return true
        case .euclidean: return false
        }
    }
}
