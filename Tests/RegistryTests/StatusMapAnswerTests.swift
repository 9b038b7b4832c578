import CanonicalJSON
import LedgerCrypto
import Log
import Registry
import Testing

/// Answers that prove themselves (docs/verifier.md, "Proof from the status map"): the verdict follows from the
/// status-map proofs with the receipt removed, and every way of bending them is refused by `VerifierAnswerCheck`.
@Suite struct StatusMapAnswerTests {
    static let day = VerifierTests.day

    /// The answer to `question` as JSON, with the receipt removed: what an impostor without the receipt key
    /// could serve.
    func unreceipted(_ ledger: LedgerHarness, _ question: VerifierQuestion) async throws -> JSONValue {
        let answer = try await ledger.verifier().answer(question)
        return try JSONValue.parse(try answer.canonicalBytes()).setting(["receipt"], to: nil)
    }

    func checker(_ ledger: LedgerHarness) throws -> VerifierAnswerCheck {
        try VerifierAnswerCheck(verifierKey: ledger.signer.verifier.verifierKey)
    }

    /// Entry `index` proven in the tree of `size`, as an answer lists it.
    func proven(_ ledger: LedgerHarness, _ index: UInt64, size: UInt64) async throws -> JSONValue {
        let entry = try await ledger.reader.entry(at: index, treeSize: size)
        let proof = try await ledger.reader.inclusionProof(index: index, size: size, treeSize: size)
        return .object(["index": .number(Double(index)), "entry": .string(Base64.encode(entry.bytes)),
                        "inclusionProof": .array(proof.map { .string($0.base64) })])
    }

    @Test func revokedAndUnknown_followFromTheProofs_withoutTheReceipt() async throws {
        let (ledger, at) = try await VerifierTests.ledger(revokeHolder: true)
        let check = try checker(ledger)
        let revokedAnswer = try await unreceipted(ledger, .license(try USCC(Demo.holder), asOf: Self.day))
        let revoked = try check.check(revokedAnswer.canonicalBytes())
        #expect(revoked.answer.verdict == .revoked && !revoked.hasReceipt)
        #expect(revoked.status.values.map(\.key) == ["license:\(Demo.holder)"])
        #expect(revoked.submissions[at["revoked"] ?? 0]?.kind == .licenseRevoke)
        let stranger = try USCC(validUSCC("9135010011112222"))
        let unknownAnswer = try await unreceipted(ledger, .license(stranger, asOf: Self.day))
        let unknown = try check.check(unknownAnswer.canonicalBytes())
        #expect(unknown.answer.verdict == .unknown && unknown.status.values.first?.value == nil)
        // A seal answer proves the seal and its holder's license; a document answer the document and its license.
        let sealAnswer = try await unreceipted(ledger, .seal(try SealID(validating: Demo.sealId), asOf: Self.day))
        let seal = try check.check(sealAnswer.canonicalBytes())
        #expect(seal.status.values.map(\.key) == ["seal:\(Demo.sealId)", "license:\(Demo.holder)"])
        let documentAnswer = try await unreceipted(ledger, .document(LedgerHarness.document("v1"), asOf: Self.day))
        let document = try check.check(documentAnswer.canonicalBytes())
        #expect(document.answer.verdict == .revoked && document.status.values.count == 2)
    }

