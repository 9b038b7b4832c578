import ArgumentParser
import Foundation
import LedgerServer
import Logging

/// `certledgerd`: the ledger daemon (DESIGN.md §7). Opens the ledger named by the configuration, proves the
/// stored tree consistent with its checkpoint, then runs the sequencer and the HTTP server in one
/// `ServiceGroup`. SIGTERM or SIGINT shut it down gracefully: the server stops accepting first, then the
/// sequencer finishes its queued batches and their checkpoints, then the process exits 0.
///
/// Exit codes: 0 after a graceful shutdown, 2 configuration or start-up error (the reason on stderr).
@main
struct CertLedgerDaemon: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certledgerd",
        abstract: "Serve a CertLedger ledger over HTTP.",
        discussion: """
            Without --dev, the ledger must exist (create it with `certledger init`). With --dev, a DEVELOPMENT \
            ledger is created in --dev-folder (default ./dev-ledger) on first run; it is for trying things out only. \
            --dev-witnesses adds two DEMO witnesses served inside this process (keys in <dev-folder>/demo-witnesses, \
            policy in <dev-folder>/demo-witness-policy.txt): checkpoints are cosigned at once, but the witnesses share \
            the operator's trust domain and prove nothing. \
            Exit codes: 0 graceful shutdown, 2 configuration or start-up error.
            """
    )

    @Option(name: .long, help: "The configuration file (YAML). Required unless --dev.")
    var config: String?

    @Flag(name: .long, help: "Use (and on first run create) a DEVELOPMENT ledger instead of the configured data.")
    var dev = false

    @Option(name: .long, help: "The development ledger's folder (with --dev).")
    var devFolder = "./dev-ledger"

    @Flag(name: .long, help: """
        With --dev: also run two DEMO witnesses in this process and configure the ledger with them (quorum 2). \
        They share the operator's trust domain: a demonstration, not a protection.
        """)
    var devWitnesses = false

    @Option(name: .long, help: "Listen on this port instead of the configured one (0: any free port).")
    var port: Int?

    func validate() throws {
        if config == nil && !dev {
            throw ValidationError("give --config FILE (or --dev for a development ledger)")
        }
        if devWitnesses && !dev { throw ValidationError("--dev-witnesses needs --dev") }
        if let port, !(0...65_535).contains(port) { throw ValidationError("--port \(port) is not in 0...65535") }
    }

    func run() async throws {
        // A file size limit (RLIMIT_FSIZE, systemd LimitFSIZE=) would kill the daemon with SIGXFSZ in the middle of a
        // batch; ignored, the write fails with EFBIG instead and the batch is refused like on a full disk (503,
        // nothing acknowledged), and the daemon keeps serving reads.
        signal(SIGXFSZ, SIG_IGN)
        LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
        var logger = Logger(label: "certledgerd")
        logger.logLevel = .info
        do {
            var settings = try config.map { try ServerConfig.load(path: $0) } ?? ServerConfig()
            if dev {
                settings = DevelopmentLedger.config(folder: devFolder, base: settings)
                logger.warning("DEVELOPMENT LEDGER in \(devFolder): not for real records")
                try await DevelopmentLedger.createIfMissing(config: settings, logger: logger)
            }
            if let port { settings.listen.port = port }
            if devWitnesses {
                guard settings.witnesses == nil else {
                    throw LedgerServerError(.invalidConfig, field: "witnesses", "--dev-witnesses replaces the "
                                            + "configuration's witnesses: give one or the other")
                }
                try await DemoWitnesses.run(folder: devFolder, logger: logger) { witnesses in
                    var settings = settings
                    settings.witnesses = witnesses
                    try await serve(settings, logger: logger)
                }
            } else {
                try await serve(settings, logger: logger)
            }
        } catch let error as LedgerServerError {
            logger.critical("certledgerd cannot start: \(error)")
            throw ExitCode(2)
        }
    }

    private func serve(_ settings: ServerConfig, logger: Logger) async throws {
        let metrics = ServerMetrics()
        // The store is proven consistent with its checkpoint and the registry replayed from it (every signature,
        // role and state rule) before anything is served; the registry then gates every write.
        let ledger = try await Ledger.open(config: settings, metrics: metrics, logger: logger)
        logger.info("ledger open", metadata: [
            "origin": "\(ledger.log.identity.origin)", "size": "\(ledger.log.sequencer.head.size)",
        ])
        let host = settings.listen.host
        let tls = try settings.tls.map {
            try TLSCertificates(certificatePath: settings.resolve($0.certificate), keyPath: settings.resolve($0.key))
        }
        let scheme = tls == nil ? "http" : "https"
        let app = try buildApplication(config: settings, ledger: ledger, metrics: metrics, tls: tls,
                                       logger: logger) { port in
            // One line on stdout that scripts (and the tests) wait for; logs go to stderr.
            let line = "certledgerd listening on \(scheme)://\(host):\(port.map(String.init) ?? "?")\n"
            FileHandle.standardOutput.write(Data(line.utf8))
        }
        // The server stops accepting first, then the sequencer drains (see LedgerServices).
        let verification = settings.verification.background
            ? BackgroundVerification(log: ledger.log, logOnly: false, workPercent: settings.verification.workPercent,
                                     logger: logger)
            : nil
        let witnesses = try settings.witnesses.map { _ in
            try WitnessCollector(log: ledger.log, config: settings, logger: logger)
        }
        let group = LedgerServices.group(ledger: ledger.log, server: app, verification: verification,
                                         tlsReload: tls.map { TLSReload(certificates: $0, logger: logger) },
                                         witnesses: witnesses, snapshots: ledger.snapshots,
                                         mapWriter: ledger.mapWriterService(logger: logger), logger: logger)
        do { try await group.run() } catch {
            await ledger.log.close()
            throw error
        }
        // After the sequencer has drained: the SQLite WAL is folded into the database file.
        await ledger.log.close()
        logger.info("certledgerd stopped", metadata: ["size": "\(ledger.log.sequencer.head.size)"])
    }
}
