public import Logging
public import ServiceLifecycle
public import UnixSignals

/// The daemon's services in one `ServiceGroup` (swift-service-lifecycle), in the order that makes shutdown safe
/// (DESIGN.md §6: no acknowledged entry is ever lost).
///
/// A group shuts its services down in reverse order, each after the one before has returned: first the HTTP
/// server (stop accepting, finish open requests), then the sequencer (stop intake, write the queued batches and
/// their checkpoints). Reversing them would let the server accept submissions the sequencer no longer takes.
public enum LedgerServices {
    /// The group for `ledger` and `server`; `signals` (SIGTERM and SIGINT in the daemon, none in tests) start a
    /// graceful shutdown. A `verification` runs beside them once and ends by itself (its end does not stop the
    /// group); a shutdown cancels it first. A `witnesses` collector runs beside them until shutdown, started after
    /// the sequencer and so stopped before it. A `snapshots` writer likewise runs until shutdown. A `mapWriter` (a
    /// PostgreSQL daemon's status map) is started before the sequencer and so stopped after it: it writes the
    /// versions of the last batches before it returns.
    public static func group(ledger: LedgerLog, server: some Service, verification: BackgroundVerification? = nil,
                             tlsReload: TLSReload? = nil, witnesses: WitnessCollector? = nil, signals: [UnixSignal] = [.sigterm, .sigint],
                             snapshots: RegistrySnapshotWriter? = nil, mapWriter: StatusMapWriterService? = nil,
                             logger: Logger) -> ServiceGroup {
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let mapWriter {
            services.append(.init(service: mapWriter))
        }
        services += [.init(service: ledger.sequencer), .init(service: server)]
        if let witnesses {
            services.append(.init(service: witnesses))
        }
        if let snapshots {
            services.append(.init(service: snapshots, successTerminationBehavior: .ignore))
        }
        if let verification {
            services.append(.init(service: verification, successTerminationBehavior: .ignore))
        }
        if let tlsReload {
            services.append(.init(service: tlsReload, successTerminationBehavior: .ignore))
        }
        return ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: signals, logger: logger))
    }
}

/// Reads the TLS certificate and key again on every SIGHUP (`TLSCertificates.reload`), until shutdown.
public struct TLSReload: Service {
    let certificates: TLSCertificates
    let logger: Logger

    public init(certificates: TLSCertificates, logger: Logger) {
        self.certificates = certificates
        self.logger = logger
    }

    public func run() async {
        for await _ in await UnixSignalsSequence(trapping: .sighup).cancelOnGracefulShutdown() {
            do {
                try certificates.reload()
                logger.notice("SIGHUP: TLS certificate reloaded; new connections get it", metadata: [
                    "certificate": "\(certificates.certificatePath)",
                ])
            } catch {
                logger.error("SIGHUP: TLS certificate NOT reloaded, the old one stays in service: \(error)")
            }
        }
    }
}
