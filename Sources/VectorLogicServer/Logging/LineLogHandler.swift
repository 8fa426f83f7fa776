public import Logging
import FoundationEssentials
import VectorLogicJSON
import VectorLogicSync

/// Where finished log lines go (the host process decides: stderr for `serve`, memory in tests).
public typealias LogSink = @Sendable (String) -> Void

/// A swift-log handler writing one line per event, as a JSON object or as text, to a `LogSink`.
///
/// JSON lines: `{"ts":"2026-…Z","level":"info","msg":"request","label":…, <metadata>…}`. Text lines:
/// `2026-…Z info request key=value …`. Metadata keys are sorted so lines are stable.
public struct LineLogHandler: LogHandler {
    /// Line format.
    public let format: ServerConfiguration.LogFormat
    /// The logger's label.
    public let label: String
    /// Receives each finished line (without a newline).
    public let sink: LogSink
    /// Lowest level emitted.
    public var logLevel: Logger.Level
    /// Metadata attached to every line.
    public var metadata: Logger.Metadata = [:]
    /// Contextual metadata source.
    public var metadataProvider: Logger.MetadataProvider?

    /// A handler for `label` writing `format` lines to `sink`.
    public init(label: String, format: ServerConfiguration.LogFormat, level: Logger.Level, sink: @escaping LogSink) {
        self.label = label
        self.format = format
        self.logLevel = level
        self.sink = sink
    }

    /// Per-key metadata.
    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Formats and emits one event.
    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata {
            if merged.isEmpty { merged = extra } else { merged.merge(extra) { _, new in new } }
        }
        let timestamp = LogTimestamp.now()
        switch format {
        case .json:
            var object = JSONObject([
                ("ts", .string(timestamp)), ("level", .string(event.level.rawValue)),
                ("msg", .string(event.message.description)), ("logger", .string(label)),
            ])
            for key in merged.keys.sorted() {
                if let value = merged[key] { object[key] = LineLogHandler.json(value) }
            }
            sink(JSONWriter.string(.object(object)))
        case .text:
            var line = "\(timestamp) \(event.level.rawValue) \(event.message.description)"
            for key in merged.keys.sorted() {
                if let value = merged[key] { line += " \(key)=\(LineLogHandler.textValue(value.description))" }
            }
            sink(line)
        }
    }

    /// A text-format value as it is, or as a JSON string when it holds a space, a quote, `=` or a control character
    /// (a user agent such as `Mozilla/5.0 (X11; Linux)` would otherwise read as several fields, or end the line).
    static func textValue(_ text: String) -> String {
        let plain = !text.isEmpty && text.utf8.allSatisfy { $0 > 0x20 && $0 != 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") }
        return plain ? text : JSONWriter.string(.string(text))
    }

    static func json(_ value: Logger.MetadataValue) -> JSONValue {
        switch value {
        case .string(let text): return .string(text)
        case .stringConvertible(let convertible):
            if let integer = convertible as? Int { return .number(Double(integer)) }
            if let number = convertible as? Double, number.isFinite { return .number(number) }
            return .string(convertible.description)
        case .array(let items): return .array(items.map(json))
        case .dictionary(let dictionary):
            return .object(JSONObject(dictionary.keys.sorted().map { ($0, json(dictionary[$0] ?? .string(""))) }))
        }
    }
}

/// The `ts` of log lines: ISO 8601 to the second, formatted once per second. Formatting a `Date` costs a calendar
/// computation (~1.5% of the server's CPU at one request line per search, issue 9); lines within one second share it.
enum LogTimestamp {
    private static let cache = Locked<(second: Int64, text: String)>((Int64.min, ""))

    /// `2026-12-03T03:41:00Z` for the current second.
    static func now() -> String {
        let date = Date()
        let second = Int64((date.timeIntervalSince1970).rounded(.down))
        if let text = cache.withLock({ $0.second == second ? $0.text : nil }) { return text }
        let text = Date(timeIntervalSince1970: Double(second)).formatted(.iso8601)
        cache.withLock { $0 = (second, text) }
        return text
    }
}
