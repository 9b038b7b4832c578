import CanonicalJSON
import Registry
import Testing

/// One change to a valid example record and the rejection it must cause.
struct Mutation: Sendable, CustomTestStringConvertible {
    let kind: SubmissionKind
    let path: [String]
    /// The new value; nil removes the member.
    let value: JSONValue?
    /// The field the error must name.
    let field: String
    /// Words the reason must contain, when the reason matters.
    let reason: String?

    init(_ kind: SubmissionKind, _ path: [String], _ value: JSONValue?, _ field: String, _ reason: String? = nil) {
        self.kind = kind
        self.path = path
        self.value = value
        self.field = field
        self.reason = reason
    }

    var testDescription: String { "\(kind.rawValue) \(path.joined(separator: ".")) = \(value?.canonicalString ?? "∅")" }
}

/// Issue #4 item 4: every kind of bad record is refused as `invalid`, naming the field by its JSON path.
@Suite struct RecordRejectionTests {
    static let unknownFields: [Mutation] = [
        Mutation(.licenseIssue, ["extra"], "x", "record.extra", "not a field"),
        Mutation(.licenseIssue, ["registeredCapital", "note"], "x", "record.registeredCapital.note", "not a field"),
        Mutation(.sealIssue, ["image", "size"], 3, "record.image.size"),
        Mutation(.departmentRegister, ["keys", "0", "comment"], "x", "record.keys[0].comment"),
        Mutation(.linkShare, ["dataDigest", "salt"], "00ff", "record.dataDigest.salt"),
        Mutation(.licenseRevoke, ["name"], "某公司", "record.name"),
    ]

    static let missingFields: [Mutation] = [
        Mutation(.licenseIssue, ["name"], nil, "record.name", "missing"),
        Mutation(.licenseIssue, ["subjectPrev"], nil, "record.subjectPrev", "missing"),
        Mutation(.licenseIssue, ["businessTerm", "to"], nil, "record.businessTerm.to", "missing"),
        Mutation(.sealIssue, ["subjectPrev"], nil, "record.subjectPrev"),
        Mutation(.sealRevoke, ["subjectPrev"], nil, "record.subjectPrev"),
        Mutation(.linkShare, ["dataDigest", "salted"], nil, "record.dataDigest.salted"),
        Mutation(.ledgerGenesis, ["receiptKey"], nil, "record.receiptKey"),
        Mutation(.departmentRotateKey, ["retireKeyIds"], nil, "record.retireKeyIds"),
        Mutation(.licenseCancel, ["subjectPrev"], nil, "record.subjectPrev"),
    ]

    static let wrongTypes: [Mutation] = [
        Mutation(.licenseIssue, ["version"], "1", "record.version", "expected"),
        Mutation(.licenseIssue, ["version"], 1.5, "record.version"),
        Mutation(.licenseIssue, ["registeredCapital", "amount"], 5_000_000, "record.registeredCapital.amount"),
        Mutation(.licenseIssue, ["businessTerm", "longTerm"], "true", "record.businessTerm.longTerm"),
        Mutation(.licenseIssue, ["authority"], "示例市市场监督管理局", "record.authority"),
        Mutation(.licenseRevoke, ["subjectPrev"], -1, "record.subjectPrev"),
        Mutation(.sealRevoke, ["subjectPrev"], .null, "record.subjectPrev"),
        Mutation(.departmentRegister, ["roles"], "license-issuer", "record.roles"),
        Mutation(.linkShare, ["dataDigest", "salted"], "true", "record.dataDigest.salted"),
    ]

