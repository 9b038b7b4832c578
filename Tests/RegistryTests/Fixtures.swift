import CanonicalJSON
import Foundation
import LedgerCrypto
import Registry
import SignedNote
import Testing

/// The demo city of Config/departments.example.yaml and docs/records.md: deterministic Ed25519 keys (seeds are
/// SHA-256 of a label, so anyone can re-derive them — demo only) and one valid record of every kind.
struct Demo {
    static let origin = "certledger.demo.example/ledger"
    static let holder = "91350100MA2YDE7W7J"
    static let otherHolder = "91350100MA8CL0015G"
    static let sealId = "35010020260001"

    let operatorKey: PrivateKey
    let receiptKey: PrivateKey
    let checkpointKey: PrivateKey
    let amrKey: PrivateKey
    let amrNextKey: PrivateKey
    let psbKey: PrivateKey
    let bdcKey: PrivateKey

    init() throws {
        func key(_ label: String) throws -> PrivateKey {
            try PrivateKey(ed25519Seed: HashAlgorithm.sha256.hash(Array("certledger demo \(label)".utf8)).bytes)
        }
        operatorKey = try key("operator")
        receiptKey = try key("receipt")
        checkpointKey = try key("checkpoint")
        amrKey = try key("demo-amr")
        amrNextKey = try key("demo-amr 2")
        psbKey = try key("demo-psb")
        bdcKey = try key("demo-bdc")
    }

    /// The (department, key) that signs each kind in the examples.
    func signer(for kind: SubmissionKind) -> (DepartmentID, PrivateKey) {
        switch kind {
        case .ledgerGenesis, .departmentRegister, .departmentRotateKey, .departmentRetire, .witnessPolicy:
            return (dept("demo-ledger"), operatorKey)
        case .licenseIssue, .licenseAmend, .licenseRevoke, .licenseCancel: return (dept("demo-amr"), amrKey)
        case .sealIssue, .sealRevoke: return (dept("demo-psb"), psbKey)
        case .linkShare: return (dept("demo-bdc"), bdcKey)
        }
    }

    /// A fixed nonce per kind, so that the examples are byte-for-byte reproducible.
    static func nonce(for kind: SubmissionKind) -> Nonce {
        let text = "demo-" + kind.rawValue.replacingOccurrences(of: ".", with: "-") + "-0001"
        return (try? Nonce(validating: text)) ?? Nonce.random()
    }

    /// The example submission of `kind`, signed.
    func submission(_ kind: SubmissionKind) throws -> Submission {
        let (department, key) = signer(for: kind)
        return try Self.sign(record(kind), kind: kind, department: department, key: key, nonce: Self.nonce(for: kind))
    }

    static func sign(_ record: any RecordBody, kind: SubmissionKind, department: DepartmentID, key: PrivateKey,
                     nonce: Nonce) throws -> Submission {
        try Submission.sign(kind: kind, department: department, key: key, nonce: nonce, record: record)
    }

    func record(_ kind: SubmissionKind) throws -> any RecordBody {
        switch kind {
        case .ledgerGenesis: return try genesis()
        case .departmentRegister:
            return DepartmentRegisterRecord(id: dept("demo-amr"), nameZh: "示例市市场监督管理局",
                                            nameEn: "Demo City Administration for Market Regulation",
                                            roles: [.licenseIssuer], keys: [try KeyRecord(amrKey.publicKey)])
        case .departmentRotateKey:
            return DepartmentRotateKeyRecord(department: dept("demo-amr"), newKey: try KeyRecord(amrNextKey.publicKey),
                                             retireKeyIds: [try KeyID(validating: amrKey.publicKey.keyID)])
        case .departmentRetire:
            return DepartmentRetireRecord(department: dept("demo-bank"), reason: "停止接入政务数据共享平台")
        case .witnessPolicy: return try witnessPolicy(policyPrev: nil)
        case .licenseIssue: return try license(version: 1, subjectPrev: nil)
        case .licenseAmend: return try license(version: 2, subjectPrev: 12)
        case .licenseRevoke:
            return LicenseEndRecord(uscc: try USCC(Self.holder), reason: "成立后无正当理由超过六个月未开业",
                                    effectiveOn: try date("2026-11-20"), subjectPrev: 40)
        case .licenseCancel:
            return LicenseEndRecord(uscc: try USCC(Self.otherHolder), reason: "股东会决议解散，清算完毕",
                                    effectiveOn: try date("2026-11-25"), subjectPrev: 41)
        case .sealIssue:
            return SealIssueRecord(
                sealId: try SealID(validating: Self.sealId), holder: try USCC(Self.holder), sealType: .legalName,
                name: "示例城市云链科技有限公司", validFrom: try date("2026-01-10"), validTo: try date("2031-01-09"),
                image: ContentDigest(of: Array("demo seal image".utf8), algorithm: .sm3),
                certificate: ContentDigest(of: Array("demo seal certificate".utf8), algorithm: .sha256),
                subjectPrev: nil)
        case .sealRevoke:
            return SealRevokeRecord(sealId: try SealID(validating: Self.sealId), reason: "印章遗失，已登报声明作废",
                                    effectiveOn: try date("2026-11-28"), subjectPrev: 57)
        case .linkShare:
            return LinkShareRecord(
                linkKind: .realEstate, holder: try USCC(Self.holder), sourceDepartment: dept("demo-amr"),
                targetDepartment: dept("demo-bdc"), reference: "BDC-2026-0012345",
                dataDigest: SaltedDigest(of: Array("license data as shared".utf8), salt: Array(repeating: 7, count: 16),
                                         algorithm: .sha256),
                purpose: "不动产转移登记核验企业主体资格", sharedAt: try RecordTime(validating: "2026-11-29T01:02:03.456Z"))
        }
    }

