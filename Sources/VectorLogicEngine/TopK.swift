import Logging
import Synchronization
import VectorLogicDistance

/// A scored row of one source (segment or memtable) during a search.
struct Candidate: Sendable {
    /// Which source of the view (segments first, then memtables).
    var source: Int
    /// Row in that source.
    var row: UInt32
    /// Internal distance: smaller is better.
    var distance: Float
}

/// The k best candidates seen so far, kept sorted (k ≤ 1000, so insertion into a sorted array is cheap and simple).
struct TopK {
    let k: Int
    private(set) var items: [Candidate] = []

    init(k: Int) {
        self.k = k
        items.reserveCapacity(k + 1)
    }

    /// The distance a candidate must beat to enter, or +inf while not full.
    var bound: Float { items.count < k ? .infinity : items[items.count - 1].distance }

    /// Keeps the candidate if it is among the k best. A non-finite distance (only from rows stored before the
    /// engine refused vectors whose norm overflows a score; the index maps those to +inf) is dropped: its score could
    /// not be written as a JSON number, and a NaN would otherwise sort first (it compares false with everything).
    mutating func insert(_ candidate: Candidate) {
        guard candidate.distance.isFinite, candidate.distance < bound || items.count < k else { return }
        var low = 0
        var high = items.count
        while low < high {
            let mid = (low + high) / 2
            if items[mid].distance <= candidate.distance { low = mid + 1 } else { high = mid }
        }
        items.insert(candidate, at: low)
        if items.count > k { items.removeLast() }
    }
}

/// Score thresholds (docs/api.md "Conventions": keep score ≥ threshold, ≤ for euclidean).
enum SearchScores {
    /// Whether a score passes a threshold.
    static func passes(_ metric: DistanceMetric, score: Float, threshold: Float?) -> Bool {
        guard let threshold else { return true }
        return metric.higherScoreIsBetter ? score >= threshold : score <= threshold
    }
}
