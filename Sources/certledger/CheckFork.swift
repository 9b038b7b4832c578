import ArgumentParser
import Foundation
import Log
import SignedNote
import Witness

extension CertLedger {
    /// `certledger check-fork`: checks a witness's fork evidence file offline against the log's key.
    struct CheckFork: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-fork",
            abstract: "Check a witness's fork evidence: two checkpoints the log signed that cannot both be true.",
            discussion: """
                FILE is an evidence file a witness kept in <data>/evidence/ (JSON, format \
                certledger/witness-fork-evidence/v1). Both checkpoints must be signed by the trusted log key \
                (other signature lines are ignored) and name the same origin. Then:
                - same-size: the two checkpoints have one tree size and different root hashes;
                - inconsistent-proof: the consistency proof the log sent, from the smaller checkpoint to the \
                larger (RFC 9162 §2.1.4.2), reproduces the larger root — so its hashes are nodes of that tree — \
                yet gives the tree's first entries a root other than the smaller checkpoint's.
                Either way the log signed two histories. The file's other fields (time, witness, claim) are \
                commentary and prove nothing.

                Exit codes: 0 a fork is proven, 1 the file does not prove one (the reason is printed), 2 usage \
                error (the file cannot be read or is not an evidence file, the key is not a verifier key).

                Example:
                  certledger check-fork evidence/fork-3f2a…-9c41….json --vkey @checkpoint.vkey
                """
        )

        @Argument(help: "The evidence file.")
        var file: String

        @Option(name: [.customLong("vkey"), .customLong("verifier-key")], help: ArgumentHelp(
            "The log's checkpoint verifier key (name+id+key), or @FILE.", valueName: "vkey"))
        var vkey: String

        func run() throws {
            let verifier: any NoteVerifier
            do {
                verifier = try NoteVerifierKey.parse(try readArgument(vkey))
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("--vkey: \(error)")
            }
            guard let data = FileManager.default.contents(atPath: file) else { throw CLIError("cannot read \(file)") }
            let evidence: ForkEvidence
            do { evidence = try ForkEvidence(fileBytes: Array(data)) } catch {
                throw CLIError("\(file): \(error)")
            }
            switch evidence.check(against: [verifier], hasher: MerkleHasher(.sha256)) {
            case .proven(let why):
                print("FORK PROVEN (\(evidence.kind.rawValue)): \(why)")
            case .notProven(let why):
                print("NOT PROVEN: \(why)")
                throw CLIExit.notAuthentic
            }
        }
    }
}
