import LedgerCrypto
import Registry
import SignedNote
import Testing

/// `witness.policy` (docs/records.md): the operator's alone, its own `policyPrev` chain, a valid policy only — and,
/// replayed, the state's latest policy is the last one applied.
@Suite struct WitnessPolicyRuleTests {
    @Test func policies_chainThroughPolicyPrev_andTheLatestIsKept() async throws {
        try await LedgerHarness().run { ledger in
            #expect(try ledger.registry.read { $0.latestWitnessPolicy } == nil)
            // The first names no previous one; a second that also names none, or the wrong one, conflicts.
            let first = try await ledger.submit(ledger.operatorSigned(.witnessPolicy,
                                                                      ledger.demo.witnessPolicy(policyPrev: nil)))[0]
            #expect(try ledger.registry.read { $0.latestWitnessPolicy?.index } == first)
            let again = await ledger.refusal(try ledger.operatorSigned(.witnessPolicy,
                                                                       ledger.demo.witnessPolicy(policyPrev: nil)))
            #expect(again?.code == .conflict && again?.field == "record.policyPrev")
            #expect(again?.reason.contains("must be \(first)") == true)
            let wrong = await ledger.refusal(try ledger.operatorSigned(
                .witnessPolicy, ledger.demo.witnessPolicy(policyPrev: first - 1, quorum: 1)))
            #expect(wrong?.code == .conflict && wrong?.field == "record.policyPrev")
            let second = try await ledger.submit(ledger.operatorSigned(
                .witnessPolicy, ledger.demo.witnessPolicy(policyPrev: first, quorum: 1)))[0]
            let latest = try #require(try ledger.registry.read { $0.latestWitnessPolicy })
            #expect(latest.index == second && latest.record.quorum == 1 && latest.record.policyPrev == first)

            // The replay of the whole log (what the daemon does at start and the audit does) ends at the same policy.
            let replayed = try await Registry.replay(store: ledger.store, identity: ledger.identity)
            #expect(try replayed.read { $0.latestWitnessPolicy } == latest)
        }
    }

    @Test func otherDepartments_cannotPublishAPolicy() async throws {
        try await LedgerHarness().run { ledger in
            let error = await ledger.refusal(try ledger.amr(.witnessPolicy, ledger.demo.witnessPolicy(policyPrev: nil)))
            #expect(error?.code == .forbidden && error?.field == "kind")
            #expect(try ledger.registry.read { $0.latestWitnessPolicy } == nil)
        }
    }

    @Test func invalidPolicies_areRefusedNamingTheField() throws {
        let demo = try Demo()
        let good = try demo.witnessPolicy(policyPrev: nil)
        func check(_ record: WitnessPolicyRecord) -> RegistryError? {
            do { try record.validate(as: .witnessPolicy, at: "record") } catch { return error }
            return nil
        }
        #expect(check(good) == nil)
        #expect(check(WitnessPolicyRecord(policyPrev: nil, witnesses: good.witnesses, quorum: 0))?.field
                == "record.quorum")
        #expect(check(WitnessPolicyRecord(policyPrev: nil, witnesses: good.witnesses, quorum: 3))?.field
                == "record.quorum")
        #expect(check(WitnessPolicyRecord(policyPrev: nil, witnesses: [], quorum: 1))?.field == "record.witnesses")
        let twice = [good.witnesses[0], .init(label: "other", verifierKey: good.witnesses[0].verifierKey)]
        #expect(check(WitnessPolicyRecord(policyPrev: nil, witnesses: twice, quorum: 1))?.field
                == "record.witnesses[1]")
        let spaced = [WitnessPolicyRecord.Member(label: "two words", verifierKey: good.witnesses[0].verifierKey)]
        #expect(check(WitnessPolicyRecord(policyPrev: nil, witnesses: spaced, quorum: 1))?.field
                == "record.witnesses[0].label")
        // A checkpoint (note) key is not a cosignature key.
        let noteKey = try Ed25519NoteSigner(name: "log.example", privateKey: demo.checkpointKey).verifier
            .verifierKey
        let wrongType = [WitnessPolicyRecord.Member(label: "log", verifierKey: noteKey)]
        #expect(check(WitnessPolicyRecord(policyPrev: nil, witnesses: wrongType, quorum: 1))?.field
                == "record.witnesses[0].verifierKey")
    }
}
