import Foundation
import Testing
@testable import VectorLogicServer
import VectorLogicJSON

/// The admin console's files and session route: every file is served with the console's lock-down headers, the files
/// hold no inline script or style and never parse data as HTML, and the session says what the key may do.
@Suite struct AdminConsoleTests {
    /// `Sources/VectorLogicServer/Admin`, found from this file's path.
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Sources/VectorLogicServer/Admin")

    /// Every file of the folder is in `AdminAssets.files` (and nothing else is), byte for byte.
    @Test func everyFileOfTheFolderIsServed() throws {
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.path)
        #expect(Set(names) == Set(AdminAssets.files.keys))
        for name in names {
            let bytes = try Array(Data(contentsOf: Self.folder.appendingPathComponent(name)))
            #expect(AdminAssets.files[name]?.bytes == bytes, "\(name) is embedded as it is on disk")
        }
    }

    /// No inline script, style or event-handler attribute in the page, and no code path that parses text as HTML or
    /// code (`innerHTML`, `outerHTML`, `insertAdjacentHTML`, `document.write`, `eval`, `new Function`) in the modules.
    @Test func filesHoldNoInlineCodeAndNeverParseDataAsHTML() throws {
        let page = String(decoding: try #require(AdminAssets.files["index.html"]).bytes, as: UTF8.self)
        #expect(!page.contains("style="))
        #expect(page.components(separatedBy: "<script").dropFirst().allSatisfy { $0.hasPrefix(#" type="module" src="/admin/"#) })
        #expect(page.range(of: #"\son[a-z]+="#, options: .regularExpression) == nil)
        for (name, file) in AdminAssets.files where name.hasSuffix(".js") {
            let code = String(decoding: file.bytes, as: UTF8.self)
            for banned in ["innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "setAttribute('style'"] {
                #expect(!code.contains(banned), "\(name) uses \(banned)")
            }
        }
    }

    /// `/admin` and each module come with the strict CSP, `X-Frame-Options: DENY` and `nosniff`; an unknown file is 404.
    @Test func consoleResponsesCarryTheLockDownHeaders() async throws {
        try await withServer { server in
            for path in ["/admin"] + AdminAssets.files.keys.map({ "/admin/" + $0 }) {
                let answer = try await server.call("GET", path)
                #expect(answer.status == 200, "\(path)")
                let policy = answer.headers["content-security-policy"] ?? ""
                #expect(policy.contains("script-src 'self'") && policy.contains("style-src 'self'") && policy.contains("connect-src 'self'"))
                #expect(policy.contains("default-src 'none'") && policy.contains("frame-ancestors 'none'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                #expect(answer.headers["x-frame-options"] == "DENY" && answer.headers["x-content-type-options"] == "nosniff")
            }
            #expect(try await server.call("GET", "/admin/app.js").headers["content-type"]?.hasPrefix("text/javascript") == true)
            let missing = try await server.call("GET", "/admin/nothing.js")
            #expect(missing.status == 404 && missing.isCleanErrorEnvelope)
        }
    }

    /// The admin page loads only the console's own files (nothing from another origin), and every fixed API path its
    /// modules call is served.
    @Test func adminPageLoadsOnlyItsOwnFiles() async throws {
        try await withServer { server in
            let page = try await server.call("GET", "/admin")
            #expect(page.status == 200 && page.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(page.text.hasPrefix("<!doctype html>") && page.text.contains("</html>"))
            #expect(!page.text.contains("http://") && !page.text.contains("https://"))
            let references = page.text.components(separatedBy: #"="/"#).dropFirst().map { "/" + $0.prefix { $0 != "\"" } }
            #expect(references.count >= 3)
            for path in references {
                #expect(path.hasPrefix("/admin/"), "\(path)")
                #expect(try await server.call("GET", path).status == 200, "\(path)")
            }
            var calls = Set<String>()
            for name in AdminAssets.files.keys where name.hasSuffix(".js") {
                let code = try await server.call("GET", "/admin/" + name).text
                let withoutNamespace = code.replacingOccurrences(of: "'http://www.w3.org/2000/svg'", with: "")  // a name, not a fetch
                #expect(!withoutNamespace.contains("http://") && !withoutNamespace.contains("https://"), "\(name)")
                for piece in code.components(separatedBy: "'/v1/").dropFirst() {
                    calls.insert("/v1/" + piece.prefix { $0 != "'" })
                }
            }
            #expect(calls.isSuperset(of: ["/v1/collections", "/v1/personas", "/v1/keys", "/v1/snapshots", "/v1/admin/session"]))
            for path in calls where path != "/v1/admin/live" {
                #expect(try await server.call("GET", path).status == 200, "\(path)")
            }
        }
    }

    /// The session: with auth off everything is open; with auth on no key is 401, a read key reads only, an admin
    /// key may do everything.
    @Test func sessionTellsWhatTheKeyMayDo() async throws {
        try await withServer { server in
            let open = try await server.call("GET", "/v1/admin/session")
            #expect(open.data?["auth"] == .bool(false) && open.data?["permissions"]?.array?.count == 3)
        }
        let admin = "admin-console-admin-key-0123456789"
        try await withServer(configure: { $0.authEnabled = true; $0.adminKey = admin }) { server in
            #expect(try await server.call("GET", "/v1/admin/session").status == 401)
            let asAdmin = try await server.call("GET", "/v1/admin/session", headers: [("X-API-Key", admin)])
            #expect(asAdmin.data?["auth"] == .bool(true) && asAdmin.data?["permissions"]?.array?.count == 3)
            #expect(asAdmin.data?["key"]?["name"]?.string == "admin")
            let made = try await server.call("POST", "/v1/keys", #"{"name":"viewer","permissions":["read"]}"#, headers: [("X-API-Key", admin)])
            let reader = try #require(made.data?["key"]?.string)
            let asReader = try await server.call("GET", "/v1/admin/session", headers: [("X-API-Key", reader)])
            #expect(asReader.data?["permissions"] == .array([.string("read")]))
            #expect(asReader.data?["key"]?["name"]?.string == "viewer")
        }
    }
}
