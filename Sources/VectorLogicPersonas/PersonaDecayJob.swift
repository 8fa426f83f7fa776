/// The background sweep that removes memories older than their persona's decay time (README "Personas"):
/// calls `removeDecayedMemories()` every `interval` until stopped.
public final class PersonaDecayJob: Sendable {
    private let task: Task<Void, Never>

    /// Starts sweeping `store` every `interval`; `report` gets each sweep's result (memories removed, or the error)
    /// and how long it took (the server logs both).
    public init(store: PersonaStore, interval: Duration,
                report: @escaping @Sendable (Result<Int, any Error>, Duration) -> Void = { _, _ in }) {
        task = Task.detached(priority: .background) {
            while !Task.isCancelled {
                do {
                    try await Task.sleep(for: interval)
                } catch {
                    return  // cancelled: the server is stopping
                }
                let start = ContinuousClock.now
                let result = Result { try store.removeDecayedMemories() }
                report(result, ContinuousClock.now - start)
            }
        }
    }

    /// Stops the sweeps and waits for a running one to finish, so the store can be closed safely after.
    public func stop() async {
        task.cancel()
        await task.value
    }
}
