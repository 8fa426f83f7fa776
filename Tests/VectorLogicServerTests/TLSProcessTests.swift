import Foundation
import Testing

/// `serve --tls-cert --tls-key` as a user runs it, with certificates made by `openssl` here: curl and Python speak
/// HTTPS to it (TLS 1.3 by default, 1.2 with an AEAD suite when the client caps it), plain HTTP gets no answer on the
/// TLS port, SIGHUP swaps the certificate without dropping an open connection, an expired certificate is served with a
/// warning, and a missing, unreadable or mismatched pair exits 2.
@Suite(.serialized) struct TLSProcessTests {
    /// Runs a tool and returns its exit status and output.
    @discardableResult
    static func run(_ tool: String, _ arguments: [String], in directory: String? = nil) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [tool] + arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// A self-signed certificate for localhost and 127.0.0.1, valid for two days: `name.pem` and `name.key`.
    static func makeCertificate(_ name: String, in directory: String, keyType: [String] = ["ec", "-pkeyopt", "ec_paramgen_curve:P-256"]) throws {
        let made = try run("openssl", ["req", "-x509", "-newkey"] + keyType + ["-nodes", "-keyout", name + ".key", "-out", name + ".pem",
                                       "-days", "2", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                           in: directory)
        #expect(made.status == 0, "\(made.output)")
    }

    /// A certificate whose validity ended in 2020 (`openssl ca` is the only 3.0 tool that takes explicit dates).
    static func makeExpiredCertificate(in directory: String) throws {
        try FileManager.default.createDirectory(atPath: directory + "/ca", withIntermediateDirectories: true)
        try "".write(toFile: directory + "/ca/index.txt", atomically: true, encoding: .utf8)
        try "01\n".write(toFile: directory + "/ca/serial", atomically: true, encoding: .utf8)
        try """
        [ca]
        default_ca = d
        [d]
        database = ca/index.txt
        new_certs_dir = ca
        serial = ca/serial
        default_md = sha256
        policy = p
        unique_subject = no
        copy_extensions = copy
        [p]
        commonName = supplied
        """.write(toFile: directory + "/ca.cnf", atomically: true, encoding: .utf8)
        #expect(try run("openssl", ["req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "expired.key",
                                    "-out", "expired.csr", "-subj", "/CN=localhost", "-addext", "subjectAltName=IP:127.0.0.1"], in: directory).status == 0)
        let signed = try run("openssl", ["ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", "expired.key", "-in", "expired.csr",
                                         "-out", "expired.pem", "-startdate", "20200101000000Z", "-enddate", "20200102000000Z", "-notext"],
                             in: directory)
        #expect(signed.status == 0, "\(signed.output)")
    }

    /// Python's client: one GET /health, then prints status, TLS version, cipher, ALPN and the HSTS header as JSON.
    static let pythonClient = """
    import http.client, json, ssl, sys
    port, cafile, cap = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    context = ssl.create_default_context(cafile=cafile)
    if cap == "tls12":
        context.maximum_version = ssl.TLSVersion.TLSv1_2
    context.set_alpn_protocols(["h2", "http/1.1"])
    connection = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
    connection.request("GET", "/health")
    response = connection.getresponse()
    response.read()
    print(json.dumps({"status": response.status, "version": connection.sock.version(), "cipher": connection.sock.cipher()[0],
                      "alpn": connection.sock.selected_alpn_protocol(), "hsts": response.getheader("Strict-Transport-Security")}))
    """

    /// Python's client across a reload: a kept-alive connection answers before and after the certificate files are
    /// replaced and SIGHUP is sent; a new connection then sees the new certificate.
    static let pythonReload = """
    import hashlib, http.client, json, os, shutil, signal, ssl, sys, time
    port, cafile, pid, directory = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), sys.argv[4]
    context = ssl.create_default_context(cafile=cafile)
    def fingerprint(connection):
        return hashlib.sha256(connection.sock.getpeercert(binary_form=True)).hexdigest()
    def get(connection):
        connection.request("GET", "/health")
        response = connection.getresponse()
        response.read()
        return response.status
    kept = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
    first = get(kept)
    before = fingerprint(kept)
    shutil.copy(os.path.join(directory, "second.pem"), os.path.join(directory, "server.pem"))
    shutil.copy(os.path.join(directory, "second.key"), os.path.join(directory, "server.key"))
    os.kill(pid, signal.SIGHUP)
    after = before
    for _ in range(400):
        fresh = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=60)
        get(fresh)
        after = fingerprint(fresh)
        fresh.close()
        if after != before:
            break
        time.sleep(0.05)
    again = get(kept)
    print(json.dumps({"first": first, "again": again, "same_socket": fingerprint(kept) == before, "changed": after != before}))
    """

    static func json(_ text: String) -> [String: Any] {
        let line = text.split(separator: "\n").last.map(String.init) ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    @Test func httpsForCurlAndPythonAndReloadOnHangup() async throws {
        let directory = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.makeCertificate("server", in: directory)
        try Self.makeCertificate("second", in: directory, keyType: ["rsa:2048"])
        let bundle = try String(contentsOfFile: directory + "/server.pem", encoding: .utf8)
            + String(contentsOfFile: directory + "/second.pem", encoding: .utf8)
        try bundle.write(toFile: directory + "/trusted.pem", atomically: true, encoding: .utf8)
        let served = try ServeProcessTests.Served(directory: directory + "/data", arguments: [
            "--tls-cert", directory + "/server.pem", "--tls-key", directory + "/server.key"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        let line = await Task.detached { served.readFirstLine() }.value
        #expect(line.hasPrefix("listening on https://127.0.0.1:"), "\(line)")
        let port = try #require(served.port())

        let curl = try Self.run("curl", ["-sS", "--cacert", directory + "/trusted.pem", "-o", "/dev/null", "-D", "-",
                                         "-w", "%{http_code} %{http_version}", "https://127.0.0.1:\(port)/health"])
        #expect(curl.status == 0 && curl.output.hasSuffix("200 1.1"), "\(curl.output)")
        #expect(curl.output.lowercased().contains("strict-transport-security: max-age=31536000"), "\(curl.output)")
        #expect(try Self.run("curl", ["-sS", "https://127.0.0.1:\(port)/health"]).status != 0, "an untrusted certificate is refused by curl")

        let python = Self.json(try Self.run("python3", ["-c", Self.pythonClient, String(port), directory + "/trusted.pem", "any"]).output)
        #expect(python["status"] as? Int == 200 && python["version"] as? String == "TLSv1.3", "\(python)")
        #expect(python["alpn"] as? String == "http/1.1", "HTTP/2 is not offered: \(python)")
        let capped = Self.json(try Self.run("python3", ["-c", Self.pythonClient, String(port), directory + "/trusted.pem", "tls12"]).output)
        let cipher = capped["cipher"] as? String ?? ""
        #expect(capped["version"] as? String == "TLSv1.2" && cipher.hasPrefix("ECDHE-") && (cipher.contains("GCM") || cipher.contains("CHACHA20")),
                "\(capped)")

        // Plain HTTP on the TLS port gets no HTTP answer.
        let plain = try? await HTTPTestClient.request(port: port, "GET", "/health")
        #expect(plain == nil, "plain HTTP was answered: \(String(describing: plain?.status))")

        let reload = Self.json(try Self.run("python3", ["-c", Self.pythonReload, String(port), directory + "/trusted.pem",
                                                        String(served.process.processIdentifier), directory]).output)
        #expect(reload["first"] as? Int == 200 && reload["again"] as? Int == 200, "\(reload)")
        #expect(reload["same_socket"] as? Bool == true && reload["changed"] as? Bool == true, "\(reload)")

        served.process.terminate()
        #expect(await ServeProcessTests.wait(served.process, seconds: 30) && served.process.terminationStatus == 0)
    }

    /// An expired certificate is still served (a deliberate choice may lie behind it) and a warning says so at start.
    @Test func expiredCertificateIsServedWithAWarning() async throws {
        let directory = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.makeExpiredCertificate(in: directory)
        let served = try ServeProcessTests.Served(directory: directory + "/data", arguments: [
            "--tls-cert", directory + "/expired.pem", "--tls-key", directory + "/expired.key"])
        defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
        _ = await Task.detached { served.readFirstLine() }.value
        let port = try #require(served.port(), "\(served.firstLine)")
        let curl = try Self.run("curl", ["-sS", "--insecure", "-o", "/dev/null", "-w", "%{http_code}", "https://127.0.0.1:\(port)/health"])
        #expect(curl.output == "200", "\(curl.output)")
        served.process.terminate()
        #expect(await ServeProcessTests.wait(served.process, seconds: 30))
        let stderr = String(decoding: served.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("warning") && stderr.contains("expired") && stderr.contains("2020-01-02"), "\(stderr)")
    }

    /// Bad pairs exit 2 with one sentence naming the flag and file.
    @Test func badPairsExitTwo() async throws {
        let directory = TestServer.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.makeCertificate("one", in: directory)
        try Self.makeCertificate("two", in: directory)
        try "not a certificate\n".write(toFile: directory + "/junk.pem", atomically: true, encoding: .utf8)
        try Self.run("cp", [directory + "/one.key", directory + "/locked.key"])
        chmod(directory + "/locked.key", 0)
        let unreadable = getuid() == 0 ? [] : [(["--tls-cert", directory + "/one.pem", "--tls-key", directory + "/locked.key"], "not readable")]
        let cases: [([String], String)] = [
            (["--tls-cert", directory + "/missing.pem", "--tls-key", directory + "/one.key"], "no such certificate file"),
            (["--tls-cert", directory + "/one.pem", "--tls-key", directory + "/two.key"], "does not belong to the certificate"),
            (["--tls-cert", directory + "/junk.pem", "--tls-key", directory + "/one.key"], "no PEM certificate"),
            (["--tls-cert", directory + "/one.pem", "--tls-key", directory + "/one.pem"], "no unencrypted PEM private key"),
            (["--tls-cert", directory + "/one.pem"], "go together"),
        ] + unreadable
        for (arguments, expected) in cases {
            let served = try ServeProcessTests.Served(directory: directory + "/data", arguments: arguments)
            defer { if served.process.isRunning { kill(served.process.processIdentifier, SIGKILL) } }
            #expect(await ServeProcessTests.wait(served.process, seconds: 30) && served.process.terminationStatus == 2, "\(arguments)")
            let stderr = String(decoding: served.stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            #expect(stderr.contains(expected) && stderr.split(separator: "\n").count == 1, "\(arguments): \(stderr)")
        }
    }
}
