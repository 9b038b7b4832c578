import Foundation
import LedgerCrypto
import Log
import LogStoreContract
import Registry
import SignedNote
import Testing

/// A real ledger for tests: a `MemoryLogStore`, a running `Sequencer` gated by a `Registry`, bootstrapped with the
/// demo genesis and departments. Every submission is signed through OpenSSL (`PrivateKey`) and goes through
/// `precheck` and the sequencer exactly as the server will send it.
final class LedgerHarness: Sendable {
    let demo: Demo
    let store: MemoryLogStore
    let signer: Ed25519NoteSigner
    let identity: LogIdentity
    let registry: Registry
    let sequencer: Sequencer
    /// A bank department with an ECDSA P-256 key, registered with `link:bank-account`.
    let bankKey: PrivateKey
    /// Public security signs with SM2 (GM/T 0003) here, to run a second algorithm through the whole path.
    let psbKey: PrivateKey
    /// With `statusMap: true`, the finisher that closes every batch with a `map.root` entry (map in memory).
    let mapFinisher: StatusMapFinisher<MemoryMapNodeStore>?

    init(store: MemoryLogStore = MemoryLogStore(), statusMap: Bool = false) async throws {
        demo = try Demo()
        self.store = store
        signer = try Ed25519NoteSigner(name: Demo.origin, privateKey: demo.checkpointKey)
        identity = LogIdentity(origin: Demo.origin, hashAlgorithm: .sha256, verifier: signer.verifier)
        registry = Registry()
        let head = try await TreeHead.load(from: store, identity: identity)
        if statusMap {
            let map = try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                              hasher: MapHasher(.sha256))
            mapFinisher = StatusMapFinisher(registry: registry, recomputed: map, hashAlgorithm: .sha256,
                                            logger: quietLogger("certledger.map"))
        } else {
            mapFinisher = nil
        }
        sequencer = Sequencer(store: store, head: head, identity: identity, signer: signer, gate: registry,
                              finisher: mapFinisher, logger: quietLogger("certledger.sequencer"))
        bankKey = try PrivateKey.generate(.ecdsaP256SHA256)
        psbKey = try PrivateKey.generate(.sm2SM3)
    }

    var reader: LogReader { LogReader(store: store, hashAlgorithm: .sha256) }

    /// A verifier over this ledger, proving verdicts from the status map when the harness keeps one.
    func verifier(receiptKey: PrivateKey? = nil) -> Verifier {
        var prover: Verifier.StatusMapProver?
        if let finisher = mapFinisher {
            prover = { key, size in try finisher.proof(for: key, atVersion: size) }
        }
        return Verifier(registry: registry, reader: reader, receiptKey: receiptKey ?? demo.receiptKey,
                        statusMap: prover)
    }
    var size: UInt64 { sequencer.head.size }

    /// The bootstrap of the demo city: operator `demo-ledger`, market regulation, public security, real estate
    /// (link:real-estate), a bank (link:bank-account).
    func bootstrap() throws -> LedgerBootstrap {
        let genesis = try LedgerBootstrap.genesisRecord(checkpointKey: signer.verifier,
                                                        operatorKey: demo.operatorKey.publicKey,
                                                        receiptKey: demo.receiptKey.publicKey)
        func register(_ id: String, _ roles: [Role], _ key: PrivateKey) throws -> DepartmentRegisterRecord {
            DepartmentRegisterRecord(id: dept(id), nameZh: "示例\(id)", nameEn: "Demo \(id)", roles: roles,
                                     keys: [try KeyRecord(key.publicKey)])
        }
        return try LedgerBootstrap(
            operatorDepartment: dept("demo-ledger"), operatorKey: demo.operatorKey, genesis: genesis,
            departments: [try register("demo-amr", [.licenseIssuer], demo.amrKey),
                          try register("demo-psb", [.sealIssuer], psbKey),
                          try register("demo-bdc", [.link(.realEstate)], demo.bdcKey),
                          try register("demo-bank", [.link(.bankAccount)], bankKey)])
    }

    /// Runs `body` with the sequencer running and the demo ledger bootstrapped (5 entries: 0 genesis, 1–4 departments).
    func run<T: Sendable>(bootstrapped: Bool = true, _ body: @Sendable (LedgerHarness) async throws -> T)
        async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.sequencer.run() }
            do {
                if bootstrapped { _ = try await bootstrap().run(sequencer: sequencer, registry: registry) }
                let result = try await body(self)
                sequencer.stopIntake()
                try await group.waitForAll()
                return result
            } catch {
                sequencer.stopIntake()
                try? await group.waitForAll()
                throw error
            }
        }
    }

    /// Pre-checks and sequences one group, as the server does; a duplicate answers with its original index.
    @discardableResult
    func submit(_ submissions: Submission...) async throws -> [UInt64] {
        try await submit(group: submissions)
    }

    func submit(group submissions: [Submission]) async throws -> [UInt64] {
        let checks = try submissions.count == 1 ? [registry.precheck(submissions[0])]
            : registry.precheck(SubmissionBundle(submissions))
        if case .duplicate(let index) = checks[0] { return checks.map { if case .duplicate(let i) = $0 { i } else { index } } }
        let group = try await sequencer.submit(registry.admission(for: checks.compactMap(\.checked)))
        return group.items.map(\.entry.index)
    }

    /// The `RegistryError` of submitting, or nil when it was accepted; the log must not grow on an error.
    func refusal(_ submissions: Submission...) async -> RegistryError? {
        let before = size
        do {
            _ = try await submit(group: submissions)
            return nil
        } catch let error as RegistryError {
            #expect(size == before, "a refused submission must not grow the log")
            return error
        } catch {
            Issue.record("expected a RegistryError, got \(error)")
            return nil
        }
    }

    // MARK: Signing

    func sign(_ kind: SubmissionKind, _ record: any RecordBody, as department: String, key: PrivateKey,
              nonce: Nonce = Nonce.random()) throws -> Submission {
        try Submission.sign(kind: kind, department: dept(department), key: key, nonce: nonce, record: record)
    }

    func amr(_ kind: SubmissionKind, _ record: any RecordBody, nonce: Nonce = Nonce.random()) throws -> Submission {
        try sign(kind, record, as: "demo-amr", key: demo.amrKey, nonce: nonce)
    }

    func psb(_ kind: SubmissionKind, _ record: any RecordBody) throws -> Submission {
        try sign(kind, record, as: "demo-psb", key: psbKey)
    }

    func operatorSigned(_ kind: SubmissionKind, _ record: any RecordBody) throws -> Submission {
        try sign(kind, record, as: "demo-ledger", key: demo.operatorKey)
    }

    // MARK: Records

    func license(_ uscc: String = Demo.holder, version: Int = 1, subjectPrev: UInt64? = nil, document: String = "v1",
                 termEnd: String? = nil) throws -> LicenseRecord {
        LicenseRecord(
            uscc: try USCC(uscc), name: "示例城市云链科技有限公司", entityType: "有限责任公司", legalRepresentative: "张三",
            registeredCapital: RegisteredCapital(amount: "5000000", currency: "CNY"),
            establishedOn: try date("2021-03-15"),
            businessTerm: BusinessTerm(from: try date("2021-03-15"), to: try termEnd.map(date)),
            domicile: "示例市鼓楼区五四路100号", businessScope: "软件开发",
            authority: RegistrationAuthority(name: "示例市市场监督管理局", code: "350100"),
            approvedOn: try date("2021-03-15"), document: Self.document(document), version: version,
            subjectPrev: subjectPrev)
    }

    static func document(_ label: String) -> ContentDigest {
        ContentDigest(of: Array("license document \(label)".utf8), algorithm: .sha256)
    }

    func end(_ uscc: String = Demo.holder, subjectPrev: UInt64, on day: String = "2026-11-20") throws
        -> LicenseEndRecord {
        LicenseEndRecord(uscc: try USCC(uscc), reason: "测试", effectiveOn: try date(day), subjectPrev: subjectPrev)
    }

    func seal(_ id: String = Demo.sealId, holder: String = Demo.holder, subjectPrev: UInt64? = nil,
              from: String = "2026-01-10", to: String = "2031-01-09") throws -> SealIssueRecord {
        SealIssueRecord(sealId: try SealID(validating: id), holder: try USCC(holder), sealType: .legalName,
                        name: "示例城市云链科技有限公司", validFrom: try date(from), validTo: try date(to),
                        image: ContentDigest(of: Array("seal image".utf8), algorithm: .sm3),
                        certificate: ContentDigest(of: Array("seal certificate".utf8), algorithm: .sha256),
                        subjectPrev: subjectPrev)
    }

    func sealRevoke(_ id: String = Demo.sealId, subjectPrev: UInt64, on day: String = "2026-11-28") throws
        -> SealRevokeRecord {
        SealRevokeRecord(sealId: try SealID(validating: id), reason: "印章遗失", effectiveOn: try date(day),
                         subjectPrev: subjectPrev)
    }
}

/// A valid USCC with the given 16-character body (authority, category, division, organisation body): the two check
/// characters are computed by trying them against `USCC.problem`.
func validUSCC(_ body: String) -> String {
    for check17 in Array("0123456789X") {
        for check18 in Array("0123456789ABCDEFGHJKLMNPQRTUWXY") {
            let code = body + String(check17) + String(check18)
            if USCC.problem(code) == nil { return code }
        }
    }
    Issue.record("no check characters make \(body) a valid USCC")
    return body + "00"
}

extension Registry {
    /// Admits `entries` as one group the way the sequencer admits a group submitted with its admission: each
    /// payload is decoded and pre-checked here first, as the server does before it submits. Throws what the
    /// pre-check or the gate refuses (a duplicate as `RegistryError.duplicate`).
    func admitChecked(_ entries: [LogEntry]) throws {
        let checked = try entries.map { entry -> CheckedSubmission in
            let submission = try Submission(bytes: Array(entry.payload), usccExceptions: usccExceptions)
            switch try precheck(submission) {
            case .accepted(let checked): return checked
            case .duplicate(let index):
                throw RegistryError(.duplicate, field: "nonce", "already in the log", index: index)
            }
        }
        try admit(entries, as: admission(for: checked))
    }
}
