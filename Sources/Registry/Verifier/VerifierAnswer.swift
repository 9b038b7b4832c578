public import CanonicalJSON
public import LedgerCrypto
public import Log
public import SignedNote

/// The verifier's answer (DESIGN.md §5): the verdict, the entries that decide it — each with its RFC 9162 inclusion
/// proof against one signed checkpoint —, the genesis entry (which names the receipt key) proven the same way, and
/// a receipt signed by the ledger's receipt key. Everything in it can be checked offline with the checkpoint
/// verifier key alone (`VerifierAnswerCheck`).
///
/// Receipt: signature by the receipt key over `"certledger/receipt/v1\n"` ‖ JCS(the answer without `receipt`)
/// (RFC 8785), the same construction as submission signatures with its own prefix.
public struct VerifierAnswer: Codable, Sendable, Hashable {
    /// The domain-separation prefix of receipt signatures.
    public static let receiptPrefix: [UInt8] = Array("certledger/receipt/v1\n".utf8)

    /// A log entry with its inclusion proof in the tree of `treeSize` entries.
    public struct ProvenEntry: Codable, Sendable, Hashable {
        public let index: UInt64
        /// Base64 of the exact entry bytes (the leaf).
        public let entry: String
        /// Base64 proof hashes, leaf's sibling first (RFC 9162 §2.1.3).
        public let inclusionProof: [String]
    }

    /// A license's standing as the verdict saw it.
    public struct LicenseSummary: Codable, Sendable, Hashable {
        public let uscc: USCC
        public let status: LicenseState.Status
        public let version: Int
        public let currentIndex: UInt64
        public let endIndex: UInt64?
        public let endEffectiveOn: CalendarDate?
    }

    /// A seal's standing as the verdict saw it.
    public struct SealSummary: Codable, Sendable, Hashable {
        public let sealId: SealID
        public let holder: USCC
        public let sealType: SealType
        public let validFrom: CalendarDate
        public let validTo: CalendarDate
        public let revoked: Bool
        public let issueIndex: UInt64
        public let revokeIndex: UInt64?
    }

    /// The holder of a seal, reported beside the seal's own verdict: a revoked license revokes no seal implicitly.
    public struct HolderStatus: Codable, Sendable, Hashable {
        public let uscc: USCC
        /// `live`, `revoked`, `cancelled`, or `unknown` (no license in the log).
        public let status: String
        /// The entry that decides it (the end, or the current version); nil when unknown.
        public let index: UInt64?
    }

    /// The status map's word on every key the verdict reads (docs/verifier.md, "Proof from the status map"): the
    /// `map.root` entry closing the checkpointed tree (entry `treeSize − 1`) with its inclusion proof, and for each
    /// key its map proof against that root with the value, or no value when the key is proven absent.
    public struct StatusMapProofs: Codable, Sendable, Hashable {
        /// One key's proof.
        public struct KeyProof: Codable, Sendable, Hashable {
            /// The map key string (`license:<USCC>`, `seal:<sealId>`, `document:<algorithm>:<hex>`).
            public let key: String
            /// The map proof (DESIGN.md §3) against the root the `map.root` entry states.
            public let proof: MapProof
            /// The value's RFC 8785 text; nil (omitted) when the proof shows the key absent.
            public let value: String?

            public init(key: String, proof: MapProof, value: String?) {
                self.key = key
                self.proof = proof
                self.value = value
            }
        }

        /// Entry `treeSize − 1`, a `map.root` entry.
        public let mapRoot: ProvenEntry
        /// The keys the verdict reads, in the order docs/verifier.md gives.
        public let proofs: [KeyProof]

        public init(mapRoot: ProvenEntry, proofs: [KeyProof]) {
            self.mapRoot = mapRoot
            self.proofs = proofs
        }
    }

    /// Who signed the receipt and the signature.
    public struct Receipt: Codable, Sendable, Hashable {
        public let keyId: KeyID
        public let algorithm: SignatureAlgorithm
        /// Standard base64 of the signature.
        public let signature: String
    }

    /// Format version: 1.
    public let v: Int
    public let question: VerifierQuestion
    public let verdict: Verdict
    /// Why, in words, with the indices.
    public let reason: String
    /// The day the verdict is about.
    public let asOf: CalendarDate
    /// When the ledger answered.
    public let answeredAt: RecordTime
    public let license: LicenseSummary?
    public let seal: SealSummary?
    public let holder: HolderStatus?
    /// The status-map proofs the verdict follows from; nil only in an answer from a ledger without a status map,
    /// which `VerifierAnswerCheck` refuses.
    public let statusMap: StatusMapProofs?
    /// The entries that decide the verdict, in log order.
    public let entries: [ProvenEntry]
    /// Entry 0, the genesis: names the receipt key.
    public let genesis: ProvenEntry
    /// The size of the checkpoint every proof is against.
    public let treeSize: UInt64
    /// The signed checkpoint (C2SP signed-note text).
    public let checkpoint: String
    public let receipt: Receipt?

    /// The same answer given at `answeredAt`, with `receipt`.
    func with(answeredAt: RecordTime, receipt: Receipt?) -> VerifierAnswer {
        VerifierAnswer(v: v, question: question, verdict: verdict, reason: reason, asOf: asOf,
                       answeredAt: answeredAt, license: license, seal: seal, holder: holder, statusMap: statusMap,
                       entries: entries,
                       genesis: genesis, treeSize: treeSize, checkpoint: checkpoint, receipt: receipt)
    }

    /// What the receipt signs, from the answer's JSON (whatever spelling it arrived in).
    public static func receiptSigningInput(_ json: JSONValue) -> [UInt8] {
        var members = json.objectValue ?? [:]
        members["receipt"] = nil
        return receiptPrefix + JSONValue.object(members).canonicalBytes()
    }

    /// The answer as canonical JSON (RFC 8785).
    public func canonicalBytes() throws(RegistryError) -> [UInt8] {
        do { return try CanonicalJSONEncoder().encode(self) } catch {
            throw RegistryError(error, prefix: "answer")
        }
    }

    /// One C2SP tlog-proof (`c2sp.org/tlog-proof@v1`) per deciding entry, for a department to file away.
    public func tlogProofs() throws -> [TlogProof] {
        let note = try Note(parsing: Array(checkpoint.utf8))
        return try entries.map { proven in
            let hashes = try proven.inclusionProof.map { text in
                guard let hash = Hash256(base64: text) else {
                    throw RegistryError(.invalid, field: "entries.inclusionProof", "not base64 of 32 bytes")
                }
                return hash
            }
            return try TlogProof(index: proven.index, inclusionProof: hashes, checkpointNote: note)
        }
    }
}
