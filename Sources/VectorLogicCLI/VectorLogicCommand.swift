public import ArgumentParser

/// The `vectorlogic` root command; each subcommand is a thin call into a library (see `../shared/cli.md`).
public struct VectorLogicCommand: AsyncParsableCommand {
    /// Subcommands and the one-line abstract shown by `--help`.
    public static let configuration = CommandConfiguration(
        commandName: "vectorlogic",
        abstract: "A crash-safe vector database: server, offline tools and benchmark.",
        subcommands: VectorLogicCommand.allSubcommands
    )

    /// Required by ArgumentParser.
    public init() {}
}

/// Exit codes of `../shared/cli.md`, shared by every subcommand.
public enum ExitCodes {
    /// The check found problems, or the operation could not complete.
    public static let failure = ExitCode(1)
    /// Bad usage or arguments.
    public static let usage = ExitCode(2)
    /// The data directory is locked by a running server.
    public static let locked = ExitCode(3)
}

extension VectorLogicCommand {
    /// Parses the process arguments, runs the chosen subcommand and exits with its code.
    public static func runFromCommandLine() async {
        await main()
    }
}
