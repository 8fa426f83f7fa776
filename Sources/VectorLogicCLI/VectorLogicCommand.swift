public import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

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
    ///
    /// ArgumentParser exits 64 (`EX_USAGE`) on bad usage; `../shared/cli.md` says 2, so usage errors are mapped here.
    public static func runFromCommandLine() async {
        let command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitForUsage(error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                var syncCommand = command
                try syncCommand.run()
            }
        } catch {
            exitForUsage(error)
        }
    }

    /// Prints ArgumentParser's message for `error` and exits, with 2 for usage errors as the contract asks.
    private static func exitForUsage(_ error: any Error) -> Never {
        if exitCode(for: error) == .validationFailure {
            let message = fullMessage(for: error) + "\n"
            var bytes = Array(message.utf8)
            bytes.withUnsafeMutableBytes { buffer in _ = write(2, buffer.baseAddress, buffer.count) }
            exit(withError: ExitCodes.usage)
        }
        exit(withError: error)
    }
}
