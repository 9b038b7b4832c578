import ArgumentParser
import Foundation

extension CertLedger {
    /// `certledger witness`: run a C2SP tlog-witness (DESIGN.md §9) for one or more logs.
    struct WitnessCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "witness",
            abstract: "Run a C2SP tlog-witness that cosigns a log's checkpoints after checking them consistent.",
            discussion: """
                A witness keeps, per log, the last checkpoint it cosigned, and cosigns a new one only with a \
                consistency proof from it: it never cosigns two inconsistent checkpoints, nor a smaller tree after \
                a larger one, across restarts and crashes. A request that proves the log forked is kept as evidence \
                in <data>/evidence/ (check it with `certledger check-fork`).

                Start with `init`, add the logs to follow with `add-log`, then `serve`.
                """,
            subcommands: [WitnessInit.self, WitnessAddLog.self, WitnessServe.self, WitnessPolicyRecordCommand.self]
        )
    }
}