    @Test func everyBentProof_isRefused() async throws {
        let (ledger, at) = try await VerifierTests.ledger(revokeHolder: true)
        let check = try checker(ledger)
        let holder = try USCC(Demo.holder)
        let answer = try await unreceipted(ledger, .license(holder, asOf: Self.day))
        func refusal(_ json: JSONValue) -> RegistryError? {
            registryError { _ = try check.check(json.canonicalBytes()) }
        }
        // No status map at all: the verdict would rest on the server's word.
        #expect(refusal(answer.setting(["statusMap"], to: nil))?.field == "statusMap")
        // A flipped sibling.
        let siblings = try #require(answer.objectValue?["statusMap"]?.objectValue?["proofs"]?.arrayValue?.first?
            .objectValue?["proof"]?.objectValue?["siblings"]?.arrayValue)
        let position = try #require(siblings.firstIndex { $0 != .null })
        let sibling = try #require(siblings[position].stringValue.flatMap { Hash256(base64: $0) })
        var flippedBytes = sibling.bytes
        flippedBytes[0] ^= 0x01
        let flipped = answer.setting(["statusMap", "proofs", "0", "proof", "siblings", "\(position)"],
                                     to: .string(try #require(Hash256(bytes: flippedBytes)).base64))
        #expect(refusal(flipped)?.field == "statusMap.proofs[0].proof")
        // The value changed (revoked → live): its hash is no longer the one the map holds.
        let value = try #require(answer.objectValue?["statusMap"]?.objectValue?["proofs"]?.arrayValue?.first?
            .objectValue?["value"]?.stringValue)
        let live = answer.setting(["statusMap", "proofs", "0", "value"],
                                  to: .string(value.replacingOccurrences(of: "\"revoked\"", with: "\"live\"")))
        #expect(refusal(live)?.field == "statusMap.proofs[0].proof")
        // An absence claimed for a present key.
        let absent = answer.setting(["statusMap", "proofs", "0", "value"], to: nil)
        #expect(refusal(absent)?.field == "statusMap.proofs[0].proof")
        // The leaf moved off the key's path: another key in the terminal.
        let terminal = try #require(answer.objectValue?["statusMap"]?.objectValue?["proofs"]?.arrayValue?.first?
            .objectValue?["proof"]?.objectValue?["terminal"]?.objectValue?["key"]?.stringValue)
        let moved = String(terminal.first == "0" ? "f" : "0") + terminal.dropFirst()
        #expect(refusal(answer.setting(["statusMap", "proofs", "0", "proof", "terminal", "key"], to: .string(moved)))?
            .field == "statusMap.proofs[0].proof")
        // A verdict that contradicts the map value, and a summary that does.
        #expect(refusal(answer.setting(["verdict"], to: "authentic"))?.field == "verdict")
        #expect(refusal(answer.setting(["license", "status"], to: "live"))?.field == "license")
        // Another company's end in place of this one's: the entry the map names is missing.
        let size = ledger.size
        let otherEnd = try await proven(ledger, try #require(at["cancelled"]), size: size)
        let swapped = answer.setting(["entries"], to: .array([
            try await proven(ledger, try #require(at["amended"]), size: size), otherEnd]))
        #expect(refusal(swapped)?.field == "entries")
        // A key proven in place of the one asked about.
        let otherKey = answer.setting(["statusMap", "proofs", "0", "key"], to: .string("license:\(VerifierTests.other)"))
        #expect(refusal(otherKey)?.field == "statusMap.proofs[0].key")
    }

    /// The pre-revocation answer's map root and proofs, replayed against the newer checkpoint with every inclusion
    /// proof redone at its size: each piece is genuine, but the map root is not the one closing the tree.
    @Test func staleMapRoot_isRefused() async throws {
        let ledger = try await LedgerHarness(statusMap: true)
        let holder = try USCC(Demo.holder)
        let (issued, before) = try await ledger.run { ledger in
            let issued = try await ledger.submit(ledger.amr(.licenseIssue, ledger.license()))[0]
            let before = try await self.unreceipted(ledger, .license(holder, asOf: Self.day))
            _ = try await ledger.submit(ledger.amr(.licenseRevoke, ledger.end(subjectPrev: issued)))
            return (issued, before)
        }
        let after = try await unreceipted(ledger, .license(holder, asOf: Self.day))
        let check = try checker(ledger)
        #expect(try check.check(after.canonicalBytes()).answer.verdict == .revoked)
        let size = ledger.size
        let oldRoot = try #require(before.objectValue?["statusMap"]?.objectValue?["mapRoot"]?.objectValue?["index"]?
            .numberValue)
        var replayed = after.setting(["statusMap"], to: before.objectValue?["statusMap"])
        replayed = replayed.setting(["statusMap", "mapRoot"], to: try await proven(ledger, UInt64(oldRoot), size: size))
        replayed = replayed.setting(["verdict"], to: "authentic")
            .setting(["license"], to: before.objectValue?["license"])
            .setting(["entries"], to: .array([try await proven(ledger, issued, size: size)]))
        #expect(registryError { _ = try check.check(replayed.canonicalBytes()) }?.field == "statusMap.mapRoot.index")
    }
}
