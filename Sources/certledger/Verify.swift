import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry
import SignedNote

extension CertLedger {
    /// `certledger verify license|seal|document`: asks the verifier, then checks everything in the answer locally
    /// — the checkpoint's signature against the trusted verifier key, every inclusion proof, the genesis, the
    /// status-map proofs the verdict must follow from, the receipt when there is one — and only then believes the
    /// verdict.
    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Is this license, seal or document real and current? Checked locally, not taken on trust.",
            discussion: """
                The daemon's answer names the verdict (authentic, revoked, cancelled, expired, mismatch, unknown) \
                and carries the entries that decide it with inclusion proofs, the signed checkpoint, the status \
                map's proofs for the keys the verdict reads (the subject's current status, or that the log never \
                saw it) and a receipt. This command checks all of that against --verifier-key (the ledger's \
                checkpoint verifier key, from its operator: a string or @FILE) and recomputes the verdict from the \
                proven map values before printing it: "not revoked" and "unknown" are proven, not taken on the \
                ledger's word. --save keeps the whole answer (e.g. for the case file; `certledger check-proof \
                --answer FILE` checks it again offline, with or without its receipt); --proofs writes each deciding \
                entry's C2SP tlog-proof.

                Exit codes: 0 authentic, 1 not authentic (any other verdict) or an answer that fails the checks, \
                2 usage, 3 daemon unreachable.

                Examples:
                  certledger verify license 91350100MA2YDE7W7J --verifier-key @dev-ledger/checkpoint.vkey
                  certledger verify license 91350100MA2YDE7W7J --document license.ofd --verifier-key @…
                  certledger verify seal 35010020260001 --holder 91350100MA2YDE7W7J --verifier-key @…
                  certledger verify document license.pdf --verifier-key @…
                """,
            subcommands: [License.self, Seal.self, Document.self]
        )

        struct Common: ParsableArguments {
            @OptionGroup var server: ServerOptions

            @Option(help: "The trusted checkpoint verifier key (name+id+key, or @FILE).")
            var verifierKey: String

            @OptionGroup var witnesses: WitnessOptions

            @Option(help: "The day the verdict is about (YYYY-MM-DD). Default: today (UTC).")
            var asOf: String?

            @Option(help: "Save the daemon's whole answer (JSON) to this file.")
            var save: String?

            @Option(help: "Write each deciding entry's C2SP tlog-proof and bytes into this folder.")
            var proofs: String?

            @Flag(help: "Print the checked answer as JSON instead of a summary.")
            var json = false

            @Option(help: "Sign the request as this department (ledgers with readAccess: departments).")
            var department: String?

            @Option(help: "The department's private key, to sign the request (with --department).")
            var key: String?

            /// The read-signature headers for `body` sent to `path`, when a department is given.
            func signature(client: LedgerHTTPClient, path: String, body: [UInt8]) throws -> [(String, String)] {
                guard let department else { return [] }
                guard let key else { throw CLIError("--department needs --key to sign the request") }
                do {
                    guard let pem = try? String(contentsOfFile: key, encoding: .utf8) else {
                        throw CLIError("--key: cannot read \(key)")
                    }
                    return try ReadSignature.headers(
                        department: DepartmentID(validating: department), key: PrivateKey(pem: pem), method: "POST",
                        target: client.endpoint.pathPrefix + path, time: Int64(Date().timeIntervalSince1970),
                        body: body)
                } catch let error as CLIError { throw error } catch {
                    throw CLIError("--department/--key: \(error)")
                }
            }

            func date() throws -> CalendarDate? {
                guard let asOf else { return nil }
                do { return try CalendarDate(validating: asOf) } catch { throw CLIError("--as-of: \(error.reason)") }
            }
        }

        struct License: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Verify a business license by its USCC.")
            @Argument(help: "The unified social credit code (18 characters).") var uscc: String
            @Option(help: "The license document in front of you (OFD/PDF): is it the current version?")
            var document: String?
            @OptionGroup var common: Common

            func run() async throws {
                let code: USCC
                do { code = try USCC(uscc) } catch { throw CLIError("USCC \(uscc): \(error.reason)") }
                let digest = try document.map { try digestOfFile($0) }
                try await ask(.license(code, document: digest, asOf: common.date()), common)
            }
        }

        struct Seal: AsyncParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Verify an e-seal by its id.")
            @Argument(help: "The seal id.") var sealId: String
            @Option(help: "The USCC of the holder you expect.") var holder: String?
            @OptionGroup var common: Common

            func run() async throws {
                let id: SealID
                do { id = try SealID(validating: sealId) } catch { throw CLIError("seal id \(sealId): \(error.reason)") }
                let expected: USCC?
                do { expected = try holder.map { try USCC($0) } } catch { throw CLIError("--holder: \(error)") }
                try await ask(.seal(id, holder: expected, asOf: common.date()), common)
            }
        }

        struct Document: AsyncParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Verify a license document file (hashed here; only its SHA-256 digest is sent).")
            @Argument(help: "The document file (OFD/PDF).") var file: String
            @OptionGroup var common: Common

            func run() async throws {
                try await ask(.document(try digestOfFile(file), asOf: common.date()), common)
            }
        }
    }
}