    /// One per `USCC.Problem`, on each field that holds a USCC.
    static let badUSCCs: [Mutation] = {
        let codes: [(String, String)] = [
            ("91350100MA2YDE7W7", "has 17"),                  // length
            ("91350100MA2YDE7W7I", "outside 0-9"),             // character (I is not in the alphabet)
            ("B1350100MA2YDE7W7J", "registration authority"),  // authority
            ("9135A100MA2YDE7W7J", "administrative division"), // division
            ("91350100MA2YDE7W8J", "position 17"),             // organisation check
            ("91350100MA2YDE7W7K", "position 18"),             // check character
        ]
        let fields: [(SubmissionKind, String)] = [(.licenseIssue, "uscc"), (.licenseRevoke, "uscc"),
                                                  (.sealIssue, "holder"), (.linkShare, "holder")]
        return fields.flatMap { kind, field in
            codes.map { Mutation(kind, [field], .string($0.0), "record.\(field)", $0.1) }
        }
    }()

    static let badDates: [Mutation] = [
        Mutation(.licenseIssue, ["establishedOn"], "2023-02-29", "record.establishedOn", "has 28 days"),
        Mutation(.licenseIssue, ["establishedOn"], "2024-13-01", "record.establishedOn", "no month 13"),
        Mutation(.licenseIssue, ["establishedOn"], "2024-4-01", "record.establishedOn", "YYYY-MM-DD"),
        Mutation(.licenseIssue, ["establishedOn"], "1899-12-31", "record.establishedOn", "1900"),
        Mutation(.licenseIssue, ["businessTerm", "from"], "2021-03-15T00:00:00Z", "record.businessTerm.from"),
        Mutation(.sealIssue, ["validTo"], "2031-06-31", "record.validTo", "30 days"),
        Mutation(.licenseRevoke, ["effectiveOn"], "20261120", "record.effectiveOn"),
        Mutation(.linkShare, ["sharedAt"], "2026-11-29T01:02:03Z", "record.sharedAt", "UTC"),
        Mutation(.linkShare, ["sharedAt"], "2026-11-29T09:02:03.456+08:00", "record.sharedAt"),
    ]

    static let badWindows: [Mutation] = [
        Mutation(.licenseAmend, ["businessTerm", "to"], "2020-01-01", "record.businessTerm.to", "before it starts"),
        Mutation(.licenseIssue, ["approvedOn"], "2021-03-14", "record.approvedOn", "precede"),
        Mutation(.sealIssue, ["validTo"], "2026-01-09", "record.validTo", "before it starts"),
        Mutation(.licenseIssue, ["businessTerm", "longTerm"], false, "record.businessTerm.to", "needs an end date"),
        Mutation(.licenseAmend, ["businessTerm", "longTerm"], true, "record.businessTerm.to", "no end date"),
    ]

    static let badEnums: [Mutation] = [
        Mutation(.sealIssue, ["sealType"], "06", "record.sealType", "01, 02, 03, 04, 05, 99"),
        Mutation(.sealIssue, ["image", "algorithm"], "md5", "record.image.algorithm"),
        Mutation(.linkShare, ["linkKind"], "fishing-licence", "record.linkKind", "real-estate"),
        Mutation(.departmentRegister, ["roles", "0"], "admin", "record.roles[0]", "unknown role"),
        Mutation(.departmentRegister, ["roles", "0"], "link:fishing", "record.roles[0]"),
        Mutation(.departmentRegister, ["keys", "0", "algorithm"], "rsa-pss", "record.keys[0].algorithm"),
        Mutation(.ledgerGenesis, ["hashSuite"], "sha1", "record.hashSuite"),
        Mutation(.ledgerGenesis, ["linkKinds", "0", "role"], "link:taxation", "record.linkKinds[0].role"),
    ]

    static let badDigests: [Mutation] = [
        Mutation(.licenseIssue, ["document", "digest"], .string(String(repeating: "a", count: 63)),
                 "record.document.digest", "64 hex digits, found 63"),
        Mutation(.licenseIssue, ["document", "digest"], .string(String(repeating: "a", count: 66)),
                 "record.document.digest", "found 66"),
        Mutation(.sealIssue, ["image", "digest"], .string(String(repeating: "A", count: 64)),
                 "record.image.digest", "lower-case"),
        Mutation(.sealIssue, ["certificate", "digest"], .string(String(repeating: "g", count: 64)),
                 "record.certificate.digest"),
        Mutation(.linkShare, ["dataDigest", "digest"], "", "record.dataDigest.digest", "found 0"),
        Mutation(.linkShare, ["dataDigest", "salted"], false, "record.dataDigest.salted", "salted digest"),
    ]

