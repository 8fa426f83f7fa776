/// Shape figures of a graph, for `vectorlogic inspect`.
public struct GraphStatistics: Sendable, Hashable {
    /// Rows in the graph.
    public var nodes: Int
    /// Highest layer (0 when only layer 0 exists).
    public var maxLevel: Int
    /// Row where every search starts; nil for an empty graph.
    public var entryPoint: UInt32?
    /// Rows whose top layer is at least l, for l = 0...maxLevel.
    public var nodesPerLevel: [Int]
    /// Mean number of layer-0 links per node.
    public var meanDegree: Double
    /// Largest number of layer-0 links of one node.
    public var maxDegree: Int
    /// Link slots per node on layer 0 (2m) and on upper layers (m).
    public var m0: Int
    /// Link slots per node on the upper layers.
    public var m: Int
    /// Bytes of the graph section.
    public var bytes: Int
}
