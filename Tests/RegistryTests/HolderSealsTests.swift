import LedgerCrypto
import Log
import Registry
import Testing

/// The holder → seals index (`RegistryState.seals(heldBy:)`): what `GET /v1/licenses/{uscc}` lists so that a clerk
/// sees every seal of a holder. Ids in the order of first issue, no duplicates after a reissue, and, like every
/// query, committed values only while a batch is tentative.
@Suite struct HolderSealsTests {
    static let secondSeal = "35010020260002"

    @Test func sealsOfAHolder_areListedInIssueOrder_onceEach_evenAfterRevokeAndReissue() async throws {
        let ledger = try await LedgerHarness()
        try await ledger.run { ledger in
            let holder = try USCC(Demo.holder)
            #expect(ledger.registry.snapshot.seals(heldBy: holder).isEmpty)
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))           // 5
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))                 // 6
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal(Self.secondSeal)))  // 7
            try await ledger.submit(ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: 6)))  // 8
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal(subjectPrev: 8)))   // 9: reissued
            let state = ledger.registry.snapshot
            #expect(state.seals(heldBy: holder).map(\.value) == [Demo.sealId, Self.secondSeal])
            #expect(state.seals(heldBy: try USCC(Demo.otherHolder)).isEmpty)
        }
    }

    @Test func tentativeSealIssue_isNotListed_untilCommitted_andAbortForgetsIt() async throws {
        let ledger = try await LedgerHarness()
        try await ledger.run { ledger in try await ledger.submit(ledger.amr(.licenseIssue, ledger.license())) }
        let registry = ledger.registry
        let holder = try USCC(Demo.holder)
        let seal = try ledger.psb(.sealIssue, ledger.seal())
        _ = try registry.precheck(seal)
        try registry.admitChecked([try LogEntry(index: 6, prev: .zero, time: .now(), payload: seal.canonicalBytes)])
        #expect(registry.snapshot.seals(heldBy: holder).isEmpty)
        registry.abort()
        #expect(registry.snapshot.seals(heldBy: holder).isEmpty)
        _ = try registry.precheck(seal)
        try registry.admitChecked([try LogEntry(index: 6, prev: .zero, time: .now(), payload: seal.canonicalBytes)])
        registry.commit()
        #expect(registry.snapshot.seals(heldBy: holder).map(\.value) == [Demo.sealId])
    }
}
