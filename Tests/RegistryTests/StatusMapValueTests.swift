import CanonicalJSON
import LedgerCrypto
import Log
import Registry
import Testing

/// The Registry's side of the status map (docs/verifier.md, "Status map values"): key strings, the values a
/// subject's state gives, the keys each kind of record touches, and a map kept up to date entry by entry.
@Suite struct StatusMapValueTests {
    func text(_ bytes: [UInt8]?) -> String? { bytes.map { String(decoding: $0, as: UTF8.self) } }

    @Test func keyStrings_followDESIGN() throws {
        let digest = LedgerHarness.document("v1")
        #expect(StatusMapKey.license(try USCC(Demo.holder)).string == "license:\(Demo.holder)")
        #expect(StatusMapKey.seal(try SealID(validating: Demo.sealId)).string == "seal:\(Demo.sealId)")
        #expect(StatusMapKey.document(digest).string == "document:sha256:\(digest.digest.hex)")
        let sm3 = ContentDigest(of: [1], algorithm: .sm3)
        #expect(StatusMapKey.document(sm3).string == "document:sm3:\(sm3.digest.hex)")
    }

    @Test func licenseLifecycle_valuesNameTheDecidingEntries() async throws {
        try await LedgerHarness().run { ledger in
            let uscc = try USCC(Demo.holder)
            #expect(ledger.registry.snapshot.statusMapValue(for: .license(uscc)) == nil)
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(termEnd: "2041-03-14")))[0]
            let v1 = LedgerHarness.document("v1").digest.hex
            let v2 = LedgerHarness.document("v2").digest.hex
            #expect(text(ledger.registry.snapshot.statusMapValue(for: .license(uscc))) == #"{"current":\#(issued),"#
                + #""document":{"algorithm":"sha256","digest":"\#(v1)"},"status":"live","termEnd":"2041-03-14","#
                + #""version":1}"#)
            let amended = try await ledger.submit(ledger.amr(.licenseAmend,
                ledger.license(version: 2, subjectPrev: issued, document: "v2")))[0]
            #expect(text(ledger.registry.snapshot.statusMapValue(for: .license(uscc))) == #"{"current":\#(amended),"#
                + #""document":{"algorithm":"sha256","digest":"\#(v2)"},"status":"live","version":2}"#)
            let revoked = try await ledger.submit(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: amended)))[0]
            let state = ledger.registry.snapshot
            #expect(text(state.statusMapValue(for: .license(uscc))) == #"{"current":\#(amended),"#
                + #""document":{"algorithm":"sha256","digest":"\#(v2)"},"end":\#(revoked),"#
                + #""endEffectiveOn":"2026-11-20","status":"revoked","version":2}"#)
            // Each version's document maps to the version that carries it; the old one stays, naming version 1.
            #expect(text(state.statusMapValue(for: .document(LedgerHarness.document("v1"))))
                == #"{"index":\#(issued),"uscc":"\#(Demo.holder)","version":1}"#)
            #expect(text(state.statusMapValue(for: .document(LedgerHarness.document("v2"))))
                == #"{"index":\#(amended),"uscc":"\#(Demo.holder)","version":2}"#)
            #expect(state.statusMapValue(for: .document(LedgerHarness.document("never"))) == nil)
        }
    }

    @Test func sealLifecycle_values() async throws {
        try await LedgerHarness().run { ledger in
            let id = try SealID(validating: Demo.sealId)
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))
            let issued = try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))[0]
            #expect(text(ledger.registry.snapshot.statusMapValue(for: .seal(id))) == #"{"holder":"\#(Demo.holder)","#
                + #""issue":\#(issued),"status":"live","validFrom":"2026-01-10","validTo":"2031-01-09"}"#)
            let revoked = try await ledger.submit(ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: issued)))[0]
            #expect(text(ledger.registry.snapshot.statusMapValue(for: .seal(id))) == #"{"holder":"\#(Demo.holder)","#
                + #""issue":\#(issued),"revoke":\#(revoked),"revokedOn":"2026-11-28","status":"revoked","#
                + #""validFrom":"2026-01-10","validTo":"2031-01-09"}"#)
        }
    }

    @Test func values_areCanonicalJSON() async throws {
        try await LedgerHarness().run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))
            try await ledger.submit(ledger.amr(.licenseCancel, ledger.end(subjectPrev: issued)))
            let state = ledger.registry.snapshot
            let keys: [StatusMapKey] = [.license(try USCC(Demo.holder)), .seal(try SealID(validating: Demo.sealId)),
                                        .document(LedgerHarness.document("v1"))]
            for key in keys {
                let value = try #require(state.statusMapValue(for: key))
                #expect(try JSONValue.parse(value).canonicalBytes() == value, "\(key)")
            }
        }
    }

    @Test func touchedKeys_perRecordKind() throws {
        let license = try Demo().license(version: 1, subjectPrev: nil)
        let uscc = license.uscc
        let document = license.document
        let id = try SealID(validating: Demo.sealId)
        #expect(StatusMapKey.touched(by: .licenseIssue(license)) == [.license(uscc), .document(document)])
        #expect(StatusMapKey.touched(by: .licenseAmend(license)) == [.license(uscc), .document(document)])
        let end = LicenseEndRecord(uscc: uscc, reason: "x", effectiveOn: try date("2026-01-01"), subjectPrev: 1)
        #expect(StatusMapKey.touched(by: .licenseRevoke(end)) == [.license(uscc)])
        #expect(StatusMapKey.touched(by: .licenseCancel(end)) == [.license(uscc)])
        let revoke = SealRevokeRecord(sealId: id, reason: "x", effectiveOn: try date("2026-01-01"), subjectPrev: 1)
        #expect(StatusMapKey.touched(by: .sealRevoke(revoke)) == [.seal(id)])
    }

    /// A map updated after every entry with the keys it touched equals one built at the end from every key; each
    /// key's proof verifies with the value the state gives, and an unknown subject proves absent.
    @Test func mapKeptEntryByEntry_provesEveryValue() async throws {
        try await LedgerHarness().run { ledger in
            let hasher = MapHasher()
            var map = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            var all: Set<StatusMapKey> = []
            func step(_ submission: Submission) async throws -> UInt64 {
                let index = try await ledger.submit(submission)[0]
                let keys = StatusMapKey.touched(by: submission.record)
                all.formUnion(keys)
                try map.update(ledger.registry.snapshot.statusMapChanges(keys, using: hasher))
                return index
            }
            let issued = try await step(ledger.amr(.licenseIssue, ledger.license()))
            let other = validUSCC("9135010012345678")
            _ = try await step(ledger.amr(.licenseIssue, ledger.license(other, document: "other")))
            let sealed = try await step(ledger.psb(.sealIssue, ledger.seal()))
            let amended = try await step(ledger.amr(.licenseAmend,
                ledger.license(version: 2, subjectPrev: issued, document: "v2")))
            _ = try await step(ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: sealed)))
            _ = try await step(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: amended)))
            let state = ledger.registry.snapshot
            var fresh = try SparseMerkleMap(store: MemoryMapNodeStore(), hasher: hasher)
            try fresh.update(state.statusMapChanges(all, using: hasher))
            #expect(fresh.root == map.root)
            #expect(all.count == 6)
            for key in all {
                let value = try #require(state.statusMapValue(for: key))
                let proof = try map.proof(for: key.string)
                #expect(proof.verify(key: key.string, value: value, root: map.root, using: hasher)
                    == .present(valueHash: hasher.valueHash(value)))
            }
            let unknown = StatusMapKey.license(try USCC(validUSCC("9135010087654321")))
            #expect(try map.proof(for: unknown.string).verify(key: unknown.string, value: nil, root: map.root,
                                                             using: hasher) == .absent)
        }
    }
}
