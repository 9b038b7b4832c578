import LedgerCrypto
import Log
import Registry

/// The records of a benchmark ledger: a city's worth of license, seal and link activity, every submission a real
/// Ed25519-signed one that the Registry accepts, made from its position alone (no state kept while writing).
///
/// Blocks of ten entries: four `license.issue` (new holders), one `license.amend` of the block's first license,
/// two `seal.issue` for the block's second holder, three `link.share` about the third, recorded by the real
/// estate bureau. Each record names only entries earlier in its own block, so `subjectPrev` follows from the
/// entry's index.
struct BenchLedger: Sendable {
    let amr: PrivateKey
    let psb: PrivateKey
    let bdc: PrivateKey

    static let amrID = "bench-amr", psbID = "bench-psb", bdcID = "bench-bdc", operatorID = "bench-ledger"

    /// The departments to register (market regulation, public security, real estate), for `LedgerBootstrap`.
    func registrations() throws -> [DepartmentRegisterRecord] {
        [try register(Self.amrID, "市场监督管理局", [.licenseIssuer], amr),
         try register(Self.psbID, "公安局", [.sealIssuer], psb),
         try register(Self.bdcID, "不动产登记中心", [.link(.realEstate)], bdc)]
    }

    /// The bootstrap of a bench ledger on `harness`'s log: the genesis (a fresh operator key, `receiptKey`) and the
    /// three departments.
    func bootstrap(on harness: LogHarness, receiptKey: PublicKey) throws -> LedgerBootstrap {
        let operatorKey = try PrivateKey.generate(.ed25519)
        let genesis = try LedgerBootstrap.genesisRecord(checkpointKey: harness.signer.verifier,
                                                        operatorKey: operatorKey.publicKey, receiptKey: receiptKey)
        return try LedgerBootstrap(operatorDepartment: try DepartmentID(validating: Self.operatorID),
                                   operatorKey: operatorKey, genesis: genesis, departments: try registrations())
    }

    private func register(_ id: String, _ name: String, _ roles: [Role], _ key: PrivateKey) throws
        -> DepartmentRegisterRecord {
        DepartmentRegisterRecord(id: try DepartmentID(validating: id), nameZh: "基准" + name, nameEn: "Bench \(id)",
                                 roles: roles, keys: [try KeyRecord(key.publicKey)])
    }

    /// The signed canonical submission of bench entry `n` (0-based after the bootstrap); bench entry `m` sits at log
    /// index `index(m)` (the writer's batches end with map roots between them); blocks start at multiples of ten.
    func payload(_ n: Int, index: (Int) -> UInt64) throws -> [UInt8] {
        try submission(n, index: index).canonicalBytes
    }

    /// The signed submission of bench entry `n` in a log whose batches of `batch` bench entries each end with a
    /// `map.root` entry, the first bench entry at `base`.
    func submission(_ n: Int, base: UInt64, batch: Int) throws -> Submission {
        try submission(n) { m in base + UInt64(m) + (batch > 0 ? UInt64(m / batch) : 0) }
    }

