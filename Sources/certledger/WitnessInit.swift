import ArgumentParser
import Foundation
import Witness

extension CertLedger {
    /// `certledger witness init`.
    struct WitnessInit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a witness: its Ed25519 key, its state file and its evidence folder.",
            discussion: """
                Writes <data>/witness.key (PKCS#8 PEM, mode 0600), <data>/witness.vkey, an empty state file \
                <data>/witness.sqlite and <data>/evidence/, then prints the witness's C2SP cosignature verifier key \
                (name+id+base64(0x04 ‖ key)) — what the logs and their verifiers pin. Refuses to replace an \
                existing witness.

                Exit codes: 0 created, 2 usage error or the witness exists.

                Example:
                  certledger witness init --data /var/lib/certledger-witness --name witness.example.org/w1
                """
        )

        @Option(help: "The witness's data folder (created if missing).")
        var data: String

        @Option(help: "The witness's name, e.g. witness.example.org/w1: its cosignature lines carry it.")
        var name: String

        func run() async throws {
            do {
                let verifier = try await WitnessDirectory(path: data).create(name: name)
                print(verifier.verifierKey)
            } catch let error as WitnessError {
                throw CLIError("witness init: \(error)")
            }
        }
    }
}
