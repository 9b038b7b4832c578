import CanonicalJSON
import LedgerCrypto
import Log
import Registry
import Testing

/// Subject rules (DESIGN.md §4): one live license, amend/end only on a live license, subjectPrev chains, seals.
@Suite struct RegistryRuleTests {
    @Test func secondLiveLicense_forOneUSCC_conflicts() async throws {
        try await LedgerHarness().run { ledger in
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))
            let error = await ledger.refusal(try ledger.amr(.licenseIssue, ledger.license()))
            #expect(error?.code == .conflict && error?.field == "record.uscc")
        }
    }

    @Test func amendAfterCancel_conflicts_newIssueNamingTheEndIsAccepted() async throws {
        try await LedgerHarness().run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            let cancelled = try await ledger.submit(ledger.amr(.licenseCancel, ledger.end(subjectPrev: issued)))[0]
            let amend = try ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: cancelled))
            let error = await ledger.refusal(amend)
            #expect(error?.code == .conflict && error?.reason.contains("cancelled") == true)
            #expect(await ledger.refusal(try ledger.amr(.licenseRevoke, ledger.end(subjectPrev: cancelled)))?.code
                    == .conflict)
            // A new issue must name the end, not start a fresh chain.
            #expect(await ledger.refusal(try ledger.amr(.licenseIssue, ledger.license()))?.field
                    == "record.subjectPrev")
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(subjectPrev: cancelled)))
        }
    }

    @Test func wrongSubjectPrev_orVersion_conflicts() async throws {
        try await LedgerHarness().run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            let stale = try ledger.amr(.licenseAmend, ledger.license(version: 2, subjectPrev: issued - 1))
            let error = await ledger.refusal(stale)
            #expect(error?.code == .conflict && error?.field == "record.subjectPrev")
            #expect(error?.reason.contains("must be \(issued)") == true)
            let skipped = try ledger.amr(.licenseAmend, ledger.license(version: 3, subjectPrev: issued))
            #expect(await ledger.refusal(skipped)?.field == "record.version")
            let unknown = try ledger.amr(.licenseRevoke, ledger.end(validUSCC("9135010012345678"), subjectPrev: issued))
            #expect(await ledger.refusal(unknown)?.code == .notFound)
        }
    }

    @Test func sealForUnknownOrEndedHolder_isRefused() async throws {
        try await LedgerHarness().run { ledger in
            let unknown = await ledger.refusal(try ledger.psb(.sealIssue, ledger.seal()))
            #expect(unknown?.code == .notFound && unknown?.field == "record.holder")
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            try await ledger.submit(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: issued)))
            let ended = await ledger.refusal(try ledger.psb(.sealIssue, ledger.seal()))
            #expect(ended?.code == .conflict && ended?.field == "record.holder")
        }
    }

    @Test func revokeOfRevokedSeal_conflicts_reissueNamesTheRevocation() async throws {
        try await LedgerHarness().run { ledger in
            try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))
            let issued = try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))[0]
            #expect(await ledger.refusal(try ledger.psb(.sealIssue, ledger.seal(subjectPrev: issued)))?.code
                    == .conflict)
            let revoked = try await ledger.submit(ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: issued)))[0]
            let again = await ledger.refusal(try ledger.psb(.sealRevoke, ledger.sealRevoke(subjectPrev: revoked)))
            #expect(again?.code == .conflict && again?.reason.contains("already revoked at index \(revoked)") == true)
            try await ledger.submit(ledger.psb(.sealIssue, ledger.seal(subjectPrev: revoked)))
        }
    }

    @Test func bundleWithOneBadRecord_writesNothing() async throws {
        try await LedgerHarness().run { ledger in
            let license = try ledger.amr(.licenseIssue, ledger.license())
            let seal = try ledger.psb(.sealIssue, ledger.seal())
            let badSeal = try ledger.psb(.sealIssue, ledger.seal("35010020260002", subjectPrev: 3))
            let error = await ledger.refusal(license, seal, badSeal)
            #expect(error?.code == .conflict && error?.field == "bundle[2].record.subjectPrev")
            #expect(ledger.registry.snapshot.license(try USCC(Demo.holder)) == nil)
            // The same bundle without the bad record is sequenced at consecutive indices; the seal's holder holds
            // the license issued in the same bundle.
            #expect(try await ledger.submit(group: [license, seal]) == [5, 6])
        }
    }

    @Test(arguments: [
        ("9135010MA2YDE7W7J", USCC.Problem.length), ("91350100MA2YDE7WIJ", .character),
        ("B1350100MA2YDE7W7J", .authority), ("9135A100MA2YDE7W7J", .division),
        ("91350100MA2YDE7W8J", .organisationCheck), ("91350100MA2YDE7W7K", .check),
    ])
    func invalidUSCC_isInvalidAtRecordUSCC(_ code: String, _ problem: USCC.Problem) throws {
        #expect(USCC.problem(code) == problem)
        let ledger = try Demo()
        let good = try ledger.submission(.licenseIssue)
        let body = good.json.setting(["record", "uscc"], to: .string(code)).canonicalBytes()
        let error = registryError { _ = try Submission(bytes: body) }
        #expect(error?.code == .invalid && error?.field == "record.uscc")
    }
}
