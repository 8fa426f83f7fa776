#if TLS
import HummingbirdCore
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOSSL

/// The TLS context new connections use; `reload` swaps it (SIGHUP) while connections already open keep the context
/// they started with, so a certificate renewal drops no connection. Made by `VectorLogicServer.run` from
/// `--tls-cert`/`--tls-key`.
public final class TLSContextStore: Sendable {
    private let box: NIOLockedValueBox<TLSCredentials>
    let certificatePath: String
    let keyPath: String

    init(_ credentials: TLSCredentials, certificatePath: String, keyPath: String) {
        box = NIOLockedValueBox(credentials)
        self.certificatePath = certificatePath
        self.keyPath = keyPath
    }

    var current: TLSCredentials { box.withLockedValue { $0 } }

    /// Reads the files again; on any error the old pair stays in use and the error is returned.
    func reload() throws(TLSSetupError) -> TLSCredentials {
        let fresh = try TLSCredentials.load(certificate: certificatePath, key: keyPath)
        box.withLockedValue { $0 = fresh }
        return fresh
    }
}

/// HummingbirdTLS's `TLSChannel`, except that the context is read from a `TLSContextStore` for each new connection
/// instead of being fixed when the server starts (which would need a restart — and dropped connections — to renew a
/// certificate).
struct ReloadableTLSChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    typealias Value = BaseChannel.Value

    let base: BaseChannel
    let store: TLSContextStore

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = store.current.context
        return channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: context))
        }.flatMap {
            base.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await base.handle(value: value, logger: logger)
    }
}

extension ReloadableTLSChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    var responder: HTTPChannelHandler.Responder { base.responder }
}
#endif
