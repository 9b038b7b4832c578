import ArgumentParser
import Foundation
import LedgerClient
import SignedNote

extension CertLedger {
    /// `certledger checkpoint`: the latest signed checkpoint, verified when a key is given.
    struct CheckpointCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoint",
            abstract: "Print the ledger's latest signed checkpoint (C2SP tlog-checkpoint note).",
            discussion: """
                With --verifier-key the signature is checked first (exit 1 if it fails) and the size and root are \
                printed after the note. Exit codes: 0 ok, 1 signature fails, 2 usage, 3 unreachable.
                """
        )

        @OptionGroup var server: ServerOptions

        @Option(help: ArgumentHelp("The trusted checkpoint verifier key (name+id+key, or @FILE). Default with "
                + "--witness-policy: the policy's log key."))
        var verifierKey: String?

        @OptionGroup var witnesses: WitnessOptions

        func run() async throws {
            let policy = try witnesses.policy()
            let verifier: Ed25519NoteVerifier? = try verifierKey.map { try trustedVerifier($0) } ?? policy?.logVerifier
            let client = try server.client()
            let response = try await client.call("GET", "/checkpoint")
            guard response.status == 200 else { throw CLIError("GET /checkpoint: \(describeError(response))") }
            if let verifier {
                do {
                    let signed = try SignedCheckpoint(opening: response.body, logVerifier: verifier)
                    let key = try verifierKey.map { try readArgument($0) }
                    let witnessed = try witnesses.enforce(response.body, logVerifierKey: key)
                    await witnesses.warnIfLogPolicyDiffers(client: client)
                    print(response.text, terminator: "")
                    print("verified: size \(signed.checkpoint.size), root \(signed.checkpoint.rootHash.base64)")
                    if let witnessed {
                        print("witnessed: " + witnessed.cosigners.map { "\($0.label) at \($0.time)" }
                            .joined(separator: ", ") + " (quorum \(witnessed.quorum))")
                    }
                } catch let exit as CLIExit {
                    throw exit
                } catch let error as CLIError {
                    throw error
                } catch {
                    FileHandle.standardError.write(Data("certledger: the checkpoint does not verify: \(error)\n".utf8))
                    throw CLIExit.notAuthentic
                }
            } else {
                print(response.text, terminator: "")
            }
        }
    }
}
