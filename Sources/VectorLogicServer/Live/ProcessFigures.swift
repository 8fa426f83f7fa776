/// What the host process measures about itself for `/metrics` and the admin console (the server module makes no
/// syscalls: `vectorlogic serve` reads these through its own probe and hands a closure to `buildApplication`).
public struct ProcessFigures: Sendable, Equatable {
    /// CPU time used by the process so far (user + system), in seconds.
    public var cpuSeconds: Double?
    /// Physical memory of the machine, in bytes (for the resident set as a percentage).
    public var machineMemoryBytes: Int64?

    /// Builds the figures; nil for what the host cannot measure.
    public init(cpuSeconds: Double? = nil, machineMemoryBytes: Int64? = nil) {
        self.cpuSeconds = cpuSeconds
        self.machineMemoryBytes = machineMemoryBytes
    }
}
