import LedgerCrypto
import Log
import LogStoreContract
import Registry
import SignedNote
import Testing

/// The audit with signatures checked ahead on several tasks (`RegistryAuditor.chunkPreparer()`) while the state machine
/// walks the log in order: same verdicts, same first bad index, as the one-entry-at-a-time walk.
@Suite struct ParallelAuditTests {
    /// The busy ledger (a key rotation at entry 7, the new key used from entry 8) followed by `links` link shares.
    static func longLedger(links: Int) async throws -> LedgerHarness {
        try await ReplayAuditTests.busyLedger(moreLinks: links)
    }

    /// A copy of `ledger`'s log written without the Registry's gate, the signature at `index` altered.
    static func copy(of ledger: LedgerHarness, flippingSignatureAt index: UInt64) async throws -> MemoryLogStore {
        let entries = try await ledger.store.entries(0..<ledger.size).map { try LogEntry(bytes: $0) }
        let store = MemoryLogStore()
        let head = try await TreeHead.load(from: store, identity: ledger.identity)
        let ungated = Sequencer(store: store, head: head, identity: ledger.identity, signer: ledger.signer,
                                logger: quietLogger("certledger.sequencer"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ungated.run() }
            for entry in entries {
                var payload = Array(entry.payload)
                if entry.index == index {
                    let submission = try Submission(bytes: payload)
                    var signature = submission.signature
                    signature[5] ^= 0x01
                    payload = submission.json.setting(["signature"], to: .string(Base64.encode(signature)))
                        .canonicalBytes()
                }
                _ = try await ungated.submit([payload])
            }
            ungated.stopIntake()
            try await group.waitForAll()
        }
        return store
    }

    /// The audit through the per-chunk preparer (what `certledger audit` runs), checked against the walk that
    /// prepares nothing (every entry decoded and verified by `visit` itself, in order): the same report.
    func audit(_ store: any LogStore, _ identity: LogIdentity, chunk: Int, lookahead: Int) async throws
        -> (LogVerifier.Report, RegistryAuditor) {
        var verifier = LogVerifier(store: store, identity: identity)
        verifier.chunk = chunk
        verifier.lookahead = lookahead
        let auditor = RegistryAuditor(identity: identity)
        let report = try await verifier.verify(chunkPreparer: auditor.chunkPreparer, visit: auditor.visit(_:prepared:))
        let plain = RegistryAuditor(identity: identity)
        let reference = try await verifier.verify(visit: plain.visit)
        #expect(report.description == reference.description)
        #expect(report.verifiedEntries == reference.verifiedEntries)
        #expect(plain.signaturesCheckedAhead == 0)
        return (report, auditor)
    }

    @Test(arguments: [(1, 8), (2, 2), (16, 3), (256, 4)])
    func untouchedLedger_passesWithAnyWindow_andMatchesTheSequentialAudit(chunk: Int, lookahead: Int) async throws {
        let ledger = try await Self.longLedger(links: 120)
        let (report, auditor) = try await audit(ledger.store, ledger.identity, chunk: chunk, lookahead: lookahead)
        #expect(report.isValid, "\(report)")
        #expect(report.verifiedEntries == ledger.size && auditor.size == ledger.size)
        #expect(auditor.state.counts == ledger.registry.snapshot.counts)
        #expect(auditor.state.links(about: try USCC(Demo.holder)).count == 121)
        // Entries beyond the first window whose key was known when their chunk started were decided ahead.
        if chunk * lookahead < 64 { #expect(auditor.signaturesCheckedAhead > 60) }
    }

    @Test func badSignatureDeepInTheLog_isReportedAtItsIndex_byTheParallelPath() async throws {
        let ledger = try await Self.longLedger(links: 300)
        let bad: UInt64 = 287
        let store = try await Self.copy(of: ledger, flippingSignatureAt: bad)
        let (report, auditor) = try await audit(store, ledger.identity, chunk: 16, lookahead: 3)
        #expect(report.failure?.index == bad, "\(report)")
        #expect(report.failure?.reason.contains("bad_signature") == true, "\(report)")
        #expect(report.verifiedEntries == bad)
        // The bad entry's chunk started long after demo-bdc's key was registered: its verdict came from ahead.
        #expect(auditor.signaturesCheckedAhead > 200)
        #expect(auditor.size == bad)
        // The one-at-a-time walk names the same entry and reason.
        let sequential = RegistryAuditor(identity: ledger.identity)
        let plain = try await LogVerifier(store: store, identity: ledger.identity).verify(visit: sequential.visit)
        #expect(plain.failure?.index == bad && plain.failure?.reason == report.failure?.reason)
    }

    @Test func signatureByTheRotatedOutKey_isRefusedEvenThoughItVerifiedAhead() async throws {
        // The operator rotates amr's key at entry 7; an amr entry signed later with the old key verifies with
        // that key (known to the concurrent stage) but the state says the key no longer signs.
        let ledger = try await ReplayAuditTests.busyLedger()
        let store = MemoryLogStore()
        let entries = try await ledger.store.entries(0..<ledger.size).map { try LogEntry(bytes: $0) }
        let head = try await TreeHead.load(from: store, identity: ledger.identity)
        let ungated = Sequencer(store: store, head: head, identity: ledger.identity, signer: ledger.signer,
                                logger: quietLogger("certledger.sequencer"))
        let late = try ledger.amr(.licenseIssue, ledger.license(validUSCC("9135010055555555"), document: "late"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await ungated.run() }
            for entry in entries { _ = try await ungated.submit([Array(entry.payload)]) }
            _ = try await ungated.submit([late.canonicalBytes])
            ungated.stopIntake()
            try await group.waitForAll()
        }
        let (report, auditor) = try await audit(store, ledger.identity, chunk: 1, lookahead: 2)
        #expect(report.failure?.index == ledger.size, "\(report)")
        #expect(report.failure?.reason.contains("rotated out") == true, "\(report)")
        #expect(auditor.signaturesCheckedAhead > 0)
    }
}

/// The start-up replay, which prepares each chunk on every core while the chunk before it is applied: the same state
/// as the gate built, and the same first bad index, whatever the chunk size (including a key rotated inside a chunk,
/// whose later signatures the concurrent stage could not check ahead).
@Suite struct ParallelReplayTests {
    @Test(arguments: [1, 3, 8, 64, 1_024])
    func replay_rebuildsTheGatesState_withAnyChunk(chunk: Int) async throws {
        let ledger = try await ParallelAuditTests.longLedger(links: 150)
        let registry = try await Registry.replay(store: ledger.store, identity: ledger.identity, chunk: chunk)
        #expect(registry.snapshot.size == ledger.size)
        #expect(registry.snapshot.counts == ledger.registry.snapshot.counts)
        #expect(registry.snapshot.links(about: try USCC(Demo.holder)).count == 151)
    }

    @Test(arguments: [(1, UInt64(9)), (4, 9), (64, 100), (1_024, 140)])
    func replay_ofAFlippedSignature_failsAtThatIndex(chunk: Int, index: UInt64) async throws {
        let ledger = try await ParallelAuditTests.longLedger(links: 150)
        let store = try await ParallelAuditTests.copy(of: ledger, flippingSignatureAt: index)
        let error = await #expect(throws: RegistryError.self) {
            _ = try await Registry.replay(store: store, identity: ledger.identity, chunk: chunk)
        }
        #expect(error?.code == .badSignature)
        #expect(error?.index == index)
    }
}
