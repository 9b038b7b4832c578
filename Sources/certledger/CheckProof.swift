import ArgumentParser
import Foundation
import LedgerCrypto
import Log
import Registry
import SignedNote

extension CertLedger {
    /// `certledger check-proof`: offline check of a saved C2SP tlog-proof (DESIGN.md §3 "Offline proof", §7) and
    /// the entry it proves — with nothing but the files and a trusted verifier key, no server.
    struct CheckProof: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check-proof",
            abstract: "Check a saved tlog-proof and its entry, or a saved verifier answer, offline, against a "
                + "trusted checkpoint key.",
            discussion: """
                With --answer FILE: FILE is a verifier answer saved by `certledger verify --save` (or the JSON of \
                POST /v1/verify). Everything in it is checked as `certledger verify` checks it — the checkpoint \
                signature, every inclusion proof, the genesis, the status-map proofs, the verdict recomputed from \
                the proven map values, and the receipt if the answer still carries one (it is not needed: the \
                verdict follows from the proofs) — and the verdict is printed. Exit 0 for a checked authentic \
                verdict, 1 for any other verdict or an answer that fails a check, 2 usage. The witness options \
                apply to its checkpoint; --max-age does not (a saved answer is as old as it is).

                Otherwise PROOF is a C2SP tlog-proof file (c2sp.org/tlog-proof@v1: the entry's index, the inclusion proof \
                hashes, a blank line, the signed checkpoint), as `certledger submit` and `certledger verify` save \
                them. --entry names the file with the exact bytes of the log entry it proves.

                Checked, in order: the checkpoint is signed by the trusted key (whose name is the ledger's \
                origin); the entry's leaf hash, H(0x00 ‖ entry), leads through the proof hashes to the \
                checkpoint's root at its tree size (RFC 9162 §2.1.3.2); and the entry is a ledger entry that \
                says it is at the proof's index. Nothing else in the files is trusted (the proof's `extra` line \
                never is).

                Exit codes: 0 the proof holds, 1 it does not (the reason is printed), 2 usage error (a file \
                cannot be read, the key is not a verifier key).

                Examples:
                  certledger check-proof receipt.tlog-proof --entry entry-1234.json \\
                      --verifier-key @/etc/certledger/checkpoint.vkey
                  certledger check-proof --answer answer.json --verifier-key @/etc/certledger/checkpoint.vkey
                """
        )

        @Argument(help: "The tlog-proof file (not with --answer).")
        var proof: String?

        @Option(help: "The file holding the exact bytes of the entry the proof is for (with PROOF).")
        var entry: String?

        @Option(help: "A saved verifier answer (JSON) to check instead of a tlog-proof.")
        var answer: String?

        @Option(help: ArgumentHelp(
            "The ledger's checkpoint verifier key (name+id+key), or @FILE to read it from a file.",
            valueName: "vkey"))
        var verifierKey: String

        @Option(help: "The ledger's hash suite: sha256 (default) or sm3.")
        var hash: String = "sha256"

        @Flag(help: "Print one JSON object instead of text.")
        var json = false

        @OptionGroup var witnesses: WitnessOptions

        func validate() throws {
            guard HashAlgorithm(rawValue: hash) != nil else { throw ValidationError("--hash must be sha256 or sm3") }
            if answer != nil {
                guard proof == nil, entry == nil else {
                    throw ValidationError("--answer checks a saved answer: give no PROOF or --entry with it")
                }
            } else {
                guard proof != nil, entry != nil else {
                    throw ValidationError("give a tlog-proof file and --entry FILE, or --answer FILE")
                }
            }
        }

        func run() throws {
            if let answer {
                try checkAnswer(answer)
                return
            }
            guard let proof, let entry else { throw CLIError("give a tlog-proof file and --entry FILE") }
            let verifier: any NoteVerifier
            do {
                verifier = try NoteVerifierKey.parse(try readArgument(verifierKey))
            } catch {
                throw CLIError("--verifier-key: \(error)")
            }
            let proofBytes = try Self.read(proof, what: "proof")
            let entryBytes = try Self.read(entry, what: "--entry")
            let verdict = Self.check(proof: proofBytes, entry: entryBytes, verifier: verifier,
                                     hash: HashAlgorithm(rawValue: hash) ?? .sha256)
            if case .valid = verdict, let parsed = try? TlogProof(parsing: proofBytes) {
                // A filed-away inclusion proof stays true: --max-age does not apply, the quorum and the state do.
                try witnesses.enforce(parsed.checkpointNote.bytes, logVerifierKey: try readArgument(verifierKey),
                                      fresh: false)
            }
            report(verdict)
            if case .invalid = verdict { throw CLIExit.notAuthentic }
        }

        /// `--answer`: the saved answer checked as `certledger verify` checks a fresh one.
        func checkAnswer(_ path: String) throws {
            let checker: VerifierAnswerCheck
            do {
                checker = try VerifierAnswerCheck(verifierKey: try readArgument(verifierKey),
                                                  hashAlgorithm: HashAlgorithm(rawValue: hash) ?? .sha256)
            } catch let error as RegistryError {
                throw CLIError("--verifier-key: \(error.reason)")
            }
            let bytes = try Self.read(path, what: "--answer")
            let checked: VerifierAnswerCheck.Checked
            do { checked = try checker.check(bytes) } catch {
                if json {
                    print("{\"result\":\"invalid\",\"reason\":\(jsonString("\(error)"))}")
                } else {
                    let reason = "certledger check-proof: INVALID: the answer fails the checks: \(error)\n"
                    FileHandle.standardError.write(Data(reason.utf8))
                }
                throw CLIExit.notAuthentic
            }
            let witnessed = try witnesses.enforce(Array(checked.answer.checkpoint.utf8),
                                                  logVerifierKey: try readArgument(verifierKey), fresh: false)
            if json {
                print("{\"result\":\"valid\",\"verdict\":\"\(checked.answer.verdict.rawValue)\","
                      + "\"size\":\(checked.answer.treeSize),\"receipt\":\(checked.hasReceipt)}")
            } else {
                printChecked(checked, witnessed: witnessed)
            }
            if checked.answer.verdict != .authentic { throw CLIExit.notAuthentic }
        }

        /// What the check found.
        enum Verdict {
            case valid(index: UInt64, checkpoint: Checkpoint)
            case invalid(String)
        }

        /// Checks `proof` and `entry` against `verifier`: the checkpoint signature, then the inclusion proof, then
        /// the entry's own index. Pure: no I/O.
        static func check(proof: [UInt8], entry: [UInt8], verifier: any NoteVerifier, hash: HashAlgorithm)
            -> Verdict {
            let parsed: TlogProof
            do { parsed = try TlogProof(parsing: proof) } catch {
                return .invalid("the proof file is not a tlog-proof: \(error)")
            }
            let signed: SignedCheckpoint
            do { signed = try SignedCheckpoint(opening: parsed.checkpointNote.bytes, logVerifier: verifier) } catch {
                return .invalid("the checkpoint is not signed by \(verifier.name): \(error)")
            }
            let checkpoint = signed.checkpoint
            let hasher = MerkleHasher(hash)
            let verdict: MerkleVerdict
            do {
                verdict = try hasher.verifyInclusion(leafHash: hasher.leafHash(entry), index: parsed.index,
                                                     treeSize: checkpoint.size, proof: parsed.inclusionProof,
                                                     rootHash: checkpoint.rootHash)
            } catch {
                return .invalid("the inclusion proof for index \(parsed.index) in a tree of \(checkpoint.size) "
                    + "entries is malformed: \(error)")
            }
            guard verdict.isValid else {
                return .invalid("the entry is not entry \(parsed.index) of the checkpointed tree: \(verdict)")
            }
            let decoded: LogEntry
            do { decoded = try LogEntry(bytes: entry) } catch {
                return .invalid("the proven bytes are not a ledger entry: \(error)")
            }
            guard decoded.index == parsed.index else {
                return .invalid("the entry says it is index \(decoded.index), the proof is for index \(parsed.index)")
            }
            return .valid(index: parsed.index, checkpoint: checkpoint)
        }

        func report(_ verdict: Verdict) {
            switch (verdict, json) {
            case (.valid(let index, let checkpoint), true):
                print("{\"result\":\"valid\",\"index\":\(index),\"origin\":\(jsonString(checkpoint.origin)),"
                    + "\"size\":\(checkpoint.size),\"root\":\"\(checkpoint.rootHash.base64)\"}")
            case (.valid(let index, let checkpoint), false):
                print("VALID: entry \(index) is in \(checkpoint.origin) at tree size \(checkpoint.size) "
                    + "(root \(checkpoint.rootHash.base64)), checkpoint signed by the trusted key")
            case (.invalid(let reason), true):
                print("{\"result\":\"invalid\",\"reason\":\(jsonString(reason))}")
            case (.invalid(let reason), false):
                FileHandle.standardError.write(Data("certledger check-proof: INVALID: \(reason)\n".utf8))
            }
        }

        static func read(_ path: String, what: String) throws -> [UInt8] {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CLIError("\(what): cannot read \(path)")
            }
            return Array(data)
        }
    }
}
