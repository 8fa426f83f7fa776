import ArgumentParser
import Foundation
import VectorLogicServer

/// `vectorlogic serve`: the HTTP server (docs/cli.md). Flags win over `VECTORLOGIC_*` and the original environment
/// names, which win over the defaults. Every setting is declared once, in `ServeSetting.all`; this command only hands
/// its arguments to `ServerConfiguration.resolve(arguments:environment:)`.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the REST API over HTTP (its OpenAPI document is at /openapi.json).",
        discussion: """
        Settings (a flag wins over its environment variables, which win over the default):
        \(ServeSetting.helpText)

        SIGHUP reopens --log-file and reloads --tls-cert/--tls-key (open connections keep theirs).

        Exit codes: 0 after SIGTERM/SIGINT, 2 bad arguments, 3 data directory locked.
        """
    )

    @Argument(parsing: .allUnrecognized, help: "Settings as --name value (see below).")
    var arguments: [String] = []

    init() {}

    func run() async throws {
        var configuration: ServerConfiguration
        do {
            configuration = try ServerConfiguration.resolve(arguments: arguments, environment: ProcessInfo.processInfo.environment)
        } catch {
            ServeOutput.error(error.message)
            throw ExitCodes.usage
        }
        if let files = ServeOutput.openFileLimit(), configuration.maxConnections > files - 128 {
            configuration.maxConnections = max(16, files - 128)
        }
        var logFile: LogFile?
        if let path = configuration.logFile {
            do {
                logFile = try LogFile(path: path)
            } catch {
                ServeOutput.error(error.description)
                throw ExitCodes.usage
            }
        }
        let sink: @Sendable (String) -> Void = { [logFile] line in
            if let logFile { logFile.write(line + "\n") } else { ServeOutput.write(line + "\n", to: 2) }
        }
        do {
            try await VectorLogicServer.run(
                configuration: configuration,
                logSink: sink,
                onReload: { [logFile] in
                    guard let failure = logFile?.reopen() else { return nil }
                    ServeOutput.error("\(failure.description); still writing to the old file")
                    return "\(failure.description); still writing to the old file"
                },
                residentBytes: ServeOutput.residentBytes,
                process: ServeOutput.processFigures,
                announce: { line in ServeOutput.write(line + "\n", to: 1) },
                onListening: { url in ServeOutput.write("listening on \(url)\n", to: 1) }
            )
        } catch VectorLogicServer.StartError.locked(let reason) {
            // `reason` already names the directory ("the data directory ./data is in use by another process").
            ServeOutput.error("\(reason); stop the server that uses it, or give another --data-dir")
            throw ExitCodes.locked
        } catch VectorLogicServer.StartError.invalidSetting(let reason) {
            ServeOutput.error(reason)
            throw ExitCodes.usage
        } catch VectorLogicServer.StartError.failed(let reason) {
            ServeOutput.error(reason)
            throw ExitCodes.failure
        }
    }
}

/// Unbuffered writes to stdout/stderr: a parent process waiting for `listening on` must see it at once.
enum ServeOutput {
    static func write(_ text: String, to descriptor: Int32) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeMutableBytes { raw in
                Foundation.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written <= 0 { return }
            offset += written
        }
    }

    static func error(_ message: String) {
        write("error: \(message)\n", to: 2)
    }

    /// The soft limit on open files (`ulimit -n`); nil when unlimited or unknown.
    static func openFileLimit() -> Int? {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur != rlim_t.max else { return nil }
        return Int(clamping: limit.rlim_cur)
    }

    /// CPU time of the whole process (user + system, every thread, from /proc/self/stat) and the machine's physical
    /// memory; nil parts elsewhere than Linux.
    @Sendable static func processFigures() -> ProcessFigures {
        let pages = Int64(sysconf(Int32(_SC_PHYS_PAGES)))
        let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        return ProcessFigures(cpuSeconds: cpuSeconds(), machineMemoryBytes: pages > 0 && pageSize > 0 ? pages * pageSize : nil)
    }

    /// utime + stime of /proc/self/stat (fields 14 and 15, in clock ticks), read after the `(comm)` field, which may
    /// hold spaces.
    static func cpuSeconds() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")  // fields[0] is field 3 (state)
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        guard fields.count > 12, ticks > 0, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / ticks
    }

    /// Resident set size from /proc/self/statm (Linux); nil elsewhere.
    @Sendable static func residentBytes() -> Int64? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int64(fields[1]) else { return nil }
        return pages * Int64(sysconf(Int32(_SC_PAGESIZE)))
    }
}
