import LedgerCrypto
import SignedNote
import Testing

/// The verifying side's witness policy: its file format, the quorum, and the freshness of the quorum's cosignatures.
@Suite struct WitnessPolicyTests {
    let log = try! fixedSigner("example.org/ledger", seedByte: 1)
    let a = try! fixedCosigner("wit.a", seedByte: 2, time: 1_000)
    let b = try! fixedCosigner("wit.b", seedByte: 3, time: 2_000)
    let c = try! fixedCosigner("wit.c", seedByte: 4, time: 3_000)

    func policy(quorum: Int) throws -> WitnessPolicy {
        try WitnessPolicy(parsing: """
            # the ledger and its witnesses
            log \(log.verifier.verifierKey)
            witness market-regulation \(a.verifier.verifierKey)

            witness housing-fund \(b.verifier.verifierKey)
            witness neighbour-city \(c.verifier.verifierKey)
            quorum \(quorum)
            """)
    }

    func checkpoint(size: UInt64 = 5) throws -> SignedCheckpoint {
        try SignedCheckpoint.sign(Checkpoint(origin: log.name, size: size, rootHash: Hash256(bytes: [UInt8](repeating: 9, count: 32))!),
                                  with: log)
    }

    @Test func parsedPolicy_roundTripsThroughItsText() throws {
        let parsed = try policy(quorum: 2)
        #expect(parsed.quorum == 2)
        #expect(parsed.witnesses.map(\.label) == ["market-regulation", "housing-fund", "neighbour-city"])
        let again = try WitnessPolicy(parsing: parsed.text)
        #expect(again.text == parsed.text)
    }

    @Test func quorumOfCosignatures_isWitnessed_withTheCosignersAndTheQuorumTime() throws {
        let note = try checkpoint().cosigned(by: a).cosigned(by: c).bytes
        guard case .witnessed(let witnessed) = try policy(quorum: 2).check(note) else {
            Issue.record("two of three cosigned, quorum 2: must be witnessed")
            return
        }
        #expect(witnessed.cosigners.map(\.label) == ["market-regulation", "neighbour-city"])
        #expect(witnessed.quorumTime == 1_000)
        #expect(witnessed.staleness(now: 1_000 + 600, maxAge: 600) == nil)
        #expect(witnessed.staleness(now: 1_000 + 601, maxAge: 600) != nil)
    }

    @Test func quorumTime_isTheQuorumthNewestCosignature() throws {
        let note = try checkpoint().cosigned(by: a).cosigned(by: b).cosigned(by: c).bytes
        guard case .witnessed(let witnessed) = try policy(quorum: 2).check(note) else {
            Issue.record("expected witnessed")
            return
        }
        // b at 2,000 and c at 3,000 are the two newest: a quorum of 2 had cosigned by 2,000.
        #expect(witnessed.quorumTime == 2_000)
    }

    @Test func tooFewCosignatures_areRefused_namingTheCountAndTheQuorum() throws {
        let note = try checkpoint().cosigned(by: b).bytes
        guard case .refused(let reason) = try policy(quorum: 2).check(note) else {
            Issue.record("one cosignature, quorum 2: must be refused")
            return
        }
        #expect(reason.contains("1 valid cosignature"))
        #expect(reason.contains("quorum is 2"))
    }

    @Test func cosignatureByAKeyOutsideThePolicy_doesNotCount() throws {
        let stranger = try fixedCosigner("wit.x", seedByte: 5)
        let note = try checkpoint().cosigned(by: a).cosigned(by: stranger).bytes
        guard case .refused = try policy(quorum: 2).check(note) else {
            Issue.record("a stranger's cosignature must not make up the quorum")
            return
        }
    }

    @Test func forgedCosignature_refusesTheWholeCheckpoint() throws {
        let signed = try checkpoint().cosigned(by: a).cosigned(by: b)
        var lines = signed.note.signatures
        let last = lines.removeLast()
        var payload = last.signature
        payload[payload.count - 1] ^= 1
        lines.append(try NoteSignature(name: last.name, keyID: last.keyID, signature: payload))
        let forged = try Note(text: signed.note.text, signatures: lines)
        guard case .refused(let reason) = try policy(quorum: 1).check(forged.bytes) else {
            Issue.record("a bad cosignature by a policy witness must refuse the checkpoint")
            return
        }
        #expect(reason.contains("does not verify"))
    }

    @Test func checkpointOfAnotherLog_isRefused() throws {
        let other = try fixedSigner("example.org/ledger", seedByte: 8)
        let note = try SignedCheckpoint.sign(Checkpoint(origin: other.name, size: 1,
                                                        rootHash: Hash256(bytes: [UInt8](repeating: 1, count: 32))!),
                                             with: other).cosigned(by: a).bytes
        guard case .refused = try policy(quorum: 1).check(note) else {
            Issue.record("a checkpoint not signed by the policy's log key must be refused")
            return
        }
    }

    @Test func malformedPolicies_areRefusedNamingTheLine() throws {
        expectNoteError(.invalidKey, line: 2) {
            _ = try WitnessPolicy(parsing: "log \(log.verifier.verifierKey)\nwitness onlylabel\nquorum 1\n")
        }
        expectNoteError(.invalidKey) {
            _ = try WitnessPolicy(parsing: "log \(log.verifier.verifierKey)\nwitness a \(a.verifier.verifierKey)\nquorum 2\n")
        }
        expectNoteError(.invalidKey) {
            _ = try WitnessPolicy(parsing: "witness a \(a.verifier.verifierKey)\nquorum 1\n")
        }
        expectNoteError(.invalidKey, line: 2) {
            // A checkpoint key (type 0x01) is not a cosignature key.
            _ = try WitnessPolicy(parsing: "log \(log.verifier.verifierKey)\nwitness a \(log.verifier.verifierKey)\n")
        }
        expectNoteError(.ambiguousVerifier) {
            _ = try WitnessPolicy(parsing: """
                log \(log.verifier.verifierKey)
                witness a \(a.verifier.verifierKey)
                witness b \(a.verifier.verifierKey)
                quorum 1
                """)
        }
    }
}
