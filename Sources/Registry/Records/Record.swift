public import CanonicalJSON

/// The record of a submission, decoded by kind: one case per `SubmissionKind`, each carrying its schema's struct.
public enum Record: Sendable, Hashable {
    case ledgerGenesis(GenesisRecord)
    case departmentRegister(DepartmentRegisterRecord)
    case departmentRotateKey(DepartmentRotateKeyRecord)
    case departmentRetire(DepartmentRetireRecord)
    case witnessPolicy(WitnessPolicyRecord)
    case licenseIssue(LicenseRecord)
    case licenseAmend(LicenseRecord)
    case licenseRevoke(LicenseEndRecord)
    case licenseCancel(LicenseEndRecord)
    case sealIssue(SealIssueRecord)
    case sealRevoke(SealRevokeRecord)
    case linkShare(LinkShareRecord)

    /// The kind this record is recorded under.
    public var kind: SubmissionKind {
        switch self {
        case .ledgerGenesis: return .ledgerGenesis
        case .departmentRegister: return .departmentRegister
        case .departmentRotateKey: return .departmentRotateKey
        case .departmentRetire: return .departmentRetire
        case .witnessPolicy: return .witnessPolicy
        case .licenseIssue: return .licenseIssue
        case .licenseAmend: return .licenseAmend
        case .licenseRevoke: return .licenseRevoke
        case .licenseCancel: return .licenseCancel
        case .sealIssue: return .sealIssue
        case .sealRevoke: return .sealRevoke
        case .linkShare: return .linkShare
        }
    }

    /// The record's struct.
    public var body: any RecordBody {
        switch self {
        case .ledgerGenesis(let body): return body
        case .departmentRegister(let body): return body
        case .departmentRotateKey(let body): return body
        case .departmentRetire(let body): return body
        case .witnessPolicy(let body): return body
        case .licenseIssue(let body), .licenseAmend(let body): return body
        case .licenseRevoke(let body), .licenseCancel(let body): return body
        case .sealIssue(let body): return body
        case .sealRevoke(let body): return body
        case .linkShare(let body): return body
        }
    }

    /// Decodes and validates the record of a `kind` submission strictly: unknown members, missing members,
    /// wrong types, bad formats and broken cross-field rules are all `invalid` with the field's JSON path under
    /// `path` (e.g. `record.registeredCapital.amount`). USCCs listed in `usccExceptions` skip their check
    /// characters (the genesis's list). Records about licenses, seals and links — all but the department and
    /// genesis records — are first read without `Codable` (`decodeDirect`, only ever the value the strict decoder
    /// would give); whatever that read does not take, the strict decoder reads and names any problem.
    public static func decode(kind: SubmissionKind, from value: JSONValue, usccExceptions: Set<String> = [],
                              at path: String = "record") throws(RegistryError) -> Record {
        if let direct = decodeDirect(kind: kind, from: value, usccExceptions: usccExceptions, at: path) {
            return direct
        }
        func body<T: RecordBody>(_ type: T.Type) throws(RegistryError) -> T {
            let decoder = CanonicalJSONDecoder(rejectUnknownKeys: true)
            let result = USCC.$decodingExceptions.withValue(usccExceptions) {
                Result { () throws(JSONError) in try decoder.decode(T.self, from: value) }
            }
            switch result {
            case .success(let body):
                try body.validate(as: kind, at: path)
                return body
            case .failure(let error):
                throw RegistryError(error, prefix: path)
            }
        }
        switch kind {
        case .ledgerGenesis: return .ledgerGenesis(try body(GenesisRecord.self))
        case .departmentRegister: return .departmentRegister(try body(DepartmentRegisterRecord.self))
        case .departmentRotateKey: return .departmentRotateKey(try body(DepartmentRotateKeyRecord.self))
        case .departmentRetire: return .departmentRetire(try body(DepartmentRetireRecord.self))
        case .witnessPolicy: return .witnessPolicy(try body(WitnessPolicyRecord.self))
        case .licenseIssue: return .licenseIssue(try body(LicenseRecord.self))
        case .licenseAmend: return .licenseAmend(try body(LicenseRecord.self))
        case .licenseRevoke: return .licenseRevoke(try body(LicenseEndRecord.self))
        case .licenseCancel: return .licenseCancel(try body(LicenseEndRecord.self))
        case .sealIssue: return .sealIssue(try body(SealIssueRecord.self))
        case .sealRevoke: return .sealRevoke(try body(SealRevokeRecord.self))
        case .linkShare: return .linkShare(try body(LinkShareRecord.self))
        }
    }

    /// The record of a `kind` submission read only through the fast readers (licenses, seals, links) and validated;
    /// nil for any other kind and whenever the fast read gives up or validation fails — the caller then decodes
    /// strictly with `decode(kind:from:usccExceptions:at:)`, which accepts the same records and names every problem.
    static func decodeDirect<Value: DirectJSON>(kind: SubmissionKind, from value: Value, usccExceptions: Set<String>,
                                                at path: String = "record") -> Record? {
        func checked<T: RecordBody>(_ body: T?) -> T? {
            guard let body, (try? body.validate(as: kind, at: path)) != nil else { return nil }
            return body
        }
        switch kind {
        case .ledgerGenesis, .departmentRegister, .departmentRotateKey, .departmentRetire, .witnessPolicy: return nil
        case .licenseIssue:
            return checked(LicenseRecord(direct: value, usccExceptions: usccExceptions)).map { .licenseIssue($0) }
        case .licenseAmend:
            return checked(LicenseRecord(direct: value, usccExceptions: usccExceptions)).map { .licenseAmend($0) }
        case .licenseRevoke:
            return checked(LicenseEndRecord(direct: value, usccExceptions: usccExceptions)).map { .licenseRevoke($0) }
        case .licenseCancel:
            return checked(LicenseEndRecord(direct: value, usccExceptions: usccExceptions)).map { .licenseCancel($0) }
        case .sealIssue:
            return checked(SealIssueRecord(direct: value, usccExceptions: usccExceptions)).map { .sealIssue($0) }
        case .sealRevoke: return checked(SealRevokeRecord(direct: value)).map { .sealRevoke($0) }
        case .linkShare:
            return checked(LinkShareRecord(direct: value, usccExceptions: usccExceptions)).map { .linkShare($0) }
        }
    }
}
