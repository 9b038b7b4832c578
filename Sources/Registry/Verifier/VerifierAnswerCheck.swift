import CanonicalJSON
public import LedgerCrypto
import Log
public import SignedNote

/// Checks a verifier answer offline, trusting nothing but the ledger's checkpoint verifier key (DESIGN.md §1, §7
/// `certledger verify`): the checkpoint's signature (C2SP signed-note), every inclusion proof against it (RFC 9162
/// §2.1.3.2), that every proven entry is a well-formed entry at its index whose payload decodes as a submission,
/// that entry 0 is the genesis naming this checkpoint key, that the verdict follows from the status-map proofs
/// (`checkStatusMap`), and the receipt's signature by the genesis's receipt key when the answer carries one (the
/// verdict does not rest on it). The CLI relies on it, the browser page checks the same; it does no I/O.
public struct VerifierAnswerCheck: Sendable {
    /// What a successful check yields: the answer and the decoded, proven entries.
    public struct Checked: Sendable {
        public let answer: VerifierAnswer
        public let checkpoint: SignedCheckpoint
        /// Entry 0.
        public let genesis: GenesisRecord
        /// The deciding entries' submissions, by index.
        public let submissions: [UInt64: Submission]
        /// What the status map proved, from which the verdict follows.
        public let status: ProvenStatus
        /// Whether the answer carried a receipt (which then verified). The verdict does not rest on it.
        public let hasReceipt: Bool
    }

    public let checkpointKey: Ed25519NoteVerifier
    public let hashAlgorithm: HashAlgorithm

    /// A checker trusting the checkpoint verifier key `name+hexid+base64(0x01‖key)`.
    public init(verifierKey: String, hashAlgorithm: HashAlgorithm = .sha256) throws(RegistryError) {
        do { checkpointKey = try Ed25519NoteVerifier(verifierKey: verifierKey) } catch {
            throw RegistryError(.invalid, field: "verifierKey", "not an Ed25519 verifier key: \(error.reason)")
        }
        self.hashAlgorithm = hashAlgorithm
    }

    /// Checks the answer's JSON text; throws the first problem (`badSignature` for a signature or proof that fails,
    /// `invalid` for anything malformed).
    public func check(_ bytes: [UInt8]) throws(RegistryError) -> Checked {
        let json: JSONValue
        let answer: VerifierAnswer
        do {
            json = try JSONValue.parse(bytes)
            answer = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(VerifierAnswer.self, from: json)
        } catch {
            throw RegistryError(error, prefix: "answer")
        }
        let checkpoint: SignedCheckpoint
        do {
            checkpoint = try SignedCheckpoint(opening: Array(answer.checkpoint.utf8), logVerifier: checkpointKey)
        } catch {
            throw RegistryError(.badSignature, field: "checkpoint", "the checkpoint does not verify with "
                                + "\(checkpointKey.name): \(error.reason)")
        }
        guard checkpoint.checkpoint.size == answer.treeSize else {
            throw RegistryError(.invalid, field: "treeSize", "the answer says \(answer.treeSize) entries, the "
                                + "checkpoint \(checkpoint.checkpoint.size)")
        }
        let genesisEntry = try prove(answer.genesis, field: "genesis", in: checkpoint.checkpoint)
        guard genesisEntry.index == 0,
              case .ledgerGenesis(let genesis) = try Self.submission(genesisEntry, [], field: "genesis").record else {
            throw RegistryError(.invalid, field: "genesis", "entry 0 is not the ledger.genesis")
        }
        guard genesis.checkpointVerifierKey == checkpointKey.verifierKey else {
            throw RegistryError(.invalid, field: "genesis", "the genesis names another checkpoint key")
        }
        var submissions: [UInt64: Submission] = [:]
        for (position, proven) in answer.entries.enumerated() {
            let field = "entries[\(position)]"
            let entry = try prove(proven, field: field, in: checkpoint.checkpoint)
            submissions[entry.index] = try Self.submission(entry, Set(genesis.usccExceptions), field: field)
        }
        let status = try checkStatusMap(answer, checkpoint: checkpoint.checkpoint, submissions: submissions)
        if answer.receipt != nil { try checkReceipt(answer, json: json, receiptKey: genesis.receiptKey) }
        return Checked(answer: answer, checkpoint: checkpoint, genesis: genesis, submissions: submissions,
                       status: status, hasReceipt: answer.receipt != nil)
    }

    /// The entry, after its inclusion proof verified against `checkpoint`.
    func prove(_ proven: VerifierAnswer.ProvenEntry, field: String,
                       in checkpoint: Checkpoint) throws(RegistryError) -> LogEntry {
        guard let bytes = Base64.decode(proven.entry) else {
            throw RegistryError(.invalid, field: "\(field).entry", "not standard base64")
        }
        var proof: [Hash256] = []
        for (position, text) in proven.inclusionProof.enumerated() {
            guard let hash = Hash256(base64: text) else {
                throw RegistryError(.invalid, field: "\(field).inclusionProof[\(position)]", "not base64 of 32 bytes")
            }
            proof.append(hash)
        }
        let hasher = MerkleHasher(hashAlgorithm)
        let verdict: MerkleVerdict
        do {
            verdict = try hasher.verifyInclusion(leafHash: hasher.leafHash(bytes), index: proven.index,
                                                 treeSize: checkpoint.size, proof: proof,
                                                 rootHash: checkpoint.rootHash)
        } catch {
            throw RegistryError(.badSignature, field: "\(field).inclusionProof", "\(error)")
        }
        guard verdict.isValid else {
            throw RegistryError(.badSignature, field: "\(field).inclusionProof", "entry \(proven.index) is not in "
                                + "the checkpoint's tree of \(checkpoint.size): \(verdict)")
        }
        let entry: LogEntry
        do { entry = try LogEntry(bytes: bytes) } catch {
            throw RegistryError(.invalid, field: "\(field).entry", "\(error)")
        }
        guard entry.index == proven.index else {
            throw RegistryError(.invalid, field: "\(field).index", "the entry says it is \(entry.index)")
        }
        return entry
    }

    private static func submission(_ entry: LogEntry, _ exceptions: Set<String>,
                                   field: String) throws(RegistryError) -> Submission {
        do { return try Registry.decode(entry, usccExceptions: exceptions) } catch {
            throw RegistryError(error.code, field: FieldCheck.join(field, error.field ?? ""), error.reason)
        }
    }

    private func checkReceipt(_ answer: VerifierAnswer, json: JSONValue,
                              receiptKey: KeyRecord) throws(RegistryError) {
        guard let receipt = answer.receipt else {
            throw RegistryError(.badSignature, field: "receipt", "the answer carries no receipt")
        }
        guard receipt.keyId == receiptKey.keyId, receipt.algorithm == receiptKey.algorithm,
              let signature = Base64.decode(receipt.signature) else {
            throw RegistryError(.badSignature, field: "receipt", "the receipt is not by the genesis's receipt key "
                                + "\(receiptKey.keyId)")
        }
        let key = try receiptKey.loadPublicKey(at: "genesis.receiptKey")
        guard key.isValidSignature(signature, for: VerifierAnswer.receiptSigningInput(json)) else {
            throw RegistryError(.badSignature, field: "receipt.signature", "the receipt signature does not verify")
        }
    }
}
