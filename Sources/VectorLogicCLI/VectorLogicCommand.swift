public import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
#if canImport(Glibc)
import Glibc
#endif

/// The `vectorlogic` root command; each subcommand is a thin call into a library (docs/cli.md lists them).
public struct VectorLogicCommand: AsyncParsableCommand {
    /// Subcommands and the one-line abstract shown by `--help`.
    public static let configuration = CommandConfiguration(
        commandName: "vectorlogic",
        abstract: "A crash-safe vector database: server, offline tools and benchmark.",
        version: VectorLogicCommand.version,
        subcommands: VectorLogicCommand.allSubcommands
    )

    /// What `vectorlogic --version` prints. The HTTP API's own version is the OpenAPI document's `info.version`; the
    /// `Server` header carries neither (no version for scanners to match against).
    public static let version = "vectorlogic 0.12.0"

    /// Required by ArgumentParser.
    public init() {}
}

/// Exit codes of docs/cli.md "Exit codes", shared by every subcommand.
public enum ExitCodes {
    /// The check found problems, or the operation could not complete.
    public static let failure = ExitCode(1)
    /// Bad usage or arguments.
    public static let usage = ExitCode(2)
    /// The data directory is locked by a running server.
    public static let locked = ExitCode(3)
}

extension VectorLogicCommand {
    /// Process-wide set-up that must happen on the main thread before any task runs (call it first in `main`).
    ///
    /// For `serve`, Swift Concurrency's global executor becomes SwiftNIO's event-loop group (the one Hummingbird
    /// serves on), so a request's handler runs on an event-loop thread instead of being handed to the cooperative pool
    /// and back: on 2 cores the hand-offs were 13% of the server's CPU per search. `VECTORLOGIC_NIO_EXECUTOR=0` keeps
    /// the default executor.
    public static func prepareProcess() {
        guard CommandLine.arguments.dropFirst().first == "serve",
              ProcessInfo.processInfo.environment["VECTORLOGIC_NIO_EXECUTOR"] != "0" else { return }
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
    }

    /// Parses the process arguments, runs the chosen subcommand and exits with its code.
    ///
    /// ArgumentParser exits 64 (`EX_USAGE`) on bad usage; docs/cli.md says 2, so usage errors are mapped here.
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
