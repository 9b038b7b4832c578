import ArgumentParser
import CanonicalJSON
import Foundation
import Registry
import SignedNote

extension CertLedger {
    /// `certledger witness policy-record`: the unsigned `witness.policy` record of a witness policy file.
    struct WitnessPolicyRecordCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "policy-record",
            abstract: "Print the unsigned witness.policy record of a witness policy file, for the operator to sign.",
            discussion: """
                The record names the file's witnesses (label and cosignature key) and its quorum (docs/records.md, \
                witness.policy). The operator publishes it in the log — signed with the operator key by \
                `certledger sign`, sent by `certledger submit` — and checkers with --witness-policy then warn when \
                their file and the log's latest policy disagree. --policy-prev is the index of the latest \
                witness.policy entry the log holds (GET /v1/witness-policy), omitted for the first.

                Example (a development ledger, whose operator is demo-ledger):
                  certledger witness policy-record --witness-policy policy.txt > policy-record.json
                  certledger sign --department demo-ledger --key dev-ledger/departments/demo-ledger.key \\
                      policy-record.json > policy-signed.json
                  certledger submit policy-signed.json
                """
        )

        @Option(name: .customLong("witness-policy"), help: ArgumentHelp("The witness policy file.", valueName: "file"))
        var witnessPolicy: String

        @Option(help: "The index of the log's latest witness.policy entry (omit for the first).")
        var policyPrev: UInt64?

        func run() throws {
            guard let text = try? String(contentsOfFile: witnessPolicy, encoding: .utf8) else {
                throw CLIError("--witness-policy: cannot read \(witnessPolicy)")
            }
            let policy: WitnessPolicy
            do { policy = try WitnessPolicy(parsing: text) } catch {
                throw CLIError("--witness-policy \(witnessPolicy): \(error)")
            }
            let record = WitnessPolicyRecord(policyPrev: policyPrev, witnesses: policy.witnesses.map {
                .init(label: $0.label, verifierKey: $0.verifier.verifierKey)
            }, quorum: policy.quorum)
            do { try record.validate(as: .witnessPolicy, at: "record") } catch {
                throw CLIError("--witness-policy \(witnessPolicy): \(error)")
            }
            var object = CanonicalObject()
            object.set("kind", string: SubmissionKind.witnessPolicy.rawValue)
            do {
                object.set("record", canonical: try CanonicalJSONEncoder().encode(record))
            } catch {
                throw CLIError("cannot encode the record: \(error)")
            }
            print(String(decoding: object.bytes(), as: UTF8.self))
        }
    }
}
