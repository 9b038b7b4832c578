import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Log
import Registry
import SignedNote
import Testing

/// `POST /v1/submissions`, `GET /v1/licenses|seals/…` and `POST /v1/verify` on a development ledger over a real
/// socket: the answers, their proofs, idempotency, and every refusal with its status, code and field.
@Suite struct SubmissionRouteTests {
    typealias Answer = SubmissionAnswer

    static func decode<T: Decodable>(_ type: T.Type, _ response: HTTPClientResponse) throws -> T {
        try JSONDecoder().decode(type, from: Data(response.body))
    }

    /// Every entry's inclusion proof verifies against the answer's checkpoint, signed by the ledger's key.
    static func checkProofs(_ answer: Answer, server: DevLedgerServer) throws {
        let checkpoint = try SignedCheckpoint(opening: Array(answer.checkpoint.utf8),
                                              logVerifier: server.ledger.log.identity.verifier).checkpoint
        #expect(checkpoint.size == answer.treeSize)
        let hasher = MerkleHasher(.sha256)
        for entry in answer.entries {
            let bytes = try #require(Base64.decode(entry.entry))
            #expect(hasher.leafHash(bytes).base64 == entry.leafHash)
            let proof = try entry.inclusionProof.map { try #require(Hash256(base64: $0)) }
            let verdict = try hasher.verifyInclusion(leafHash: hasher.leafHash(bytes), index: entry.index,
                                                     treeSize: checkpoint.size, proof: proof,
                                                     rootHash: checkpoint.rootHash)
            #expect(verdict == .valid)
        }
    }

    @Test func bundleOfLicenseAndSeal_is201WithProofsAtConsecutiveIndices_andResendIsTheSameEntries() async throws {
        try await DevLedgerServer.run { server in
            // The development ledger's entries (its batches each closed by a map root) come first.
            let start = server.ledger.log.sequencer.head.size
            let license = try server.signExample("license-issue", as: "demo-amr")
            let seal = try server.signExample("seal-issue", as: "demo-psb")
            let body = try SubmissionBundle([license, seal]).canonicalBytes
            let first = try await server.post("/v1/submissions", body)
            #expect(first.status == 201, "\(first.text)")
            let answer = try Self.decode(Answer.self, first)
            #expect(answer.entries.map(\.index) == [start, start + 1])
            #expect(!answer.duplicate)
            try Self.checkProofs(answer, server: server)
            let entry = try LogEntry(bytes: try #require(Base64.decode(answer.entries[0].entry)))
            #expect(Array(entry.payload) == license.canonicalBytes)

            // The same bundle again: 200, the original entries, nothing new in the log.
            let again = try await server.post("/v1/submissions", body)
            #expect(again.status == 200)
            let repeated = try Self.decode(Answer.self, again)
            #expect(repeated.duplicate && repeated.entries.map(\.index) == [start, start + 1])
            #expect(repeated.entries.map(\.entry) == answer.entries.map(\.entry))
            try Self.checkProofs(repeated, server: server)
            // The bundle and the map root closing its batch.
            #expect(server.ledger.log.sequencer.head.size == start + 3)

            // The license and the seal are now looked up by their ids.
            let lookup = try await server.client.http.send("GET", "/v1/licenses/91350100MA2YDE7W7J")
            #expect(lookup.status == 200)
            let state = try JSONValue.parse(lookup.body)
            #expect(state["status"]?.stringValue == "live" && state["currentIndex"] == .number(Double(start)))
            #expect(state["seals"] == .array([.string("35010020260001")]))
            let sealLookup = try await server.client.http.send("GET", "/v1/seals/35010020260001")
            #expect(try JSONValue.parse(sealLookup.body)["issueIndex"] == .number(Double(start + 1)))
        }
    }

    @Test func verifyLicense_isAuthenticThenRevoked_withAReceiptThatChecksOffline_orWithoutOneOnRequest() async throws {
        try await DevLedgerServer.run { server in
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)
            let issued = try #require(try Self.decode(Answer.self, issue).entries.first?.index)
            let question = Array(#"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#.utf8)
            let authentic = try await server.post("/v1/verify", question)
            #expect(authentic.status == 200, "\(authentic.text)")
            // Checked offline with nothing but the ledger's verifier key: checkpoint, proofs, receipt.
            let vkey = try String(contentsOfFile: server.folder + "/checkpoint.vkey", encoding: .utf8)
            let checker = try VerifierAnswerCheck(verifierKey: vkey.trimmingCharacters(in: .whitespacesAndNewlines))
            let checked = try checker.check(authentic.body)
            let answer = checked.answer
            #expect(answer.verdict == .authentic && checked.hasReceipt)
            // Asked without a receipt: the same proofs, no receipt, and it checks just as well.
            let bare = try await server.post("/v1/verify?receipt=false", question)
            #expect(bare.status == 200, "\(bare.text)")
            let checkedBare = try checker.check(bare.body)
            #expect(!checkedBare.hasReceipt && checkedBare.answer.verdict == .authentic)
            #expect(checkedBare.answer.entries == answer.entries && checkedBare.answer.statusMap == answer.statusMap)
            #expect(try await server.post("/v1/verify?receipt=true", question).body.count > bare.body.count)
            let unclear = try await server.post("/v1/verify?receipt=no", question)
            let refusal = try JSONValue.parse(unclear.body)
            #expect(unclear.status == 400 && refusal["error"]?["field"]?.stringValue == "receipt")

            let revoke = try server.signExample("license-revoke", as: "demo-amr") {
                $0["subjectPrev"] = .number(Double(issued))
            }
            let revokeAnswer = try await server.post("/v1/submissions", revoke.canonicalBytes)
            #expect(revokeAnswer.status == 201)
            let revokedAt = try #require(try Self.decode(Answer.self, revokeAnswer).entries.first?.index)
            let revoked = try checker.check(try await server.post("/v1/verify", question).body).answer
            #expect(revoked.verdict == .revoked)
            #expect(revoked.entries.map(\.index) == [issued, revokedAt])
        }
    }

    @Test func refusals_haveTheirStatusCodeAndField() async throws {
        try await DevLedgerServer.run { server in
            let start = server.ledger.log.sequencer.head.size
            let license = try server.signExample("license-issue", as: "demo-amr")
            // A seal-issuer may not issue licenses: 403.
            let wrongRole = try await server.post("/v1/submissions",
                                                  try server.signExample("license-issue", as: "demo-psb").canonicalBytes)
            #expect(wrongRole.status == 403, "\(wrongRole.text)")
            // A flipped signature bit: 401.
            var tampered = license.json.objectValue ?? [:]
            var signature = try #require(Base64.decode(license.json["signature"]?.stringValue ?? ""))
            signature[5] ^= 1
            tampered["signature"] = .string(Base64.encode(signature))
            let badSignature = try await server.post("/v1/submissions", JSONValue.object(tampered).canonicalBytes())
            #expect(badSignature.status == 401)
            #expect(try ErrorBody(bytes: badSignature.body).error.field == "signature")
            // A seal for a holder without a license: 404 naming record.holder.
            let orphan = try await server.post("/v1/submissions",
                                               try server.signExample("seal-issue", as: "demo-psb").canonicalBytes)
            #expect(orphan.status == 404)
            #expect(try ErrorBody(bytes: orphan.body).error.field == "record.holder")
            // Bad JSON: 400 naming where; wrong content type: 415; a bad USCC in a lookup: 400.
            let broken = try await server.post("/v1/submissions", Array(#"{"kind":"license.issue","#.utf8))
            #expect(broken.status == 400)
            let text = try await server.post("/v1/submissions", license.canonicalBytes, contentType: "text/plain")
            #expect(text.status == 415)
            #expect(try ErrorBody(bytes: text.body).error.field == "Content-Type")
            for type in ["application/jsonx", "application/json-seq", "application/js", "json", ""] {
                let refused = try await server.post("/v1/submissions", license.canonicalBytes, contentType: type)
                #expect(refused.status == 415, "\(type)")
            }
            #expect(try await server.client.http.send("GET", "/v1/licenses/91350100MA2YDE7W7X").status == 400)
            #expect(try await server.client.http.send("GET", "/v1/licenses/91350100MA2YDE7W7J").status == 404)
            // The valid license goes in; issuing it again under a new nonce is a state conflict: 409.
            // The media type is matched case-insensitively, spaces and parameters aside.
            #expect(try await server.post("/v1/submissions", license.canonicalBytes,
                                          contentType: " Application/JSON ; charset=UTF-8").status == 201)
            let twice = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(twice.status == 409)
            #expect(try ErrorBody(bytes: twice.body).error.field == "record.uscc")
            // None of the refusals wrote anything: the development ledger, the one license and its batch's map root.
            #expect(server.ledger.log.sequencer.head.size == start + 2)
        }
    }
}
