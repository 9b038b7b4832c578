import LedgerStores
import ArgumentParser
import Foundation

/// The `certledger` command: keys, submissions, verification and audits (DESIGN.md §7).
///
/// Exit codes are part of the interface (cron jobs and scripts depend on them) and never change:
/// 0 success (authentic / audit passed), 1 not authentic or integrity failure, 2 usage or configuration error,
/// 3 server unreachable.
struct CertLedger: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "certledger",
        abstract: "Keys, submissions, verification and audits for a CertLedger ledger.",
        discussion: """
            Exit codes: 0 success (or: authentic / audit passed), 1 not authentic or integrity failure, \
            2 usage or configuration error, 3 server unreachable.
            """,
        subcommands: [
            Init.self, Keygen.self, Register.self, Sign.self, Submit.self, Verify.self, CheckProof.self,
            CheckpointCommand.self, Audit.self, Migrate.self, WitnessCommand.self, CheckFork.self, PageCommand.self,
        ]
    )
}

/// A deliberate exit with one of the documented codes.
struct CLIExit: Error {
    static let notAuthentic = CLIExit(code: 1)
    static let usage = CLIExit(code: 2)
    static let unreachable = CLIExit(code: 3)
    let code: Int32
}

/// A failure the user can act on: printed as one line, exit code 2 unless stated.
struct CLIError: Error, CustomStringConvertible {
    let description: String
    var code: Int32 = 2
    init(_ description: String, code: Int32 = 2) {
        self.description = description
        self.code = code
    }
}


@main
enum Main {
    /// Runs the command, mapping every failure onto the documented exit codes (ArgumentParser alone would use 64).
    static func main() async {
        do {
            var command = try CertLedger.parseAsRoot()
            if var async = command as? any AsyncParsableCommand {
                try await async.run()
            } else {
                try command.run()
            }
        } catch let exit as CLIExit {
            Foundation.exit(exit.code)
        } catch let failure as IntegrityFailure {
            FileHandle.standardError.write(Data("certledger: \(failure.description)\n".utf8))
            Foundation.exit(1)
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("certledger: \(error.description)\n".utf8))
            Foundation.exit(error.code)
        } catch let error as StoreAddressError {
            FileHandle.standardError.write(Data("certledger: \(error.description)\n".utf8))
            Foundation.exit(2)
        } catch {
            let code = CertLedger.exitCode(for: error)
            let message = CertLedger.fullMessage(for: error)
            if code == .success {
                if !message.isEmpty { print(message) }
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data(("certledger: " + message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}
