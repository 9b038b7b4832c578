import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Log
import Registry
import SignedNote

extension CertLedger {
    /// `certledger submit`: sends signed submissions (one, several, or one atomic bundle), checks every inclusion
    /// proof it gets back against the checkpoint, and files each entry with its C2SP tlog-proof.
    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Submit records to the ledger and save the proof of each entry.",
            discussion: """
                Each FILE is a signed submission (from `certledger sign`) or, with --department and --key, an \
                unsigned record file that is signed here. Without --bundle each file is sent on its own; with \
                --bundle they are sequenced atomically at consecutive indices, all or none (e.g. a license by \
                market regulation with its seals by public security).

                Several files without --bundle go in bulk requests (POST /v1/submissions/bulk, at most --chunk \
                files each; a request the daemon finds too large is split and sent again): each file is still \
                judged on its own, as if sent alone in the order given, and one refused file does not affect the \
                others. One result is printed per file, prefixed with its name. With --witness-policy the files \
                are sent one by one (waiting for witnesses is offered for single submissions only).

                For every entry the ledger returns, the inclusion proof is checked against the returned checkpoint \
                (and its signature, given --verifier-key), then <proofs>/<index>.entry (the entry's bytes) and \
                <proofs>/<index>.tlog-proof (C2SP tlog-proof) are written: `certledger check-proof` checks them \
                offline later. Re-sending is safe: the ledger answers with the original entries.

                Exit codes: 0 all accepted, 1 any file refused by the ledger (the reason is printed) or a proof \
                that does not check, 2 usage, 3 daemon unreachable.

                Example:
                  certledger submit --server http://127.0.0.1:8080 --bundle license.json seal.json
                """
        )

        @OptionGroup var server: ServerOptions

        @Flag(help: "Send all files as one atomic bundle.")
        var bundle = false

        @Option(help: "Sign unsigned record files as this department (with --key).")
        var department: String?

        @Option(help: "The department's private key for unsigned record files.")
        var key: String?

        @Option(help: "The trusted checkpoint verifier key (name+id+key, or @FILE): also check the checkpoint's signature.")
        var verifierKey: String?

        @OptionGroup var witnesses: WitnessOptions

        @Option(help: "Folder for the saved entries and proofs.")
        var proofs: String = "proofs"

        @Flag(help: "Print the daemon's JSON answers instead of a summary.")
        var json = false

        @Option(help: "Most files per bulk request; the daemon's http.bulkMaxLines (default 1000) is the limit.")
        var chunk: Int = 1_000

        @Argument(help: "Submission files (- for standard input).")
        var files: [String]

        func validate() throws {
            guard !files.isEmpty else { throw ValidationError("give at least one submission file") }
            guard chunk >= 1 else { throw ValidationError("--chunk must be at least 1") }
            guard (department == nil) == (key == nil) else {
                throw ValidationError("--department and --key go together (to sign unsigned record files)")
            }
        }

        func run() async throws {
            let verifier = try verifierKey.map { try trustedVerifier($0) }
            var submissions: [Submission] = []
            for file in files { submissions.append(try load(file)) }
            let client = try server.client()
            let requests: [[UInt8]]
            if bundle {
                do { requests = [try SubmissionBundle(submissions).canonicalBytes] } catch {
                    throw CLIError("--bundle: \(error)")
                }
            } else {
                requests = submissions.map(\.canonicalBytes)
            }
            let sender = SubmissionSender(client: client, proofs: proofs, verifier: verifier, json: json,
                                          witnesses: witnesses.witnessPolicy == nil ? nil : witnesses,
                                          verifierKey: try verifierKey.map { try readArgument($0) })
            var refused = false
            if requests.count > 1, witnesses.witnessPolicy == nil {
                refused = try await !sender.sendBulk(Array(zip(files, requests)), chunk: chunk)
            } else {
                for (position, body) in requests.enumerated() {
                    refused = try await !sender.send(body, label: bundle ? "bundle" : files[position]) || refused
                }
                await witnesses.warnIfLogPolicyDiffers(client: client)
            }
            if refused { throw CLIExit.notAuthentic }
        }

        private func load(_ file: String) throws -> Submission {
            let bytes = try readInput(file)
            let value = try? JSONValue.parse(bytes)
            if value?["signature"] != nil {
                do { return try Submission(bytes: bytes) } catch { throw CLIError("\(file): \(error)") }
            }
            guard let department, let key else {
                throw CLIError("\(file) is not signed; sign it with `certledger sign`, or give --department and --key")
            }
            return try signFile(file, department: department, keyPath: key, nonce: nil)
        }
    }
}