    /// Two demo witnesses (market regulation's and the housing fund's), both required.
    func witnessPolicy(policyPrev: UInt64?, quorum: Int = 2) throws -> WitnessPolicyRecord {
        func witness(_ name: String) throws -> String {
            let key = try PrivateKey(ed25519Seed: HashAlgorithm.sha256.hash(Array("certledger demo \(name)".utf8)).bytes)
            return try Ed25519CosignatureSigner(name: name, privateKey: key).verifier.verifierKey
        }
        return WitnessPolicyRecord(policyPrev: policyPrev, witnesses: [
            .init(label: "market-regulation", verifierKey: try witness("witness.amr.demo.example")),
            .init(label: "housing-fund", verifierKey: try witness("witness.gjj.demo.example")),
        ], quorum: quorum)
    }

    func license(version: Int, subjectPrev: UInt64?) throws -> LicenseRecord {
        let amended = version > 1
        return LicenseRecord(
            uscc: try USCC(Self.holder), name: "示例城市云链科技有限公司", entityType: "有限责任公司（自然人投资或控股）",
            legalRepresentative: "张三",
            registeredCapital: RegisteredCapital(amount: amended ? "8000000" : "5000000.50", currency: "CNY"),
            establishedOn: try date("2021-03-15"),
            businessTerm: BusinessTerm(from: try date("2021-03-15"), to: amended ? try date("2051-03-14") : nil),
            domicile: "示例市鼓楼区五四路100号8层",
            businessScope: "软件开发；信息系统集成服务；数据处理和存储支持服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
            authority: RegistrationAuthority(name: "示例市市场监督管理局", code: "350100"),
            approvedOn: try date(amended ? "2026-06-01" : "2021-03-15"),
            document: ContentDigest(of: Array("demo license v\(version)".utf8), algorithm: .sha256),
            version: version, subjectPrev: subjectPrev)
    }

    func genesis(exceptions: [String] = []) throws -> GenesisRecord {
        let vkey = try Ed25519NoteVerifier(name: Self.origin, publicKey: checkpointKey.publicKey).verifierKey
        return GenesisRecord(origin: Self.origin, hashSuite: .sha256, checkpointVerifierKey: vkey,
                             operatorKey: try KeyRecord(operatorKey.publicKey),
                             receiptKey: try KeyRecord(receiptKey.publicKey),
                             linkKinds: Self.linkKinds, usccExceptions: exceptions)
    }

    static let linkKinds: [LinkKindDefinition] = LinkKindDefinition.standard
}

func dept(_ id: String) -> DepartmentID {
    // Only called with the literal ids above, all valid.
    (try? DepartmentID(validating: id)) ?? { fatalError("bad demo department id \(id)") }()
}

func date(_ text: String) throws -> CalendarDate { try CalendarDate(validating: text) }

/// The repository root, from this file's path (Tests/RegistryTests/Fixtures.swift).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()

extension JSONValue {
    /// A copy with the member at `path` replaced (`nil` removes it); numeric components index arrays.
    func setting(_ path: [String], to newValue: JSONValue?) -> JSONValue {
        guard let head = path.first else { return newValue ?? .null }
        let rest = Array(path.dropFirst())
        switch self {
        case .object(var members):
            if rest.isEmpty {
                members[head] = newValue
            } else {
                members[head] = (members[head] ?? .null).setting(rest, to: newValue)
            }
            return .object(members)
        case .array(var elements):
            guard let index = Int(head), elements.indices.contains(index) else { return self }
            if rest.isEmpty, newValue == nil {
                elements.remove(at: index)
            } else {
                elements[index] = rest.isEmpty ? (newValue ?? .null) : elements[index].setting(rest, to: newValue)
            }
            return .array(elements)
        default:
            return self
        }
    }

    /// Human-readable JSON with members in canonical order (for docs/records.md).
    func pretty(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .object(let members) where !members.isEmpty:
            let keys = members.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
            let lines = keys.map { key in
                inner + JSONValue.string(key).canonicalString + ": " + (members[key] ?? .null).pretty(indent: inner)
            }
            return "{\n" + lines.joined(separator: ",\n") + "\n" + indent + "}"
        case .array(let elements) where !elements.isEmpty:
            let lines = elements.map { inner + $0.pretty(indent: inner) }
            return "[\n" + lines.joined(separator: ",\n") + "\n" + indent + "]"
        default:
            return canonicalString
        }
    }
}

/// The `RegistryError` an operation throws, or nil.
func registryError(_ body: () throws -> Void) -> RegistryError? {
    do {
        try body()
        return nil
    } catch let error as RegistryError {
        return error
    } catch {
        Issue.record("expected a RegistryError, got \(error)")
        return nil
    }
}