/// SHA-256 of a file, streamed (license documents may be large).
func digestOfFile(_ path: String) throws -> ContentDigest {
    guard let handle = FileHandle(forReadingAtPath: path) else { throw CLIError("cannot read \(path)") }
    defer { try? handle.close() }
    let context = DigestContext(.sha256)
    while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { context.update(Array(chunk)) }
    return ContentDigest(algorithm: .sha256, digest: context.finalize())
}

/// Sends `question`, checks the answer against the trusted key, prints the verdict; exit 0 only for authentic.
private func ask(_ question: VerifierQuestion, _ common: CertLedger.Verify.Common) async throws {
    let checker: VerifierAnswerCheck
    do { checker = try VerifierAnswerCheck(verifierKey: try readArgument(common.verifierKey)) } catch let error as RegistryError {
        throw CLIError("--verifier-key: \(error.reason)")
    }
    let client = try common.server.client()
    let body = try CanonicalJSONEncoder().encode(question)
    let headers = try common.signature(client: client, path: "/v1/verify", body: body)
    let response: HTTPClientResponse
    do {
        response = try await client.send("POST", "/v1/verify", headers: [("Content-Type", "application/json")] + headers,
                                         body: body)
    } catch {
        throw error.cliError
    }
    guard response.status == 200 else { throw CLIError("the verifier refused: \(describeError(response))") }
    if let save = common.save { try writeAtomically(save, response.body) }
    let checked: VerifierAnswerCheck.Checked
    do { checked = try checker.check(response.body) } catch {
        FileHandle.standardError.write(Data("certledger: the ledger's answer FAILED local verification: \(error)\n".utf8))
        throw CLIExit.notAuthentic
    }
    let answer = checked.answer
    guard answer.question == question else {
        FileHandle.standardError.write(Data("certledger: the answer is about another question than the one asked\n".utf8))
        throw CLIExit.notAuthentic
    }
    // With a witness policy the answer's checkpoint must carry a fresh quorum, and be no older than one seen before.
    let witnessed = try common.witnesses.enforce(Array(answer.checkpoint.utf8),
                                                 logVerifierKey: try readArgument(common.verifierKey))
    await common.witnesses.warnIfLogPolicyDiffers(client: client)
    if let folder = common.proofs {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for (proof, proven) in zip(try answer.tlogProofs(), answer.entries) {
            try writeAtomically("\(folder)/\(proven.index).tlog-proof", proof.bytes)
            if let bytes = Base64.decode(proven.entry) { try writeAtomically("\(folder)/\(proven.index).entry", bytes) }
        }
    }
    if common.json {
        print(response.text)
    } else {
        printChecked(checked, witnessed: witnessed)
    }
    if answer.verdict != .authentic { throw CLIExit.notAuthentic }
}

/// The verdict and what was checked locally, for people (`verify`, `check-proof --answer`).
func printChecked(_ checked: VerifierAnswerCheck.Checked, witnessed: WitnessedCheckpoint?) {
    let answer = checked.answer
    print("\(answer.verdict.rawValue.uppercased()): \(answer.reason)")
    if let license = answer.license {
        print("  license \(license.uscc) \(license.status.rawValue), version \(license.version), "
              + "entry \(license.currentIndex)\(license.endIndex.map { ", ended at entry \($0)" } ?? "")")
    }
    if let seal = answer.seal {
        print("  seal \(seal.sealId) of \(seal.holder), \(seal.validFrom)…\(seal.validTo)"
              + (seal.revoked ? ", revoked" : ""))
    }
    if let holder = answer.holder { print("  holder \(holder.uscc): \(holder.status)") }
    // What the verdict rests on: the map proves each key's value, or that the key is absent.
    let proven = checked.status.values.map { "\($0.key) \($0.value == nil ? "absent" : "present")" }
    print("  proven by the status map at size \(answer.treeSize) (root \(checked.status.root.base64)): "
          + proven.joined(separator: ", "))
    print("  as of \(answer.asOf); checked locally: checkpoint signature (\(checked.checkpoint.checkpoint.origin)), "
          + "\(answer.entries.count + 2) inclusion proofs, \(checked.status.values.count) map "
          + (checked.status.values.count == 1 ? "proof" : "proofs") + ", the verdict from the map values, "
          + (checked.hasReceipt ? "receipt" : "no receipt (none needed)"))
    if let witnessed {
        print("  witnessed: " + witnessed.cosigners.map { "\($0.label) at \($0.time)" }.joined(separator: ", ")
              + " (quorum \(witnessed.quorum))")
    }
}
