import LedgerCrypto
import Log
import Registry
import Testing

/// The gate's tentative batches (SequencingGate: admit, then commit or abort): groups all or nothing, readers see
/// committed values only, an abort forgets the batch. Driven by hand, as the sequencer's loop would.
@Suite struct RegistryJournalTests {
    /// A stopped demo ledger holding a license at index 5.
    static func ledger() async throws -> LedgerHarness {
        let ledger = try await LedgerHarness()
        try await ledger.run { ledger in try await ledger.submit(ledger.amr(.licenseIssue, ledger.license())) }
        return ledger
    }

    static func entry(_ submission: Submission, at index: UInt64) throws -> LogEntry {
        try LogEntry(index: index, prev: .zero, time: .now(), payload: submission.canonicalBytes)
    }

    @Test func tentativeBatch_isInvisibleToReaders_untilCommit() async throws {
        let ledger = try await Self.ledger()
        let registry = ledger.registry
        let holder = try USCC(Demo.holder)
        let revoke = try ledger.amr(.licenseRevoke, ledger.end(subjectPrev: 5))
        #expect(try registry.precheck(revoke).checked != nil)
        try registry.admitChecked([Self.entry(revoke, at: 6)])
        var state = registry.snapshot
        #expect(state.size == 7 && state.committedSize == 6)
        #expect(state.license(holder)?.status == .live)
        #expect(state.entryIndex(department: revoke.department, nonce: revoke.nonce) == nil)
        registry.commit()
        state = registry.snapshot
        #expect(state.committedSize == 7 && state.license(holder)?.status == .revoked)
        #expect(state.entryIndex(department: revoke.department, nonce: revoke.nonce) == 6)
    }

    @Test func abortedBatch_isForgotten_andItsAdmissionMayBeAdmittedAgain() async throws {
        let ledger = try await Self.ledger()
        let registry = ledger.registry
        let amend = try ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: 5, document: "v2"))
        let admission = registry.admission(for: [try #require(try registry.precheck(amend).checked)])
        try registry.admit([Self.entry(amend, at: 6)], as: admission)
        registry.abort()
        let state = registry.snapshot
        #expect(try state.size == 6 && state.license(USCC(Demo.holder))?.version == 1)
        #expect(state.document(LedgerHarness.document("v2")) == nil)
        // The sequencer retries the batch (e.g. after losing a race to another daemon) with the same admission,
        // without the sender pre-checking again. Once committed, the same admission is a duplicate.
        try registry.admit([Self.entry(amend, at: 6)], as: admission)
        registry.commit()
        #expect(registry.snapshot.license(try USCC(Demo.holder))?.version == 2)
        registry.abort()
        let error = #expect(throws: RegistryError.self) {
            try registry.admit([Self.entry(amend, at: 7)], as: admission)
        }
        #expect(error?.code == .duplicate && error?.index == 6)
    }

    @Test func failingGroup_isUndoneAlone_earlierGroupsOfTheBatchStay() async throws {
        let ledger = try await Self.ledger()
        let registry = ledger.registry
        let seal = try ledger.psb(.sealIssue, ledger.seal())
        let amend = try ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: 5, document: "v2"))
        let staleAmend = try ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: 5, document: "v3"))
        for submission in [seal, amend, staleAmend] { _ = try registry.precheck(submission) }
        try registry.admitChecked([Self.entry(seal, at: 6)])
        // Second group: a good amend then a stale one: neither stays.
        let error = registryError { try registry.admitChecked([Self.entry(amend, at: 7), Self.entry(staleAmend, at: 8)]) }
        #expect(error?.field == "bundle[1].record.subjectPrev")
        #expect(registry.snapshot.size == 7)
        registry.commit()
        let state = registry.snapshot
        #expect(try state.committedSize == 7 && state.seal(SealID(validating: Demo.sealId))?.issueIndex == 6)
        #expect(state.license(try USCC(Demo.holder))?.version == 1)
        #expect(state.document(LedgerHarness.document("v2")) == nil)
    }

    /// Links are kept in shared chunks (`IndexList`): a tentative batch's links across a chunk boundary stay
    /// invisible to readers, an abort restores the committed list exactly, and a commit shows them in log order.
    @Test func linksOfATentativeBatch_areInvisibleUntilCommit_andAnAbortRestoresTheList() async throws {
        let ledger = try await Self.ledger()
        let registry = ledger.registry
        let holder = try USCC(Demo.holder)
        let record = try #require(try ledger.demo.record(.linkShare) as? LinkShareRecord)
        let links = try (0..<70).map { _ in
            try ledger.sign(.linkShare, record, as: "demo-bdc", key: ledger.demo.bdcKey)
        }
        for link in links { _ = try registry.precheck(link) }
        for (offset, link) in links.prefix(60).enumerated() {
            try registry.admitChecked([Self.entry(link, at: 6 + UInt64(offset))])
        }
        registry.commit()
        let committed = (6..<66).map { UInt64($0) }
        #expect(registry.snapshot.links(about: holder) == committed)
        for (offset, link) in links.dropFirst(60).enumerated() {
            try registry.admitChecked([Self.entry(link, at: 66 + UInt64(offset))])
        }
        #expect(registry.snapshot.size == 76 && registry.snapshot.links(about: holder) == committed)
        registry.abort()
        #expect(registry.snapshot.links(about: holder) == committed)
        for (offset, link) in links.dropFirst(60).enumerated() {
            try registry.admitChecked([Self.entry(link, at: 66 + UInt64(offset))])
        }
        registry.commit()
        #expect(registry.snapshot.links(about: holder) == (6..<76).map { UInt64($0) })
    }

    @Test func observedEntries_areApplied() async throws {
        let ledger = try await Self.ledger()
        let registry = ledger.registry
        let revoke = try ledger.amr(.licenseRevoke, ledger.end(subjectPrev: 5))
        // Written by another daemon: never pre-checked here, yet in the log.
        registry.observe([try Self.entry(revoke, at: 6)])
        #expect(registry.snapshot.committedSize == 7)
        #expect(registry.snapshot.license(try USCC(Demo.holder))?.status == .revoked)
    }
}