    static let badValues: [Mutation] = [
        Mutation(.licenseIssue, ["registeredCapital", "amount"], "01", "record.registeredCapital.amount"),
        Mutation(.licenseIssue, ["registeredCapital", "amount"], "1.234", "record.registeredCapital.amount",
                 "2 decimals"),
        Mutation(.licenseIssue, ["registeredCapital", "amount"], "1.", "record.registeredCapital.amount"),
        Mutation(.licenseIssue, ["registeredCapital", "amount"], "-5", "record.registeredCapital.amount"),
        Mutation(.licenseIssue, ["registeredCapital", "amount"], "1e6", "record.registeredCapital.amount"),
        Mutation(.licenseIssue, ["registeredCapital", "amount"], "1000000000000000", "record.registeredCapital.amount"),
        Mutation(.licenseIssue, ["registeredCapital", "currency"], "RMB", "record.registeredCapital.currency",
                 "ISO 4217"),
        Mutation(.licenseIssue, ["registeredCapital", "currency"], "cny", "record.registeredCapital.currency"),
        Mutation(.licenseIssue, ["authority", "code"], "35010", "record.authority.code", "6-digit"),
        Mutation(.licenseIssue, ["name"], "", "record.name", "found 0"),
        Mutation(.licenseIssue, ["name"], .string(String(repeating: "名", count: 201)), "record.name", "found 201"),
        Mutation(.licenseIssue, ["businessScope"], .string(String(repeating: "经", count: 4001)),
                 "record.businessScope", "1–4000"),
        Mutation(.licenseIssue, ["legalRepresentative"], "张\n三", "record.legalRepresentative", "U+000A"),
        Mutation(.licenseIssue, ["legalRepresentative"], " 张三", "record.legalRepresentative", "white space"),
        Mutation(.licenseRevoke, ["reason"], .string(String(repeating: "因", count: 501)), "record.reason"),
        Mutation(.licenseIssue, ["version"], 2, "record.version", "version 1"),
        Mutation(.licenseAmend, ["version"], 1, "record.version", "2–"),
        Mutation(.licenseAmend, ["subjectPrev"], .null, "record.subjectPrev", "previous entry"),
        Mutation(.sealIssue, ["sealId"], "3501002026000a", "record.sealId"),
        Mutation(.sealRevoke, ["sealId"], "ABC10020260001", "record.sealId", "6-digit"),
        Mutation(.linkShare, ["targetDepartment"], "demo-amr", "record.targetDepartment", "both demo-amr"),
        Mutation(.linkShare, ["sourceDepartment"], "Demo_AMR", "record.sourceDepartment", "a-z"),
        Mutation(.linkShare, ["reference"], "BDC 2026", "record.reference", "without spaces"),
        Mutation(.departmentRegister, ["id"], "x", "record.id", "2–40"),
        Mutation(.departmentRegister, ["roles"], [], "record.roles", "found 0"),
        Mutation(.departmentRegister, ["roles"], ["license-issuer", "license-issuer"], "record.roles[1]", "twice"),
        Mutation(.departmentRegister, ["keys"], [], "record.keys", "found 0"),
        Mutation(.departmentRegister, ["keys", "0", "keyId"], .string(String(repeating: "0", count: 32)),
                 "record.keys[0].keyId", "is not the key ID"),
        Mutation(.departmentRegister, ["keys", "0", "keyId"], "ABCDEF", "record.keys[0].keyId", "lower-case hex"),
        Mutation(.departmentRegister, ["keys", "0", "publicKey"], "-----BEGIN PUBLIC KEY-----\n",
                 "record.keys[0].publicKey"),
        Mutation(.departmentRegister, ["keys", "0", "algorithm"], "sm2-sm3", "record.keys[0].publicKey", "sm2-sm3"),
        Mutation(.ledgerGenesis, ["origin"], "demo ledger", "record.origin", "without spaces"),
        Mutation(.ledgerGenesis, ["checkpointVerifierKey"], "certledger.demo.example/ledger+00000000+AQ==",
                 "record.checkpointVerifierKey"),
        Mutation(.ledgerGenesis, ["linkKinds", "6"], nil, "record.linkKinds", "missing bank-account"),
        Mutation(.ledgerGenesis, ["usccExceptions"], ["91350100MA2YDE7W7I"], "record.usccExceptions[0]"),
        Mutation(.ledgerGenesis, ["usccExceptions"], ["91350100MA2YDE7W7K", "91350100MA2YDE7W7K"],
                 "record.usccExceptions[1]", "twice"),
        Mutation(.departmentRetire, ["reason"], "", "record.reason"),
    ]

