/// What a submission asks the ledger to record (DESIGN.md §4). The kind decides the record's schema and, through
/// the department's roles, who may submit it.
public enum SubmissionKind: String, CaseIterable, ValidatedString {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Entry 0: the ledger's parameters and keys, signed by the operator key.
    case ledgerGenesis = "ledger.genesis"
    /// A department joins, with its roles and public keys (operator key).
    case departmentRegister = "department.register"
    /// A department gains a key and retires others (operator key).
    case departmentRotateKey = "department.rotate-key"
    /// A department leaves; its keys stop verifying new submissions (operator key).
    case departmentRetire = "department.retire"
    /// The operator's witness policy: the witnesses and the quorum; a new entry replaces it (operator key).
    case witnessPolicy = "witness.policy"
    /// A business license (营业执照) is issued: full license data, version 1.
    case licenseIssue = "license.issue"
    /// A license's data changes: the complete new data, version > 1.
    case licenseAmend = "license.amend"
    /// A license is revoked (吊销) by the authority.
    case licenseRevoke = "license.revoke"
    /// A license is cancelled (注销), the entity having been dissolved.
    case licenseCancel = "license.cancel"
    /// An e-seal (电子印章) is filed for a license holder.
    case sealIssue = "seal.issue"
    /// An e-seal is revoked.
    case sealRevoke = "seal.revoke"
    /// A department records that it shared data about a holder with another department.
    case linkShare = "link.share"

    public var value: String { rawValue }

    public init(validating text: String) throws(RegistryError) {
        guard let kind = Self(rawValue: text) else {
            throw RegistryError(.invalid, "unknown kind \(FieldCheck.quote(text)); expected one of "
                                + Self.allCases.map(\.rawValue).joined(separator: ", "))
        }
        self = kind
    }
}
