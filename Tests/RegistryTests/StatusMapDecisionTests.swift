import LedgerCrypto
import Registry
import Testing

/// Verdicts decided from status-map values alone agree with the verifier's own decision from the state, for every
/// kind of question, subject state and day; a verdict that contradicts the proven values is told apart.
@Suite struct StatusMapDecisionTests {
    /// Licenses live, amended and revoked, cancelled in the future, expired; seals live and revoked.
    @Test func verdictsFromMapValues_equalTheVerifiersDecisions() async throws {
        try await LedgerHarness().run { ledger in
            let a = Demo.holder
            let b = validUSCC("9135010012345678")
            let c = validUSCC("9135010087654321")
            let issuedA = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(termEnd: "2030-12-31")))[0]
            let amendedA = try await ledger.submit(ledger.amr(.licenseAmend,
                ledger.license(version: 2, subjectPrev: issuedA, document: "v2", termEnd: "2041-03-14")))[0]
            let issuedB = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(b, document: "b")))[0]
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(c, document: "c", termEnd: "2025-06-30")))
            let sealA = try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))[0]
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal("35010020260002", holder: b)))
            try await ledger.submit(ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: sealA)))
            try await ledger.submit(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: amendedA)))
            try await ledger.submit(ledger.amr(.licenseCancel, ledger.end(b, subjectPrev: issuedB, on: "2027-01-01")))
            let state = ledger.registry.snapshot

            func licenseValue(_ uscc: USCC) throws -> LicenseStatusValue? {
                try state.statusMapValue(for: .license(uscc)).map { try LicenseStatusValue(bytes: $0) }
            }
            let usccs = try [a, b, c, validUSCC("9135010011112222")].map { try USCC($0) }
            let documents = ["v1", "v2", "b", "c", "never"].map(LedgerHarness.document)
            let seals = try ["35010020260001", "35010020260002", "35010020269999"].map { try SealID(validating: $0) }
            var compared = 0
            var verdicts: Set<Verdict> = []
            // Every boundary of the scenario, each day on and after it: term ends, end and revocation days, the
            // seals' validity window.
            let days = ["2025-01-01", "2025-06-30", "2025-07-01", "2026-01-09", "2026-01-10", "2026-06-01",
                        "2026-11-19", "2026-11-20", "2026-11-27", "2026-11-28", "2026-12-31", "2027-01-01",
                        "2030-12-31", "2031-01-09", "2031-01-10", "2041-03-14", "2041-03-15"]
            for day in days {
                let asOf = try date(day)
                for uscc in usccs {
                    for presented in [nil] + documents {
                        let want = state.decide(.license(uscc, document: presented), asOf: asOf).verdict
                        let got = StatusMapDecision.license(try licenseValue(uscc), presented: presented, asOf: asOf)
                        #expect(got == want, "license \(uscc) document \(String(describing: presented)) on \(day)")
                        verdicts.insert(want)
                        compared += 1
                    }
                }
                for presented in documents {
                    let want = state.decide(.document(presented), asOf: asOf).verdict
                    let document = try state.statusMapValue(for: .document(presented))
                        .map { try DocumentStatusValue(bytes: $0) }
                    let license = try document.flatMap { try licenseValue($0.uscc) }
                    let got = StatusMapDecision.document(document, license: license, presented: presented, asOf: asOf)
                    #expect(got == want, "document \(presented.digest) on \(day)")
                    compared += 1
                }
                for id in seals {
                    for holder in [nil, usccs[0], usccs[1]] as [USCC?] {
                        let want = state.decide(.seal(id, holder: holder), asOf: asOf).verdict
                        let value = try state.statusMapValue(for: .seal(id)).map { try SealStatusValue(bytes: $0) }
                        #expect(StatusMapDecision.seal(value, holder: holder, asOf: asOf) == want, "seal \(id) on \(day)")
                        verdicts.insert(want)
                        compared += 1
                    }
                }
            }
            #expect(compared > 150)
            #expect(verdicts == Set(Verdict.allCases), "the scenario reaches every verdict")
        }
    }

    /// What a checker does with an answer: the verdict it claims must be the one the proven value gives.
    @Test func verdictContradictingTheMapValue_isToldApart() async throws {
        try await LedgerHarness().run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            try await ledger.submit(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: issued, on: "2026-11-20")))
            let uscc = try USCC(Demo.holder)
            let value = try LicenseStatusValue(bytes: try #require(ledger.registry.snapshot.statusMapValue(for:
                .license(uscc))))
            let asOf = try date("2026-12-01")
            #expect(StatusMapDecision.license(value, presented: nil, asOf: asOf) == .revoked)
            for claimed in Verdict.allCases where claimed != .revoked {
                #expect(StatusMapDecision.license(value, presented: nil, asOf: asOf) != claimed)
            }
            // Before the end takes effect the same value gives authentic.
            #expect(StatusMapDecision.license(value, presented: nil, asOf: try date("2026-11-19")) == .authentic)
        }
    }

    @Test func valueBytes_roundTripAndRefuseUnknownMembers() async throws {
        try await LedgerHarness().run { ledger in
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))
            let state = ledger.registry.snapshot
            let license = try #require(state.statusMapValue(for: .license(try USCC(Demo.holder))))
            #expect(try LicenseStatusValue(bytes: license).canonicalBytes == license)
            let seal = try #require(state.statusMapValue(for: .seal(try SealID(validating: Demo.sealId))))
            #expect(try SealStatusValue(bytes: seal).canonicalBytes == seal)
            let document = try #require(state.statusMapValue(for: .document(LedgerHarness.document("v1"))))
            #expect(try DocumentStatusValue(bytes: document).canonicalBytes == document)
            let extra = Array(String(decoding: license.dropLast(), as: UTF8.self).utf8) + Array(#","x":1}"#.utf8)
            #expect(throws: (any Error).self) { try LicenseStatusValue(bytes: extra) }
        }
    }
}
