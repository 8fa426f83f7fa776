import HTTPTypes
import Hummingbird
import VectorLogicJSON

/// Route registration, one file per resource. Handlers are thin: decode the request, make one engine call, encode the answer.
enum Routes {
    /// The path parameter `name`, which the router guarantees is present.
    static func parameter(_ context: AppRequestContext, _ name: String) throws -> String {
        guard let value = context.parameters.get(name) else {
            throw APIError.invalid("missing path parameter \(name)")
        }
        return value
    }

    /// A boolean query parameter (`true/false/1/0`), or `defaultValue` when absent.
    static func flag(_ request: Request, _ name: String, default defaultValue: Bool) throws -> Bool {
        guard let text = request.uri.queryParameters.get(name) else { return defaultValue }
        switch text.lowercased() {
        case "true", "1", "yes": return true
        case "false", "0", "no", "": return false
        default: throw APIError.invalid("query parameter \(name) must be true or false", field: name)
        }
    }

    /// Milliseconds elapsed since `start`.
    static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1_000 + Double(elapsed.components.attoseconds) / 1e15
    }
}
