import VectorLogicSQLite
extension PersonaStore {
    /// Removes every memory older than its persona's `memory_decay_ms` (age = now − timestamp > decay; 0 never decays)
    /// and returns how many went. The decay job calls this on a timer.
    @discardableResult
    public func removeDecayedMemories() throws -> Int {
        let time = now()
        return try locked { state in
            let removed = try state.connection.transaction { () throws -> Int in
                let delete = try state.connection.statement("""
                    DELETE FROM memories WHERE seq IN (
                        SELECT m.seq FROM memories m JOIN personas p ON p.id = m.persona_id
                        WHERE p.memory_decay_ms > 0 AND m.timestamp < ?1 - p.memory_decay_ms)
                    """)
                try delete.bind(1, time)
                try delete.run()
                return state.connection.changes
            }
            if removed > 0 { state.vectors.removeAll() }
            return removed
        }
    }
}
