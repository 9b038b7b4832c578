public import LedgerCrypto
import SignedNote

/// Entry 0 of every ledger (`ledger.genesis`, signed by the operator key, DESIGN.md §3): the parameters and keys
/// an auditor needs to check everything after it with nothing but the log and the checkpoint verifier key.
public struct GenesisRecord: RecordBody {
    public static let kinds: Set<SubmissionKind> = [.ledgerGenesis]

    /// The log's origin: the first line of every checkpoint (C2SP tlog-checkpoint) and the checkpoint key's name.
    public let origin: String
    /// The hash suite of the Merkle tree and the entry chain.
    public let hashSuite: HashAlgorithm
    /// The checkpoint key as a C2SP signed-note verifier key `<origin>+<hex id>+<base64(0x01 ‖ Ed25519 key)>`.
    public let checkpointVerifierKey: String
    /// The key that signs this genesis and the department registry entries.
    public let operatorKey: KeyRecord
    /// The key that signs verifier receipts; distinct from the other two, so each key signs one kind of thing.
    public let receiptKey: KeyRecord
    /// All seven link kinds, each with its names and the role that may record it.
    public let linkKinds: [LinkKindDefinition]
    /// Legacy USCCs (e.g. from pilot areas) whose check characters are not verified; length and alphabet are.
    public let usccExceptions: [String]

    /// A genesis record; `validate` checks it.
    public init(origin: String, hashSuite: HashAlgorithm, checkpointVerifierKey: String, operatorKey: KeyRecord,
                receiptKey: KeyRecord, linkKinds: [LinkKindDefinition], usccExceptions: [String]) {
        self.origin = origin
        self.hashSuite = hashSuite
        self.checkpointVerifierKey = checkpointVerifierKey
        self.operatorKey = operatorKey
        self.receiptKey = receiptKey
        self.linkKinds = linkKinds
        self.usccExceptions = usccExceptions
    }

    public func validate(as kind: SubmissionKind, at path: String) throws(RegistryError) {
        func field(_ name: String) -> String { FieldCheck.join(path, name) }
        guard FieldCheck.ascii(origin, RecordLimits.origin, { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "+") })
        else {
            throw RegistryError(.invalid, field: field("origin"),
                                "an origin is 1–255 printable ASCII characters without spaces or \"+\"")
        }
        let checkpointKey: Ed25519NoteVerifier
        do {
            checkpointKey = try Ed25519NoteVerifier(verifierKey: checkpointVerifierKey)
        } catch {
            throw RegistryError(.invalid, field: field("checkpointVerifierKey"),
                                "not an Ed25519 signed-note verifier key: \(error.reason)")
        }
        guard checkpointKey.name == origin else {
            throw RegistryError(.invalid, field: field("checkpointVerifierKey"),
                                "the key is named \"\(checkpointKey.name)\", not the origin \"\(origin)\"")
        }
        let operatorPublic = try operatorKey.loadPublicKey(at: field("operatorKey"))
        let receiptPublic = try receiptKey.loadPublicKey(at: field("receiptKey"))
        guard operatorPublic != receiptPublic else {
            throw RegistryError(.invalid, field: field("receiptKey"),
                                "the receipt key must differ from the operator key")
        }
        for (name, key) in [("operatorKey", operatorPublic), ("receiptKey", receiptPublic)]
        where key == checkpointKey.publicKey {
            throw RegistryError(.invalid, field: field(name), "the checkpoint key signs checkpoints and nothing else")
        }
        try validateLinkKinds(at: field("linkKinds"))
        let exceptions = field("usccExceptions")
        try FieldCheck.count(usccExceptions.count, exceptions, RecordLimits.usccExceptions)
        try FieldCheck.unique(usccExceptions, exceptions) { "USCC \($0)" }
        for (index, code) in usccExceptions.enumerated() where USCC.problem(code, exempt: true) != nil {
            throw RegistryError(.invalid, field: "\(exceptions)[\(index)]",
                                "\"\(code)\" is not 18 characters of the USCC alphabet (0-9, A-Y without I O Z S V)")
        }
    }

    private func validateLinkKinds(at path: String) throws(RegistryError) {
        try FieldCheck.unique(linkKinds.map(\.id), path) { "link kind \($0)" }
        for (index, definition) in linkKinds.enumerated() {
            try definition.validate(at: "\(path)[\(index)]")
        }
        let missing = LinkKind.allCases.filter { kind in !linkKinds.contains { $0.id == kind } }
        guard missing.isEmpty else {
            throw RegistryError(.invalid, field: path, "must define all \(LinkKind.allCases.count) link kinds; missing "
                                + missing.map(\.rawValue).joined(separator: ", "))
        }
    }
}
