import CanonicalJSON
import LedgerCrypto
import Log
import Registry
import SignedNote
import Testing

/// Verifier verdicts (docs/verifier.md), each answer checked offline with `VerifierAnswerCheck`.
@Suite struct VerifierTests {
    static let other = validUSCC("9135010012345678")
    static let expiring = validUSCC("9135010087654321")

    /// Holder: issued, amended (v2), seal issued; other: issued, cancelled; expiring: term ended 2025-12-31;
    /// seal 2: revoked; seal 3: held by `expiring`, valid 2020–2021.
    static func ledger(revokeHolder: Bool = false) async throws -> (LedgerHarness, [String: UInt64]) {
        let ledger = try await LedgerHarness(statusMap: true)
        let at = try await ledger.run { ledger in
            var at: [String: UInt64] = [:]
            at["issued"] = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            at["amended"] = try await ledger.submit(ledger.amr(.licenseAmend,
                ledger.license(version: 2, subjectPrev: at["issued"], document: "v2")))[0]
            at["seal"] = try await ledger.submit(ledger.psb(.sealIssue, ledger.seal()))[0]
            at["otherIssued"] = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license(other, document: "o")))[0]
            at["cancelled"] = try await ledger.submit(ledger.amr(.licenseCancel,
                ledger.end(other, subjectPrev: at["otherIssued"] ?? 0, on: "2026-06-01")))[0]
            at["expiring"] = try await ledger.submit(ledger.amr(.licenseIssue,
                ledger.license(expiring, document: "e", termEnd: "2025-12-31")))[0]
            at["seal2"] = try await ledger.submit(ledger.psb(.sealIssue, ledger.seal("35010020260002")))[0]
            at["seal2Revoked"] = try await ledger.submit(ledger.psb(.sealRevoke,
                ledger.sealRevoke("35010020260002", subjectPrev: at["seal2"] ?? 0)))[0]
            at["seal3"] = try await ledger.submit(ledger.psb(.sealIssue,
                ledger.seal("35010020260003", holder: expiring, from: "2020-01-01", to: "2021-12-31")))[0]
            if revokeHolder {
                at["revoked"] = try await ledger.submit(ledger.amr(.licenseRevoke,
                    ledger.end(subjectPrev: at["amended"] ?? 0)))[0]
            }
            return at
        }
        return (ledger, at)
    }

    static let day = try! CalendarDate(validating: "2026-11-29")

    /// Asks, then checks the answer offline from its JSON bytes; returns what the check yields.
    func ask(_ ledger: LedgerHarness, _ question: VerifierQuestion) async throws -> VerifierAnswerCheck.Checked {
        let verifier = ledger.verifier()
        let now = Timestamp.now()
        let answer = try await verifier.answer(question, now: now)
        // What the route sends (assembled from members written once) is the answer's plain canonical encoding.
        let sent = try await verifier.answerBytes(question, now: now)
        #expect(sent == (try answer.canonicalBytes()))
        // The second asking was answered from the first's written answer; a verifier asked for the first time
        // writes the same bytes.
        #expect(try await ledger.verifier().answerBytes(question, now: now) == sent)
        let check = try VerifierAnswerCheck(verifierKey: ledger.signer.verifier.verifierKey)
        let checked = try check.check(sent)
        #expect(checked.answer == answer && checked.hasReceipt)
        // Without the receipt: the same answer less its receipt member, and it checks just as well.
        let bare = try await verifier.answerBytes(question, now: now, receipt: false)
        var members = try #require(try JSONValue.parse(sent).objectValue)
        members["receipt"] = nil
        #expect(bare == JSONValue.object(members).canonicalBytes())
        let checkedBare = try check.check(bare)
        #expect(!checkedBare.hasReceipt && checkedBare.answer.verdict == answer.verdict)
        #expect(try await verifier.answer(question, now: now, receipt: false).receipt == nil)
        #expect(checked.checkpoint.checkpoint.size == ledger.size)
        // Every deciding entry also comes as a C2SP tlog-proof that parses back to the same proof.
        for (proof, proven) in zip(try answer.tlogProofs(), answer.entries) {
            let parsed = try TlogProof(parsing: proof.bytes)
            #expect(parsed.index == proven.index && parsed.inclusionProof.map(\.base64) == proven.inclusionProof)
        }
        return checked
    }

    @Test func licenseVerdicts_coverEveryCase() async throws {
        let (ledger, at) = try await Self.ledger()
        let holder = try USCC(Demo.holder)
        var checked = try await ask(ledger, .license(holder, document: LedgerHarness.document("v2"), asOf: Self.day))
        #expect(checked.answer.verdict == .authentic && checked.answer.license?.version == 2)
        #expect(checked.submissions.keys.sorted() == [at["amended"]])
        checked = try await ask(ledger, .license(holder, document: LedgerHarness.document("v1"), asOf: Self.day))
        #expect(checked.answer.verdict == .mismatch && checked.answer.reason.contains("superseded"))
        #expect(Set(checked.submissions.keys) == [at["issued"], at["amended"]])
        checked = try await ask(ledger, .license(holder, document: LedgerHarness.document("o"), asOf: Self.day))
        #expect(checked.answer.verdict == .mismatch && checked.answer.reason.contains(Self.other))
        checked = try await ask(ledger, .license(try USCC(Self.other), asOf: Self.day))
        #expect(checked.answer.verdict == .cancelled && checked.submissions[at["cancelled"] ?? 0]?.kind == .licenseCancel)
        // Before the cancellation took effect the license was in force.
        checked = try await ask(ledger, .license(try USCC(Self.other), asOf: try date("2026-05-31")))
        #expect(checked.answer.verdict == .authentic)
        checked = try await ask(ledger, .license(try USCC(Self.expiring), asOf: Self.day))
        #expect(checked.answer.verdict == .expired)
        checked = try await ask(ledger, .license(try USCC(validUSCC("9135010011112222")), asOf: Self.day))
        #expect(checked.answer.verdict == .unknown && checked.answer.entries.isEmpty)
    }

    @Test func revokedLicense_isRevoked_butItsSealKeepsItsOwnVerdictWithTheHolderReported() async throws {
        let (ledger, at) = try await Self.ledger(revokeHolder: true)
        let revoked = try #require(at["revoked"])
        let license = try await ask(ledger, .license(try USCC(Demo.holder), asOf: Self.day))
        #expect(license.answer.verdict == .revoked)
        let seal = try await ask(ledger, .seal(try SealID(validating: Demo.sealId), asOf: Self.day))
        #expect(seal.answer.verdict == .authentic)
        #expect(seal.answer.holder?.status == "revoked" && seal.answer.holder?.index == revoked)
    }

    @Test func sealVerdicts_coverEveryCase() async throws {
        let (ledger, at) = try await Self.ledger()
        let sealId = try SealID(validating: Demo.sealId)
        var checked = try await ask(ledger, .seal(sealId, holder: try USCC(Demo.holder), asOf: Self.day))
        #expect(checked.answer.verdict == .authentic && checked.answer.holder?.status == "live")
        #expect(checked.submissions[at["seal"] ?? 0]?.kind == .sealIssue)
        checked = try await ask(ledger, .seal(sealId, holder: try USCC(Self.other), asOf: Self.day))
        #expect(checked.answer.verdict == .mismatch)
        checked = try await ask(ledger, .seal(try SealID(validating: "35010020260002"), asOf: Self.day))
        #expect(checked.answer.verdict == .revoked && checked.answer.seal?.revokeIndex == at["seal2Revoked"])
        checked = try await ask(ledger, .seal(try SealID(validating: "35010020260003"), asOf: Self.day))
        #expect(checked.answer.verdict == .expired && checked.answer.holder?.status == "live")
        checked = try await ask(ledger, .seal(try SealID(validating: "35010020269999"), asOf: Self.day))
        #expect(checked.answer.verdict == .unknown)
    }

    @Test func bareDocumentDigest_findsItsLicenseVersion() async throws {
        let (ledger, _) = try await Self.ledger()
        var checked = try await ask(ledger, .document(LedgerHarness.document("v2"), asOf: Self.day))
        #expect(checked.answer.verdict == .authentic && checked.answer.license?.uscc.value == Demo.holder)
        checked = try await ask(ledger, .document(LedgerHarness.document("v1"), asOf: Self.day))
        #expect(checked.answer.verdict == .mismatch)
        checked = try await ask(ledger, .document(LedgerHarness.document("never issued"), asOf: Self.day))
        #expect(checked.answer.verdict == .unknown)
    }

    @Test func offlineCheck_rejectsAlteredAnswers_andAnUntrustedKey() async throws {
        let (ledger, _) = try await Self.ledger()
        let verifier = ledger.verifier()
        let answer = try await verifier.answer(.license(try USCC(Demo.holder), asOf: Self.day))
        let json = try JSONValue.parse(try answer.canonicalBytes())
        let check = try VerifierAnswerCheck(verifierKey: ledger.signer.verifier.verifierKey)
        // The verdict changed after signing: it no longer follows from the status map's values.
        let flipped = json.setting(["verdict"], to: "revoked").canonicalBytes()
        #expect(registryError { _ = try check.check(flipped) }?.field == "verdict")
        // The reason changed: the receipt no longer verifies.
        let reworded = json.setting(["reason"], to: "all good").canonicalBytes()
        #expect(registryError { _ = try check.check(reworded) }?.field == "receipt.signature")
        // A proof hash changed: the entry is no longer in the checkpoint's tree.
        let proofs = try #require(json.objectValue?["entries"]?.arrayValue?.first?.objectValue?["inclusionProof"])
        let first = try #require(proofs.arrayValue?.first)
        let badProof = json.setting(["entries", "0", "inclusionProof", "0"],
                                    to: first == .string(Hash256.zero.base64) ? "AQ==" : .string(Hash256.zero.base64))
        #expect(registryError { _ = try check.check(badProof.canonicalBytes()) }?.code == .badSignature)
        // Another checkpoint key is not trusted.
        let stranger = try Ed25519NoteSigner.generate(name: Demo.origin)
        let untrusting = try VerifierAnswerCheck(verifierKey: stranger.verifier.verifierKey)
        #expect(registryError { _ = try untrusting.check(try answer.canonicalBytes()) }?.field == "checkpoint")
        // A receipt key other than the genesis's cannot answer.
        let impostor = ledger.verifier(receiptKey: ledger.demo.operatorKey)
        await #expect(throws: RegistryError.self) { try await impostor.answer(.license(try USCC(Demo.holder))) }
    }
}
