import LedgerCrypto
import Log
import LogStoreContract
import Registry
import Testing

/// Registry snapshots (`RegistrySnapshot`): a state written at the end of a batch, read back and continued with
/// the rest of the log, must be exactly the state a replay of the whole log gives; a damaged snapshot is refused.
@Suite struct RegistrySnapshotTests {
    static let third = validUSCC("9135010012345678")

    /// Everything a test compares, by subject.
    struct Subjects: Sendable {
        var usccs: [USCC] = []
        var seals: [SealID] = []
        var documents: [ContentDigest] = []
        var departments: [DepartmentID] = []
        var submissions: [Submission] = []
    }

    /// A ledger with map roots: licenses issued and amended, a seal, a link and the market regulator's key rotated
    /// before the snapshot; after it (the tail), a revocation, a cancellation, a new license, a seal revoked and
    /// another issued, links, and a department retired. Answers the snapshot's bytes and the subjects.
    static func history(_ ledger: LedgerHarness) async throws -> (snapshot: [UInt8], subjects: Subjects) {
        var subjects = Subjects()
        let demo = ledger.demo
        func send(_ submission: Submission) async throws -> UInt64 {
            subjects.submissions.append(submission)
            return try #require(try await ledger.submit(submission).first)
        }
        func newAMR(_ kind: SubmissionKind, _ record: any RecordBody) throws -> Submission {
            try ledger.sign(kind, record, as: "demo-amr", key: demo.amrNextKey)
        }
        let issued = try await send(ledger.amr(.licenseIssue, ledger.license()))
        let other = try await send(ledger.amr(.licenseIssue, ledger.license(Demo.otherHolder, document: "other")))
        let amended = try await send(ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: issued,
                                                                              document: "v2")))
        let seal = try await send(ledger.psb(.sealIssue, ledger.seal()))
        _ = try await send(ledger.sign(.linkShare, demo.record(.linkShare), as: "demo-bdc", key: demo.bdcKey))
        _ = try await send(ledger.operatorSigned(.departmentRotateKey, demo.record(.departmentRotateKey)))
        let policy = try await send(ledger.operatorSigned(.witnessPolicy, demo.witnessPolicy(policyPrev: nil)))

        let state = try #require(ledger.registry.closedState(), "an idle registry has a closed state")
        #expect(state.size == ledger.size)
        let entries = try await ledger.store.entries(0..<1) + ledger.store.entries(state.size - 1..<state.size)
        let genesis = try LogEntry(bytes: entries[0]), last = try LogEntry(bytes: entries[1])
        try #require(MapRootRecord.isMapRoot(last.payload), "a closed state ends with a map.root entry")
        let bytes = try RegistrySnapshot.encode(state, origin: ledger.identity.origin, hashAlgorithm: .sha256,
                                                mapRoot: try MapRootRecord(payload: last.payload).root,
                                                genesisPayload: Array(genesis.payload))

        _ = try await send(newAMR(.licenseRevoke, ledger.end(subjectPrev: amended)))
        _ = try await send(newAMR(.licenseCancel, ledger.end(Demo.otherHolder, subjectPrev: other)))
        _ = try await send(newAMR(.licenseIssue, ledger.license(third, document: "third")))
        _ = try await send(ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: seal)))
        _ = try await send(ledger.psb(.sealIssue, ledger.seal("35010020260002", holder: third)))
        _ = try await send(ledger.sign(.linkShare, demo.record(.linkShare), as: "demo-bdc", key: demo.bdcKey))
        _ = try await send(ledger.operatorSigned(.departmentRetire, demo.record(.departmentRetire)))
        // The policy chain goes on from the snapshot's latest policy.
        _ = try await send(ledger.operatorSigned(.witnessPolicy, demo.witnessPolicy(policyPrev: policy, quorum: 1)))

        subjects.usccs = try [Demo.holder, Demo.otherHolder, third, validUSCC("9135010087654321")].map { try USCC($0) }
        subjects.seals = try [Demo.sealId, "35010020260002", "35010020269999"].map { try SealID(validating: $0) }
        subjects.documents = ["v1", "v2", "other", "third", "never"].map(LedgerHarness.document)
        subjects.departments = try ["demo-ledger", "demo-amr", "demo-psb", "demo-bdc", "demo-bank", "demo-none"]
            .map { try DepartmentID(validating: $0) }
        return (bytes, subjects)
    }

    /// Every answer the state gives about `subjects`, in a comparable form.
    static func answers(_ state: RegistryState, _ subjects: Subjects) throws -> [String] {
        var lines = ["size \(state.size) committed \(state.committedSize)",
                     "counts \(state.counts.departments) \(state.counts.licenses) \(state.counts.seals) "
                        + "\(state.counts.nonces)",
                     "ledger \(state.ledger?.operatorDepartment.value ?? "-") \(state.ledger?.receiptKey.keyID ?? "-") "
                        + "\(state.ledger?.usccExceptions.sorted() ?? [])"]
        let days = try ["2026-01-01", "2026-11-24", "2026-12-31"].map { try CalendarDate(validating: $0) }
        func text(_ bytes: [UInt8]?) -> String { bytes.map { String(decoding: $0, as: UTF8.self) } ?? "-" }
        for uscc in subjects.usccs {
            lines.append("license \(uscc.value) \(String(describing: state.license(uscc)))")
            lines.append("  value \(text(state.statusMapValue(for: .license(uscc))))")
            lines.append("  links \(state.links(about: uscc)) seals \(state.seals(heldBy: uscc).map(\.value))")
            for day in days { lines.append("  \(day.value) \(state.decide(.license(uscc), asOf: day))") }
        }
        for seal in subjects.seals {
            lines.append("seal \(seal.value) \(String(describing: state.seal(seal)))")
            lines.append("  value \(text(state.statusMapValue(for: .seal(seal))))")
            for day in days { lines.append("  \(day.value) \(state.decide(.seal(seal), asOf: day))") }
        }
        for document in subjects.documents {
            lines.append("document \(document) \(String(describing: state.document(document)))")
            lines.append("  value \(text(state.statusMapValue(for: .document(document))))")
            lines.append("  \(state.decide(.document(document), asOf: days[1]))")
        }
        for id in subjects.departments {
            guard let department = state.department(id) else {
                lines.append("department \(id.value) none")
                continue
            }
            lines.append("department \(id.value) \(department.nameZh) \(department.nameEn) "
                         + "roles \(department.roles.map(\.value).sorted()) registered \(department.registeredAt) "
                         + "retired \(department.retiredAt.map(String.init) ?? "-") "
                         + "current \(department.currentKeyIDs(at: state.size))")
            for (keyId, span) in department.keys.sorted(by: { $0.key < $1.key }) {
                lines.append("  key \(keyId) \(span.key.keyID) \(span.key.spkiDER) \(span.validFrom) "
                             + "\(span.validThrough.map(String.init) ?? "-")")
            }
        }
        lines.append("witness policy \(String(describing: state.latestWitnessPolicy))")
        for submission in subjects.submissions {
            lines.append("nonce \(submission.nonce.value) "
                         + "\(state.entryIndex(department: submission.department, nonce: submission.nonce) ?? 0)")
        }
        return lines
    }

    @Test func snapshotPlusTail_isExactlyTheFullReplay_andGatesTheSame() async throws {
        let ledger = try await LedgerHarness(statusMap: true)
        let (bytes, subjects) = try await ledger.run { try await Self.history($0) }
        let snapshot = try RegistrySnapshot(decoding: bytes)
        #expect(snapshot.origin == Demo.origin && snapshot.hashAlgorithm == .sha256)
        #expect(snapshot.size > 5 && snapshot.size < ledger.size)

        let full = try await Registry.replay(store: ledger.store, identity: ledger.identity)
        let resumed = try await Registry.replay(store: ledger.store, identity: ledger.identity, from: snapshot.state)
        let expected = try Self.answers(full.snapshot, subjects)
        #expect(try Self.answers(resumed.snapshot, subjects) == expected)
        #expect(try Self.answers(ledger.registry.snapshot, subjects) == expected)
        // The snapshot itself answers as the log did at its size.
        let prefix = RegistryAuditor(identity: ledger.identity)
        for bytes in try await ledger.store.entries(0..<snapshot.size) { try prefix.visit(LogEntry(bytes: bytes)) }
        #expect(try Self.answers(snapshot.state, subjects) == Self.answers(prefix.state, subjects))

        // As the sequencing gate: a re-sent entry is the same duplicate, a rotated-out key the same refusal.
        for registry in [full, resumed] {
            let first = try #require(subjects.submissions.first)
            let original = try #require(full.snapshot.entryIndex(department: first.department, nonce: first.nonce))
            #expect(try registry.precheck(first) == .duplicate(index: original))
            let stale = try ledger.amr(.licenseIssue, ledger.license(validUSCC("9135010011112222")))
            #expect(throws: RegistryError.self) { _ = try registry.precheck(stale) }
        }
    }

    @Test func damagedOrForeignSnapshot_isRefusedWithTheReason() async throws {
        let ledger = try await LedgerHarness(statusMap: true)
        let (bytes, _) = try await ledger.run { try await Self.history($0) }
        _ = try RegistrySnapshot(decoding: bytes)
        func refusal(_ bytes: [UInt8]) -> String? {
            do {
                _ = try RegistrySnapshot(decoding: bytes)
                return nil
            } catch {
                return error.description
            }
        }
        for position in [0, 9, 40, bytes.count / 2, bytes.count - 40, bytes.count - 1] {
            var flipped = bytes
            flipped[position] ^= 0x20
            let reason = try #require(refusal(flipped), "a flip at \(position) must be refused")
            #expect(reason.contains("SHA-256") || reason.contains("magic"), "\(position): \(reason)")
        }
        #expect(refusal(Array(bytes.prefix(bytes.count / 3))) != nil)
        #expect(refusal([]) != nil)
        // Another format version, digest recomputed: refused by version, not read.
        var other = Array(bytes.dropLast(32))
        other[8] = 3
        other += HashAlgorithm.sha256.hash(other).bytes
        #expect(refusal(other)?.contains("format 3") == true)
    }
}
