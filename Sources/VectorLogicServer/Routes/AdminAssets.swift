import HTTPTypes
import Hummingbird
import NIOCore
import VectorLogicJSON

/// The admin console's files (`Admin/` beside this file, embedded in the binary at build time: no build step, nothing
/// fetched at run time), served at `/admin` and `/admin/NAME` with headers that lock the page down.
enum AdminAssets {
    /// Name → (content type, bytes). AdminConsoleTests checks this lists every file of `Admin/`.
    static let files: [String: (type: String, bytes: [UInt8])] = [
        "index.html": ("text/html; charset=utf-8", PackageResources.index_html),
        "admin.css": ("text/css; charset=utf-8", PackageResources.admin_css),
        "app.js": (javaScript, PackageResources.app_js),
        "api.js": (javaScript, PackageResources.api_js),
        "dom.js": (javaScript, PackageResources.dom_js),
        "live.js": (javaScript, PackageResources.live_js),
        "chart.js": (javaScript, PackageResources.chart_js),
        "dashboard.js": (javaScript, PackageResources.dashboard_js),
        "collections.js": (javaScript, PackageResources.collections_js),
        "personas.js": (javaScript, PackageResources.personas_js),
        "keys.js": (javaScript, PackageResources.keys_js),
        "snapshots.js": (javaScript, PackageResources.snapshots_js),
        "favicon.svg": ("image/svg+xml", PackageResources.favicon_svg),
    ]

    static let javaScript = "text/javascript; charset=utf-8"

    /// The Content-Security-Policy of every console file: scripts, styles and requests from this server only, no
    /// inline script or style and no `eval` (neither `'unsafe-inline'` nor `'unsafe-eval'` is granted), no plugins, no
    /// framing, no `<base>` and no form posts. The global headers (branch `net`) may add more; these are the console's.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
        + "connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// The headers every console file carries.
    static func headers(contentType: String) -> HTTPFields {
        var headers = HTTPFields()
        headers[.contentType] = contentType
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[HTTPField.Name("X-Frame-Options")!] = "DENY"
        headers[HTTPField.Name("X-Content-Type-Options")!] = "nosniff"
        headers[HTTPField.Name("Referrer-Policy")!] = "no-referrer"
        headers[.cacheControl] = "no-store"
        return headers
    }

    /// The file `name`, or 404.
    static func response(for name: String) throws -> Response {
        guard let file = files[name] else {
            throw APIError(.notFound, "not_found", "the admin console has no file \(name)",
                           details: .object(JSONObject([("file", .string(name))])))
        }
        return Response(status: .ok, headers: headers(contentType: file.type), body: ResponseBody(byteBuffer: ByteBuffer(bytes: file.bytes)))
    }
}