    /// The signed submission of bench entry `n`, bench entry `m` sitting at log index `index(m)`.
    func submission(_ n: Int, index: (Int) -> UInt64) throws -> Submission {
        let block = n / 10, position = n % 10
        let blockStart = index(n - position)
        let nonce = try Nonce(validating: "bench-\(n)-" + String(repeating: "0", count: 8))
        let submission: Submission
        switch position {
        case 0...3:
            submission = try sign(.licenseIssue, license(block * 4 + position, version: 1, subjectPrev: nil),
                                  Self.amrID, amr, nonce)
        case 4:
            submission = try sign(.licenseAmend, license(block * 4, version: 2, subjectPrev: blockStart),
                                  Self.amrID, amr, nonce)
        case 5, 6:
            let seal = SealIssueRecord(
                sealId: try SealID(validating: "350100" + padded(block * 2 + position - 5, 10)),
                holder: try USCC(Self.uscc(block * 4 + 1)), sealType: .legalName, name: "基准科技有限公司\(block)",
                validFrom: try CalendarDate(validating: "2026-01-10"), validTo: try CalendarDate(validating: "2031-01-09"),
                image: ContentDigest(of: Array("seal image \(n)".utf8), algorithm: .sm3),
                certificate: ContentDigest(of: Array("seal certificate \(n)".utf8), algorithm: .sha256),
                subjectPrev: nil)
            submission = try sign(.sealIssue, seal, Self.psbID, psb, nonce)
        default:
            let link = LinkShareRecord(
                linkKind: .realEstate, holder: try USCC(Self.uscc(block * 4 + 2)),
                sourceDepartment: try DepartmentID(validating: Self.amrID),
                targetDepartment: try DepartmentID(validating: Self.bdcID), reference: "BDC-\(n)",
                dataDigest: SaltedDigest(of: Array("shared \(n)".utf8), salt: Array(repeating: 7, count: 16),
                                         algorithm: .sha256),
                purpose: "不动产转移登记核验企业主体资格", sharedAt: try RecordTime(validating: "2026-11-29T01:02:03.456Z"))
            submission = try sign(.linkShare, link, Self.bdcID, bdc, nonce)
        }
        return submission
    }

    /// A `license.issue` of a new holder, serial `serial` (nonce `issue-<serial>`): two new status-map keys, the
    /// license and its document.
    func licenseIssue(_ serial: Int) throws -> Submission {
        try sign(.licenseIssue, license(serial, version: 1, subjectPrev: nil), Self.amrID, amr,
                 try Nonce(validating: "issue-\(serial)-" + String(repeating: "0", count: 8)))
    }

    private func sign(_ kind: SubmissionKind, _ record: some RecordBody, _ department: String, _ key: PrivateKey,
                      _ nonce: Nonce) throws -> Submission {
        try Submission.sign(kind: kind, department: try DepartmentID(validating: department), key: key, nonce: nonce,
                            record: record)
    }

    private func license(_ serial: Int, version: Int, subjectPrev: UInt64?) throws -> LicenseRecord {
        let founded = try CalendarDate(validating: "2021-03-15")
        return LicenseRecord(
            uscc: try USCC(Self.uscc(serial)), name: "基准科技有限公司\(serial)", entityType: "有限责任公司",
            legalRepresentative: "张三", registeredCapital: RegisteredCapital(amount: "5000000", currency: "CNY"),
            establishedOn: founded, businessTerm: BusinessTerm(from: founded, to: nil),
            domicile: "示例市鼓楼区五四路\(serial % 1000)号", businessScope: "软件开发",
            authority: RegistrationAuthority(name: "示例市市场监督管理局", code: "350100"), approvedOn: founded,
            document: ContentDigest(of: Array("license \(serial) v\(version)".utf8), algorithm: .sha256),
            version: version, subjectPrev: subjectPrev)
    }

    /// A valid USCC for serial number `serial` (< 10^8): authority 9, category 1, division 350100, the serial as
    /// the organisation body, then both check characters (GB 11714 and GB 32100-2015).
    static func uscc(_ serial: Int) -> String {
        let body = Array(padded(serial, 8).utf8)
        let weights = [3, 7, 9, 10, 5, 8, 4, 2]
        let sum = (0..<8).reduce(0) { $0 + Int(body[$1] - 0x30) * weights[$1] }
        let org = 11 - sum % 11
        let orgCheck = org == 10 ? "X" : org == 11 ? "0" : String(org)
        let first17 = Array(("91350100" + String(decoding: body, as: UTF8.self) + orgCheck).utf8)
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY".utf8)
        var total = 0, weight = 1
        for ch in first17 {
            total += alphabet.firstIndex(of: ch)! * weight
            weight = weight * 3 % 31
        }
        return String(decoding: first17 + [alphabet[(31 - total % 31) % 31]], as: UTF8.self)
    }

    private static func padded(_ value: Int, _ width: Int) -> String {
        let digits = String(value)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }

    private func padded(_ value: Int, _ width: Int) -> String { Self.padded(value, width) }
}
