import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import VectorLogicEngine
import VectorLogicJSON

/// The online half of `snapshot create`: `POST /v1/snapshots`, then `GET /v1/snapshots/{name}` streamed to a temporary
/// file by URLSession, then `SnapshotTool.install` (copy, SHA-256 check against the server's, verify, rename), then —
/// unless `keepOnServer` — `DELETE /v1/snapshots/{name}`: a backup job run every night would otherwise fill the
/// server's disk with copies nobody reads. `X-API-Key` is sent when given.
enum SnapshotDownloadClient {
    static func create(server: String, apiKey: String?, out: String, keepOnServer: Bool) async throws(ToolError) -> SnapshotInfo {
        let base = server.hasSuffix("/") ? String(server.dropLast()) : server
        guard let createURL = URL(string: base + "/v1/snapshots"), let scheme = createURL.scheme, ["http", "https"].contains(scheme) else {
            throw ToolError.invalidPath("--server must be an http:// or https:// URL, not \(server)")
        }
        var create = URLRequest(url: createURL)
        create.httpMethod = "POST"
        if let apiKey { create.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        let (name, sha256) = try await requestSnapshot(create)
        guard let downloadURL = URL(string: base + "/v1/snapshots/" + name) else {
            throw ToolError.failed("the server returned an unusable snapshot name \(name)")
        }
        var download = URLRequest(url: downloadURL)
        if let apiKey { download.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        let file: URL
        do {
            let (location, response) = try await URLSession.shared.download(for: download)
            try check(response, data: nil)
            file = location
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError.failed("could not download the snapshot from \(base): \(error.localizedDescription)")
        }
        defer { try? FileManager.default.removeItem(at: file) }
        let info = try SnapshotTool.install(downloaded: file.path, to: out, expectedSHA256: sha256)
        if !keepOnServer { await removeServerCopy(downloadURL, name: name, apiKey: apiKey, out: out) }
        return info
    }

    /// Deletes the server's copy once the local one is verified. A failure is a warning, not an error: the snapshot
    /// the user asked for is safely written, and the message says how to remove the copy by hand.
    private static func removeServerCopy(_ url: URL, name: String, apiKey: String?, out: String) async {
        var delete = URLRequest(url: url)
        delete.httpMethod = "DELETE"
        if let apiKey { delete.setValue(apiKey, forHTTPHeaderField: "X-API-Key") }
        do {
            let (body, response) = try await URLSession.shared.data(for: delete)
            try check(response, data: body)
        } catch {
            let reason = (error as? ToolError)?.description ?? error.localizedDescription
            ToolOutput.write("warning: \(out) is written and verified, but the server's copy \(name) was not deleted (\(reason)); "
                             + "delete it with DELETE /v1/snapshots/\(name)\n", to: 2)
        }
    }

    /// POSTs and returns the new snapshot's name and SHA-256 from the success envelope.
    private static func requestSnapshot(_ request: URLRequest) async throws(ToolError) -> (String, String?) {
        let data: Data
        do {
            let (body, response) = try await URLSession.shared.data(for: request)
            try check(response, data: body)
            data = body
        } catch let error as ToolError {
            throw error
        } catch {
            throw ToolError.failed("could not reach the server at \(request.url?.absoluteString ?? "?"): \(error.localizedDescription)")
        }
        guard case .object(let envelope)? = try? JSONParser.parse(Array(data)), case .object(let snapshot)? = envelope["data"],
              case .string(let name)? = snapshot["name"] else {
            throw ToolError.failed("the server's answer to POST /v1/snapshots has no snapshot name")
        }
        if case .string(let sha256)? = snapshot["sha256"] { return (name, sha256) }
        return (name, nil)
    }

    /// Throws the server's error message for a non-2xx answer.
    private static func check(_ response: URLResponse, data: Data?) throws(ToolError) {
        guard let http = response as? HTTPURLResponse else { throw ToolError.failed("the server's answer is not HTTP") }
        guard !(200..<300).contains(http.statusCode) else { return }
        var message = "HTTP \(http.statusCode)"
        if let data, case .object(let envelope)? = try? JSONParser.parse(Array(data)), case .string(let text)? = envelope["message"] {
            message += ": \(text)"
        }
        throw ToolError.failed("the server refused the snapshot (\(message))")
    }
}
