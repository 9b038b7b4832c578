import ArgumentParser

/// `certledger-bench`: throughput measurements of CertLedger's layers, run by the `Scripts/bench-*` scripts.
///
/// Each area is a subcommand in its own file (`extension CertLedgerBench { struct X }`), so later `log` and
/// `daemon` benchmarks are added by listing them here. The root is async so that async subcommands can join.
@main
struct CertLedgerBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certledger-bench",
        abstract: "Measure CertLedger's throughput.",
        subcommands: [Crypto.self, LogBench.self, LogWriter.self, DaemonLoad.self, SignSubmissions.self, CrashLoad.self,
                      FaultLoad.self, ByteFlips.self, AuditLedger.self, PostgresDevLedger.self, JSONParseBench.self,
                      MapBench.self, AckToWitnessed.self, StartLedger.self,
                      MapIngest.self]
    )
}