/// Posts submissions, checks every inclusion proof of the answer against its checkpoint (and the checkpoint's
/// signature when a verifier key is trusted), and files each entry with its C2SP tlog-proof.
struct SubmissionSender {
    let client: LedgerHTTPClient
    let proofs: String
    let verifier: Ed25519NoteVerifier?
    let json: Bool
    /// With a witness policy: ask for proofs against a witnessed checkpoint (`?wait=witnessed`) and enforce it.
    var witnesses: WitnessOptions? = nil
    var verifierKey: String? = nil

    /// Sends one submission or bundle; prints why when the ledger refuses it. Returns whether it was accepted.
    func send(_ body: [UInt8], label: String) async throws -> Bool {
        try FileManager.default.createDirectory(atPath: proofs, withIntermediateDirectories: true)
        let path = witnesses == nil ? "/v1/submissions" : "/v1/submissions?wait=witnessed"
        let response = try await client.call("POST", path, json: body)
        guard response.status == 200 || response.status == 201 else {
            FileHandle.standardError.write(Data("certledger: \(label): refused: \(describeError(response))\n".utf8))
            return false
        }
        if json { print(response.text) }
        try file(response.body, label: label)
        return true
    }

    /// Checks each entry's proof against the answer's checkpoint and saves entry + tlog-proof. With `prefix` (bulk
    /// sends), each printed line starts with the file's name.
    func file(_ body: [UInt8], label: String, prefix: Bool = false) throws {
        let answer: SubmissionAnswer
        do { answer = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(body)) } catch {
            throw CLIError("\(label): the daemon's answer is not a submission answer: \(error)", code: 1)
        }
        let note: Note
        let checkpoint: Checkpoint
        do {
            if let verifier {
                let signed = try SignedCheckpoint(opening: Array(answer.checkpoint.utf8), logVerifier: verifier)
                (note, checkpoint) = (signed.note, signed.checkpoint)
            } else {
                note = try Note(parsing: Array(answer.checkpoint.utf8))
                checkpoint = try Checkpoint(parsing: note.text)
            }
        } catch {
            throw CLIError("\(label): the returned checkpoint does not verify: \(error)", code: 1)
        }
        if let witnesses {
            do { try witnesses.enforce(Array(answer.checkpoint.utf8), logVerifierKey: verifierKey) } catch {
                FileHandle.standardError.write(Data(("certledger: \(label): accepted as entries "
                    + answer.entries.map { "\($0.index)" }.joined(separator: ", ")
                    + ", but the answer's checkpoint is not witnessed under the policy\n").utf8))
                throw error
            }
        }
        let hasher = MerkleHasher(.sha256)
        for item in answer.entries {
            guard let bytes = Base64.decode(item.entry),
                  let proof = Optional(item.inclusionProof.compactMap { Hash256(base64: $0) }),
                  proof.count == item.inclusionProof.count,
                  (try? hasher.verifyInclusion(leafHash: hasher.leafHash(bytes), index: item.index,
                                               treeSize: checkpoint.size, proof: proof,
                                               rootHash: checkpoint.rootHash)) == .valid else {
                throw CLIError("\(label): the inclusion proof of entry \(item.index) does not lead to the "
                               + "checkpoint's root", code: 1)
            }
            let tlogProof = try TlogProof(index: item.index, inclusionProof: proof, checkpointNote: note)
            try writeAtomically("\(proofs)/\(item.index).entry", bytes)
            try writeAtomically("\(proofs)/\(item.index).tlog-proof", tlogProof.bytes)
            let kind = (try? LogEntry(bytes: bytes)).flatMap { try? JSONValue.parse(Array($0.payload)) }?["kind"]?
                .stringValue ?? "?"
            if !json {
                // Bulk sends print one line per file: its name, its entry, and the checkpoint that proves it.
                let lead = prefix ? "\(label): " : ""
                let tail = prefix ? "  checkpoint size \(checkpoint.size)" : ""
                print("\(lead)entry \(item.index)  \(kind)\(answer.duplicate ? "  (already in the log)" : "")  "
                      + "proof \(proofs)/\(item.index).tlog-proof\(tail)")
            }
        }
        if !json, !prefix {
            print("checkpoint size \(checkpoint.size)\(trustNote)")
        }
    }

    /// Whether the checkpoints' signatures were checked, as printed after them.
    var trustNote: String {
        verifier == nil ? " (signature not checked: give --verifier-key)" : " (signature verified)"
    }
}
