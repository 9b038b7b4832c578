import Foundation
import LedgerCrypto
import Log
import LogStoreContract
import Registry
import SignedNote
import Testing

/// Start-up replay and audit: one code path, signatures against the key history at each index.
@Suite struct ReplayAuditTests {
    /// A ledger with a rotation, licenses, seals and links (11 entries, then `moreLinks` link shares by demo-bdc);
    /// returns it after the sequencer stopped.
    static func busyLedger(moreLinks: Int = 0) async throws -> LedgerHarness {
        let ledger = try await LedgerHarness()
        try await ledger.run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))
            let rotation = try #require(try ledger.demo.record(.departmentRotateKey) as? DepartmentRotateKeyRecord)
            try await ledger.submit(ledger.operatorSigned(.departmentRotateKey, rotation))
            let other = validUSCC("9135010012345678")
            try await ledger.submit(ledger.sign(.licenseIssue, ledger.license(other, document: "o1"), as: "demo-amr",
                                                key: ledger.demo.amrNextKey))
            try await ledger.submit(ledger.sign(.licenseAmend, ledger.license(version: 2, subjectPrev: issued,
                                                                              document: "v2"),
                                                as: "demo-amr", key: ledger.demo.amrNextKey))
            try await ledger.submit(ledger.sign(.linkShare, try ledger.demo.record(.linkShare), as: "demo-bdc",
                                                key: ledger.demo.bdcKey))
            let link = try ledger.demo.record(.linkShare)
            for _ in 0..<moreLinks {
                try await ledger.submit(ledger.sign(.linkShare, link, as: "demo-bdc", key: ledger.demo.bdcKey))
            }
        }
        return ledger
    }

    @Test func replayOfAFinishedLog_rebuildsAnIdenticalState() async throws {
        let ledger = try await Self.busyLedger()
        let live = ledger.registry.snapshot
        let replayed = try await Registry.replay(store: ledger.store, identity: ledger.identity).snapshot
        #expect(replayed.size == live.size && replayed.size == 11)
        #expect(replayed.counts == live.counts)
        for code in [Demo.holder, validUSCC("9135010012345678")] {
            let uscc = try USCC(code)
            #expect(replayed.license(uscc) == live.license(uscc) && replayed.license(uscc) != nil)
        }
        let sealId = try SealID(validating: Demo.sealId)
        #expect(replayed.seal(sealId) == live.seal(sealId))
        #expect(replayed.links(about: try USCC(Demo.holder)) == [10])
        let amr = try #require(replayed.department(dept("demo-amr")))
        #expect(amr.currentKeyIDs(at: 11) == [ledger.demo.amrNextKey.publicKey.keyID])
        #expect(replayed.document(LedgerHarness.document("v2")) == live.document(LedgerHarness.document("v2")))
        // The registry built by a replay refuses what the live one refuses: the used nonce, the old key.
        let again = try await Registry.replay(store: ledger.store)
        #expect(throws: RegistryError.self) {
            try again.precheck(ledger.amr(.licenseIssue, ledger.license(validUSCC("9135010087654321"))))
        }
    }

    @Test func auditOfTheLog_passes_andMatchesTheReplay() async throws {
        let ledger = try await Self.busyLedger()
        let auditor = RegistryAuditor(identity: ledger.identity)
        let report = try await LogVerifier(store: ledger.store, identity: ledger.identity).verify(visit: auditor.visit)
        #expect(report.isValid, "\(report)")
        #expect(auditor.size == 11 && auditor.state.counts == ledger.registry.snapshot.counts)
    }

    /// A log written without the Registry's gate, holding a submission whose signature was altered at index 6.
    static func tamperedLog() async throws -> (LedgerHarness, MemoryLogStore) {
        let ledger = try await Self.busyLedger()
        let entries = try await ledger.store.entries(0..<11).map { try LogEntry(bytes: $0) }
        let store = MemoryLogStore()
        let head = try await TreeHead.load(from: store, identity: ledger.identity)
        let ungated = Sequencer(store: store, head: head, identity: ledger.identity, signer: ledger.signer,
                                logger: quietLogger("certledger.sequencer"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ungated.run() }
            for entry in entries {
                var payload = Array(entry.payload)
                if entry.index == 6 {
                    let submission = try Submission(bytes: payload)
                    var signature = submission.signature
                    signature[0] ^= 0x80
                    payload = submission.json.setting(["signature"], to: .string(Base64.encode(signature)))
                        .canonicalBytes()
                }
                _ = try await ungated.submit([payload])
            }
            ungated.stopIntake()
            try await group.waitForAll()
        }
        return (ledger, store)
    }

    @Test func auditOfATamperedSignature_failsAtThatIndex() async throws {
        let (ledger, store) = try await Self.tamperedLog()
        let auditor = RegistryAuditor(identity: ledger.identity)
        let report = try await LogVerifier(store: store, identity: ledger.identity).verify(visit: auditor.visit)
        #expect(report.failure?.index == 6)
        #expect(report.failure?.reason.contains("bad_signature") == true)
        // The start-up replay refuses the same store, naming the index.
        await #expect { try await Registry.replay(store: store, identity: ledger.identity) } throws: { error in
            (error as? RegistryError)?.index == 6 && (error as? RegistryError)?.code == .badSignature
        }
    }

    @Test func replayOfAnotherLedgersGenesis_isRefusedAtEntryZero() async throws {
        let ledger = try await Self.busyLedger()
        let stranger = try Ed25519NoteSigner.generate(name: Demo.origin)
        let identity = LogIdentity(origin: Demo.origin, hashAlgorithm: .sha256, verifier: stranger.verifier)
        await #expect { try await Registry.replay(store: ledger.store, identity: identity) } throws: { error in
            (error as? RegistryError)?.index == 0 && (error as? RegistryError)?.field == "record.checkpointVerifierKey"
        }
    }
}
