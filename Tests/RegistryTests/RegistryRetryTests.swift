import LedgerCrypto
import Log
import LogStoreContract
import Registry
import Testing

/// The Registry as the gate of a sequencer that retries a batch after losing a race to another daemon: the
/// aborted attempt must leave the submissions admissible again (their signatures were verified once, by
/// `precheck`).
@Suite struct RegistryRetryTests {
    @Test func abortedBatch_admitsTheSameVerifiedSubmissionAgain_atAnotherIndex() async throws {
        try await LedgerHarness().run { ledger in
            let submission = try ledger.amr(.licenseIssue, ledger.license())
            let checked = try #require(try ledger.registry.precheck(submission).checked)
            let admission = ledger.registry.admission(for: [checked])
            let head = ledger.sequencer.head
            let first = try LogEntry(index: head.size, prev: head.lastLeafHash, time: head.lastTime,
                                     payload: submission.canonicalBytes)
            try ledger.registry.admit([first], as: admission)
            ledger.registry.abort()
            // The retry lands one index later (another daemon's entry took `head.size`).
            let retried = try LogEntry(index: head.size + 1, prev: head.lastLeafHash, time: head.lastTime,
                                       payload: submission.canonicalBytes)
            let unrelated = try ledger.operatorSigned(.departmentRegister, DepartmentRegisterRecord(
                id: dept("demo-extra"), nameZh: "示例", nameEn: "Extra", roles: [.link(.taxation)],
                keys: [try KeyRecord(try PrivateKey.generate(.ed25519).publicKey)]))
            _ = try ledger.registry.precheck(unrelated)
            ledger.registry.observe([try LogEntry(index: head.size, prev: head.lastLeafHash, time: head.lastTime,
                                                  payload: unrelated.canonicalBytes)])
            try ledger.registry.admit([retried], as: admission)
            ledger.registry.commit()
            let license = try #require(ledger.registry.snapshot.license(try USCC(Demo.holder)))
            #expect(license.currentIndex == head.size + 1)
        }
    }
}