    let demo: Demo

    init() throws { demo = try Demo() }

    func check(_ mutation: Mutation) throws {
        let record = try #require(demo.submission(mutation.kind).json["record"])
        let changed = record.setting(mutation.path, to: mutation.value)
        try #require(changed != record, "the mutation must change the record")
        let error = registryError { _ = try Record.decode(kind: mutation.kind, from: changed) }
        #expect(error?.code == .invalid)
        #expect(error?.field == mutation.field, "\(error?.description ?? "accepted")")
        if let words = mutation.reason {
            #expect(error?.reason.contains(words) == true, "\(error?.reason ?? "accepted") lacks \"\(words)\"")
        }
    }

    @Test(arguments: unknownFields) func unknownField_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: missingFields) func missingField_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: wrongTypes) func wrongType_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: badUSCCs) func badUSCC_isRejectedWithItsProblem(_ m: Mutation) throws { try check(m) }
    @Test(arguments: badDates) func badDate_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: badWindows) func reversedOrInconsistentWindow_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: badEnums) func badEnumValue_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: badDigests) func badDigest_isRejected(_ m: Mutation) throws { try check(m) }
    @Test(arguments: badValues) func badValueOrBound_isRejected(_ m: Mutation) throws { try check(m) }

    @Test func rotateKey_cannotRetireTheNewKey() throws {
        let record = try #require(demo.submission(.departmentRotateKey).json["record"])
        let changed = record.setting(["retireKeyIds"], to: [.string(demo.amrNextKey.publicKey.keyID)])
        let error = registryError { _ = try Record.decode(kind: .departmentRotateKey, from: changed) }
        #expect(error?.field == "record.retireKeyIds[0]")
    }

    @Test func genesis_refusesSharedOrMisnamedKeys() throws {
        let record = try #require(demo.submission(.ledgerGenesis).json["record"])
        let operatorKey = try #require(record["operatorKey"])
        var error = registryError {
            _ = try Record.decode(kind: .ledgerGenesis, from: record.setting(["receiptKey"], to: operatorKey))
        }
        #expect(error?.field == "record.receiptKey")
        // The checkpoint key reused as the operator key.
        let checkpointAsOperator = try CanonicalJSONEncoder().encodeValue(try KeyRecord(demo.checkpointKey.publicKey))
        error = registryError {
            _ = try Record.decode(kind: .ledgerGenesis, from: record.setting(["operatorKey"], to: checkpointAsOperator))
        }
        #expect(error?.field == "record.operatorKey")
        #expect(error?.reason.contains("checkpoints and nothing else") == true)
        // A verifier key named other than the origin.
        error = registryError {
            _ = try Record.decode(kind: .ledgerGenesis, from: record.setting(["origin"], to: "other.example/log"))
        }
        #expect(error?.field == "record.checkpointVerifierKey")
    }
}
