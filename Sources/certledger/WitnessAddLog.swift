import ArgumentParser
import Foundation
import SignedNote
import Witness

extension CertLedger {
    /// `certledger witness add-log`.
    struct WitnessAddLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-log",
            abstract: "Follow a log: trust its checkpoint verifier key for its origin.",
            discussion: """
                The log's checkpoints must then be signed by this key (an Ed25519 note key, type 0x01, as \
                `certledger init` writes to checkpoint.vkey). The origin defaults to the key's name. Adding a second \
                key to a log already followed trusts both (for a key rotation); its cosigned state is kept. A \
                running witness reads its logs from the state file on every request, so it need not be restarted.

                Exit codes: 0 added (or already there), 2 usage error.

                Example:
                  certledger witness add-log --data /var/lib/certledger-witness --vkey @checkpoint.vkey
                """
        )

        @Option(help: "The witness's data folder.")
        var data: String

        @Option(help: ArgumentHelp("The log's checkpoint verifier key (name+id+key), or @FILE.", valueName: "vkey"))
        var vkey: String

        @Option(help: "The log's origin line, if it is not the key's name.")
        var origin: String?

        func run() async throws {
            let verifier: Ed25519NoteVerifier
            do {
                verifier = try Ed25519NoteVerifier(verifierKey: try readArgument(vkey))
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("--vkey: not an Ed25519 note verifier key: \(error)")
            }
            let origin = origin ?? verifier.name
            do {
                _ = try Checkpoint(origin: origin, size: 0, rootHash: .zero)
            } catch {
                throw CLIError("--origin: \(error)")
            }
            do {
                let store = try await WitnessStore.open(path: WitnessDirectory(path: data).statePath)
                let added = try await store.addLog(origin: origin, verifier: verifier)
                await store.close()
                print(added ? "following \(origin) with key \(verifier.verifierKey)"
                            : "already following \(origin) with key \(verifier.verifierKey)")
            } catch let error as WitnessError {
                throw CLIError("witness add-log: \(error)")
            }
        }
    }
}
