import ArgumentParser

extension VectorLogicCommand {
    /// Every subcommand; a new one is added here (one file per command).
    static let allSubcommands: [any ParsableCommand.Type] = [
        ServeCommand.self,
        InspectCommand.self,
        VerifyCommand.self,
        RepairCommand.self,
        SnapshotCommand.self,
        BenchCommand.self,
        KeysCommand.self,
        EmbedCommand.self,
    ]
}
