import Foundation
import LedgerClient
import LedgerCrypto
import Log
import Registry
import SignedNote

/// The operator's witness policy as the log records it (`witness.policy`, docs/records.md), beside the checker's
/// own file. The file alone decides what a command accepts; a disagreement with the log is only reported — a
/// policy changed on one side and not the other, or an operator who says one thing and collects another.
extension WitnessOptions {
    /// With a witness policy: fetches the operator's latest `witness.policy` entry (`GET /v1/witness-policy`),
    /// proves it in the served checkpoint (signed by the file's log key), and prints a warning on stderr when it
    /// and the file disagree, or when it cannot be checked. Silent without a policy file and when the ledger has
    /// published no policy (404). Never changes the command's outcome.
    func warnIfLogPolicyDiffers(client: LedgerHTTPClient) async {
        guard witnessPolicy != nil, let policy = try? self.policy() else { return }
        let response: HTTPClientResponse
        do { response = try await client.send("GET", "/v1/witness-policy") } catch {
            warn("cannot fetch the ledger's witness.policy entry to compare with \(witnessPolicy ?? ""): "
                 + error.message)
            return
        }
        if response.status == 404 { return }
        guard response.status == 200 else {
            warn("cannot fetch the ledger's witness.policy entry to compare with \(witnessPolicy ?? ""): "
                 + describeError(response))
            return
        }
        do {
            let (index, record) = try Self.provenPolicyEntry(response.body, logVerifier: policy.logVerifier)
            warnIfDiffers(policy, index: index, record: record)
        } catch {
            warn("the ledger's witness.policy answer does not check against \(witnessPolicy ?? ""): \(error)")
        }
    }

    /// Warns when the file's policy and the log's entry `index` disagree (witness keys or quorum; labels are each
    /// side's own names and are not compared).
    func warnIfDiffers(_ policy: WitnessPolicy, index: UInt64, record: WitnessPolicyRecord) {
        guard let difference = Self.difference(policy, record) else { return }
        warn("the witness policy file \(witnessPolicy ?? "") and the operator's witness.policy entry \(index) in the "
             + "log disagree: \(difference). The file decides what is accepted; ask the ledger's operator which "
             + "policy is current")
    }

    /// How the file's policy and the log's record differ; nil when they name the same witness keys and quorum.
    static func difference(_ policy: WitnessPolicy, _ record: WitnessPolicyRecord) -> String? {
        let fileKeys = Set(policy.witnesses.map(\.verifier.verifierKey))
        let logKeys = Set(record.witnesses.map(\.verifierKey))
        var parts: [String] = []
        for member in policy.witnesses where !logKeys.contains(member.verifier.verifierKey) {
            parts.append("witness \(member.label) (\(member.verifier.verifierKey)) is only in the file")
        }
        for member in record.witnesses where !fileKeys.contains(member.verifierKey) {
            parts.append("witness \(member.label) (\(member.verifierKey)) is only in the log")
        }
        if policy.quorum != record.quorum {
            parts.append("quorum \(policy.quorum) in the file, \(record.quorum) in the log")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    /// The entry of a `GET /v1/witness-policy` answer, after checking that the checkpoint is signed by
    /// `logVerifier`, that the entry's inclusion proof leads to its root (under either hash suite the ledger may
    /// use), and that the entry is a `witness.policy` submission at the proven index.
    static func provenPolicyEntry(_ body: [UInt8], logVerifier: Ed25519NoteVerifier) throws
        -> (UInt64, WitnessPolicyRecord) {
        let answer = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(body))
        guard answer.entries.count == 1, let proven = answer.entries.first else {
            throw CLIError("expected one entry, found \(answer.entries.count)")
        }
        let signed = try SignedCheckpoint(opening: Array(answer.checkpoint.utf8), logVerifier: logVerifier)
        guard let bytes = Base64.decode(proven.entry) else { throw CLIError("the entry is not base64") }
        let proof = try proven.inclusionProof.map { text in
            guard let hash = Hash256(base64: text) else { throw CLIError("an inclusion proof hash is not base64") }
            return hash
        }
        let included = [HashAlgorithm.sha256, .sm3].contains { algorithm in
            let hasher = MerkleHasher(algorithm)
            let verdict = try? hasher.verifyInclusion(leafHash: hasher.leafHash(bytes), index: proven.index,
                                                      treeSize: signed.checkpoint.size, proof: proof,
                                                      rootHash: signed.checkpoint.rootHash)
            return verdict?.isValid == true
        }
        guard included else {
            throw CLIError("entry \(proven.index) is not proven in the checkpoint of size \(signed.checkpoint.size)")
        }
        let entry = try LogEntry(bytes: bytes)
        guard entry.index == proven.index else {
            throw CLIError("the entry says it is index \(entry.index), the proof is for index \(proven.index)")
        }
        let submission = try Submission(bytes: Array(entry.payload))
        guard case .witnessPolicy(let record) = submission.record else {
            throw CLIError("entry \(proven.index) is a \(submission.kind.rawValue), not a witness.policy")
        }
        return (proven.index, record)
    }

    private func warn(_ message: String) {
        FileHandle.standardError.write(Data("certledger: WARNING: \(message)\n".utf8))
    }
}
