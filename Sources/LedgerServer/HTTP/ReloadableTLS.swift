public import HummingbirdCore
public import Logging
public import NIOCore
import NIOSSL
import Synchronization

/// The daemon's TLS certificate chain and private key (`tls:` in the config), read from PEM files, and read again
/// by `reload()` (on SIGHUP), so that a renewed certificate is served without a restart. New connections get the
/// newest context; open ones keep theirs. A reload that fails (a missing or mismatched file) keeps the old
/// certificate in service and says why.
///
/// TLS here secures the connection only (swift-nio-ssl, which the graph already has through postgres-nio); ledger
/// digests and signatures stay OpenSSL's. It lets the verification page's WebCrypto run in a secure context
/// without a reverse proxy.
public final class TLSCertificates: Sendable {
    /// The PEM certificate chain (the server's certificate first).
    public let certificatePath: String
    /// The PEM private key.
    public let keyPath: String
    /// Guards the context new connections are given; swapped whole by `reload()`.
    private let context: Mutex<NIOSSLContext>

    /// Reads both files; throws `LedgerServerError` (`tls.certificate` / `tls.key`) naming what is wrong.
    public init(certificatePath: String, keyPath: String) throws(LedgerServerError) {
        self.certificatePath = certificatePath
        self.keyPath = keyPath
        self.context = Mutex(try Self.makeContext(certificatePath: certificatePath, keyPath: keyPath))
    }

    /// The context for a new connection.
    var current: NIOSSLContext { context.withLock { $0 } }

    /// Reads the files again and serves them to new connections; on failure the old certificate stays.
    public func reload() throws(LedgerServerError) {
        let fresh = try Self.makeContext(certificatePath: certificatePath, keyPath: keyPath)
        context.withLock { $0 = fresh }
    }

    static func makeContext(certificatePath: String, keyPath: String) throws(LedgerServerError) -> NIOSSLContext {
        let chain: [NIOSSLCertificate]
        do { chain = try NIOSSLCertificate.fromPEMFile(certificatePath) } catch {
            throw LedgerServerError(.fileUnreadable, field: "tls.certificate",
                                    "\(certificatePath) is not a readable PEM certificate chain: \(error)")
        }
        guard !chain.isEmpty else {
            throw LedgerServerError(.fileUnreadable, field: "tls.certificate", "\(certificatePath) holds no certificate")
        }
        let key: NIOSSLPrivateKey
        do { key = try NIOSSLPrivateKey(file: keyPath, format: .pem) } catch {
            throw LedgerServerError(.fileUnreadable, field: "tls.key", "\(keyPath) is not a readable PEM private key: \(error)")
        }
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                                     privateKey: .privateKey(key))
        configuration.minimumTLSVersion = .tlsv12
        do { return try NIOSSLContext(configuration: configuration) } catch {
            throw LedgerServerError(.invalidConfig, field: "tls",
                "\(certificatePath) and \(keyPath) do not make a TLS server context (does the key match?): \(error)")
        }
    }

    /// `base` behind a TLS server handler with the context current when each connection arrives.
    public func wrapping(_ base: some ServerChildChannel) -> any ServerChildChannel {
        ReloadableTLSChannel(base: base, certificates: self)
    }
}

/// A child channel that puts a TLS server handler, with the newest certificate, in front of `base`.
struct ReloadableTLSChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let base: Base
    let certificates: TLSCertificates

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let context = certificates.current
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
