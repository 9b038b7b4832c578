import CanonicalJSON
import LedgerCrypto
import Log
import Registry
import Testing

/// The six members around the record: nonce, key ID, kind, department, signature, unknown members, and size.
@Suite struct SubmissionEnvelopeTests {
    let demo: Demo
    let valid: JSONValue

    init() throws {
        demo = try Demo()
        valid = try demo.submission(.licenseRevoke).json
    }

    func error(_ path: [String], _ value: JSONValue?) -> RegistryError? {
        registryError { _ = try Submission(bytes: valid.setting(path, to: value).canonicalBytes()) }
    }

    @Test(arguments: [String(repeating: "a", count: 15), String(repeating: "a", count: 65), "nonce+with+plus+sign",
                      "nonce with spaces!!", "nonce-ünïcode-00001", "nonce.with.dots.0001"])
    func badNonce_isRejected(_ nonce: String) {
        let failure = error(["nonce"], .string(nonce))
        #expect(failure?.code == .invalid)
        #expect(failure?.field == "nonce")
        #expect(failure?.reason.contains("16–64") == true)
    }

    @Test(arguments: [String(repeating: "a", count: 16), String(repeating: "Z", count: 64), "Ab9_-Ab9_-Ab9_-A"])
    func nonceAtTheBounds_isAccepted(_ nonce: String) throws {
        #expect(try Nonce(validating: nonce).value == nonce)
        #expect(error(["nonce"], .string(nonce)) == nil)
    }

    @Test func randomNonces_areValidAndDistinct() throws {
        let nonces = (0..<100).map { _ in Nonce.random() }
        for nonce in nonces { #expect(try Nonce(validating: nonce.value) == nonce) }
        #expect(Set(nonces).count == 100)
    }

    @Test func envelopeMembers_areCheckedWithTheirPaths() {
        let cases: [([String], JSONValue?, String, String)] = [
            (["kind"], "license.renew", "kind", "license.issue"),
            (["kind"], 7, "kind", "expected string"),
            (["department"], "Demo_AMR", "department", "a-z"),
            (["keyId"], "2905FEB78E81B50717BED2DEF7814933", "keyId", "lower-case"),
            (["keyId"], "2905feb7", "keyId", "32"),
            (["signature"], "not base64!", "signature", "base64"),
            (["signature"], "", "signature", "1–128 bytes"),
            (["signature"], "AAAA AAA=", "signature", "base64"),
            (["signature"], .string(Base64.encode([UInt8](repeating: 1, count: 129))), "signature", "128"),
            (["signature"], .string(String(Base64.encode([UInt8](repeating: 1, count: 64)).dropLast())), "signature",
             "base64"),
            (["record"], nil, "record", "missing"),
            (["record"], "license", "record", "expected object"),
            (["timestamp"], "2026-11-29T01:02:03.456Z", "timestamp", "not a field"),
        ]
        for (path, value, field, words) in cases {
            let failure = error(path, value)
            #expect(failure?.code == .invalid, "\(path)")
            #expect(failure?.field == field, "\(failure?.description ?? "accepted")")
            #expect(failure?.reason.contains(words) == true, "\(failure?.description ?? "accepted") lacks \(words)")
        }
    }

    @Test func nonObjectsAndBrokenJSON_areRejected() {
        for text in ["[]", "\"submission\"", "{\"kind\":\"license.issue\",\"kind\":\"seal.issue\"}", "{", ""] {
            let failure = registryError { _ = try Submission(bytes: Array(text.utf8)) }
            #expect(failure?.code == .invalid, "\(text)")
        }
    }

    @Test func recordErrors_carryTheRecordPath() {
        #expect(error(["record", "effectiveOn"], "2026-02-30")?.field == "record.effectiveOn")
    }

    @Test func submissionOverTheEntryBudget_isTooLargeBeforeSchemaChecks() {
        // 30,000 CJK characters are 90,000 bytes: too large, even though businessScope would also be too long.
        let scope = String(repeating: "经", count: 30_000)
        let failure = error(["record", "reason"], .string(scope))
        #expect(failure?.code == .tooLarge)
        #expect(failure?.reason.contains("65335") == true)
        // Input beyond the parse bound is refused before parsing finishes.
        let padded = Array(valid.canonicalString.utf8) + [UInt8](repeating: 0x20, count: Submission.maxInputBytes)
        #expect(registryError { _ = try Submission(bytes: padded) }?.code == .tooLarge)
    }

    /// The budget is exact: a submission of 65,335 canonical bytes is accepted and its entry, with the largest
    /// possible index, fits in 65,535 bytes; one byte more is refused.
    @Test func submissionOfExactlyMaxBytes_fitsAnEntryAndOneMoreByteDoesNot() throws {
        #expect(Submission.maxBytes == 65_335)
        let (department, key) = demo.signer(for: .ledgerGenesis)
        func genesis(exceptions: Int, nonceLength: Int) throws -> Submission {
            let codes = (0..<exceptions).map { "91350100" + String(10_000_000_00 + $0) }
            let nonce = try Nonce(validating: String(repeating: "n", count: nonceLength))
            return try Demo.sign(demo.genesis(exceptions: codes), kind: .ledgerGenesis, department: department,
                                 key: key, nonce: nonce)
        }
        let one = try genesis(exceptions: 1, nonceLength: 16).canonicalBytes.count
        let perException = try genesis(exceptions: 2, nonceLength: 16).canonicalBytes.count - one
        #expect(perException == 21)  // 18 characters, two quotes and a comma
        let count = (Submission.maxBytes - one) / perException + 1
        let slack = Submission.maxBytes - (one + (count - 1) * perException)
        let largest = try genesis(exceptions: count, nonceLength: 16 + slack)
        #expect(largest.canonicalBytes.count == Submission.maxBytes)
        #expect(largest.verifySignature(with: key.publicKey))
        let entry = try LogEntry(index: 1 << 53, prev: HashAlgorithm.sha256.hash([1]),
                                 time: Timestamp(millisecondsSinceEpoch: 253_402_300_799_999),
                                 payload: largest.canonicalBytes)
        #expect(entry.bytes.count <= LogEntry.maxBytes)
        #expect(entry.bytes.count - largest.canonicalBytes.count == 134)
        let failure = registryError { _ = try genesis(exceptions: count, nonceLength: 17 + slack) }
        #expect(failure?.code == .tooLarge)
    }
}
