import HTTPTypes
import Hummingbird

/// A parameter route that a static route hides, for the requests the static route does not serve.
///
/// Hummingbird's trie router prefers a static segment to a parameter: once `POST …/vectors/delete` exists, a request
/// for `GET|PUT|PATCH|DELETE …/vectors/delete` reaches the static node, finds no handler for its method, and never
/// tries `…/vectors/:id` — the vector whose id is `delete` could be stored by a batch upsert but never read, replaced
/// or deleted by id. Each such pair is found from `Routes.table` (nothing to keep in step by hand) and the hidden
/// methods are registered again on the static template, with the parameter bound to the literal segment. They serve
/// the parameter route's handler under its own `APIRoute`: the same permission, rate class and body.
struct ShadowedRoute {
    /// The static template to register on, e.g. `/v1/collections/:collection/vectors/delete`.
    let path: String
    /// The parameter route served there, e.g. `GET /v1/collections/:collection/vectors/:id`.
    let definition: RouteDefinition
    /// Parameters bound by the static segments, e.g. `[("id", "delete")]`.
    let bindings: [(name: Substring, value: Substring)]

    /// The parameter route's handler, with the bound parameters added to the context.
    var handler: RouteDefinition.Handler {
        let bindings = bindings
        let handler = definition.handler
        return { request, context in
            var context = context
            for binding in bindings { context.coreContext.parameters.append(key: binding.name, value: binding.value) }
            return try await handler(request, context)
        }
    }

    /// Every (static template, hidden method) pair of `routes`. Quadratic in the number of templates (~100: ~10⁴
    /// segment comparisons, once at start).
    static func all(in routes: [RouteDefinition]) -> [ShadowedRoute] {
        let served = Set(routes.map { "\($0.route.method.rawValue) \($0.route.path)" })
        let templates = Array(Set(routes.map(\.route.path))).sorted()
        var shadowed: [ShadowedRoute] = []
        for definition in routes where definition.route.path.contains(":") {
            let segments = definition.route.path.split(separator: "/", omittingEmptySubsequences: false)
            for template in templates where !served.contains("\(definition.route.method.rawValue) \(template)") {
                let other = template.split(separator: "/", omittingEmptySubsequences: false)
                guard let bindings = Self.bindings(parameters: segments, statics: other) else { continue }
                shadowed.append(ShadowedRoute(path: template, definition: definition, bindings: bindings))
            }
        }
        return shadowed
    }

    /// The parameters that `statics` binds when it is `parameters` with at least one parameter segment replaced by a
    /// literal (and the router, walking `statics`' literal first, would never reach `parameters`); nil otherwise.
    static func bindings(parameters: [Substring], statics: [Substring]) -> [(name: Substring, value: Substring)]? {
        guard parameters.count == statics.count else { return nil }
        var bindings: [(name: Substring, value: Substring)] = []
        for (mine, theirs) in zip(parameters, statics) {
            if mine == theirs { continue }
            guard mine.hasPrefix(":"), !theirs.hasPrefix(":") else { return nil }
            bindings.append((mine.dropFirst(), theirs))
        }
        return bindings.isEmpty ? nil : bindings
    }
}
