#if TLS
import FoundationEssentials
import NIOSSL

/// A certificate chain and private key loaded from PEM files (`--tls-cert`, `--tls-key`) into a server TLS context:
/// TLS 1.2 at least, 1.3 whenever the client has it (BoringSSL picks the highest both sides speak), TLS 1.2 limited to
/// ECDHE key exchange with AEAD ciphers (Mozilla's "intermediate" list: forward secrecy, no CBC, no RSA key
/// exchange); TLS 1.3's suites are all modern and not configurable in BoringSSL. ALPN offers `http/1.1` only: HTTP/2
/// was left out (README "Decisions").
struct TLSCredentials: Sendable {
    let context: NIOSSLContext
    /// When the leaf certificate stops being valid (seconds since 1970).
    let notValidAfter: Int
    let notValidBefore: Int

    /// TLS 1.2 suites (OpenSSL names; ECDSA and RSA certificates alike).
    static let tls12CipherSuites = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
        "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")

    /// Loads and checks the pair; the error says which file is missing, unreadable or not PEM, or that the key does
    /// not belong to the certificate.
    static func load(certificate certificatePath: String, key keyPath: String) throws(TLSSetupError) -> TLSCredentials {
        try checkReadable(certificatePath, what: "certificate", flag: "--tls-cert")
        try checkReadable(keyPath, what: "private key", flag: "--tls-key")
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(certificatePath)
        } catch {
            throw TLSSetupError("--tls-cert \(certificatePath) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        guard let leaf = chain.first else {
            throw TLSSetupError("--tls-cert \(certificatePath) holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)")
        }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: keyPath, format: .pem)
        } catch {
            throw TLSSetupError("--tls-key \(keyPath) holds no unencrypted PEM private key (expected -----BEGIN PRIVATE KEY-----)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        configuration.cipherSuites = tls12CipherSuites
        configuration.applicationProtocols = ["http/1.1"]
        let context: NIOSSLContext
        do {
            context = try NIOSSLContext(configuration: configuration)
        } catch {
            throw TLSSetupError("--tls-key \(keyPath) does not belong to the certificate in --tls-cert \(certificatePath)")
        }
        return TLSCredentials(context: context, notValidAfter: Int(leaf.notValidAfter), notValidBefore: Int(leaf.notValidBefore))
    }

    /// A sentence for the log when the certificate is not valid now (it is served anyway: an expired certificate in
    /// a private deployment may be deliberate, and refusing to start would take the whole API down).
    func validityWarning(now: Date = Date()) -> String? {
        let seconds = Int(now.timeIntervalSince1970)
        let format = Date.ISO8601FormatStyle()
        if seconds > notValidAfter {
            return "the TLS certificate expired at \(Date(timeIntervalSince1970: Double(notValidAfter)).formatted(format)); clients that check it will refuse to connect"
        }
        if seconds < notValidBefore {
            return "the TLS certificate is not valid before \(Date(timeIntervalSince1970: Double(notValidBefore)).formatted(format))"
        }
        return nil
    }

    private static func checkReadable(_ path: String, what: String, flag: String) throws(TLSSetupError) {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard let type, type != .typeDirectory else {
            throw TLSSetupError("\(flag) \(path): no such \(what) file")
        }
        guard FileManager.default.isReadableFile(atPath: path) else {
            throw TLSSetupError("\(flag) \(path): the \(what) file is not readable by this user")
        }
    }
}

/// Why TLS could not be set up; one sentence naming the flag and the file.
public struct TLSSetupError: Error, Sendable, CustomStringConvertible {
    /// The sentence.
    public let description: String
    init(_ description: String) { self.description = description }
}
#endif
