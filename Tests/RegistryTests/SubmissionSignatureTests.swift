import CanonicalJSON
import LedgerCrypto
import Registry
import Testing

/// Submission signatures (DESIGN.md §3) with real OpenSSL keys of all three algorithms.
@Suite struct SubmissionSignatureTests {
    let demo: Demo

    init() throws { demo = try Demo() }

    func signed(_ algorithm: SignatureAlgorithm, key: PrivateKey? = nil) throws -> (Submission, PrivateKey) {
        let key = try key ?? PrivateKey.generate(algorithm)
        let record = try demo.license(version: 1, subjectPrev: nil)
        let submission = try Submission.sign(kind: .licenseIssue, department: dept("demo-amr"), key: key,
                                             nonce: Nonce.random(), record: record)
        return (submission, key)
    }

    /// Re-parses `submission` with one member changed.
    func altered(_ submission: Submission, _ path: [String], _ value: JSONValue) throws -> Submission {
        try Submission(bytes: submission.json.setting(path, to: value).canonicalBytes())
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func signedSubmission_verifiesWithItsKey(_ algorithm: SignatureAlgorithm) throws {
        let (submission, key) = try signed(algorithm)
        #expect(submission.keyId.value == key.publicKey.keyID)
        #expect(submission.verifySignature(with: key.publicKey))
        // What was signed is exactly the prefix and the JCS of the other five members.
        let unsigned = submission.json.setting(["signature"], to: nil)
        #expect(submission.signingInput == Array("certledger/submission/v1\n".utf8) + unsigned.canonicalBytes())
        #expect(key.publicKey.isValidSignature(submission.signature, for: submission.signingInput))
        // Sent again as bytes, it parses to the same submission and still verifies.
        let reparsed = try Submission(bytes: submission.canonicalBytes)
        #expect(reparsed == submission)
        #expect(reparsed.verifySignature(with: key.publicKey))
    }

    @Test(.enabled(if: OpenSSLTool.available), arguments: SignatureAlgorithm.allCases)
    func opensslCommandLineSignature_verifies(_ algorithm: SignatureAlgorithm) throws {
        let tool = try OpenSSLTool()
        let publicKey = try tool.generateKey(algorithm)
        let unsigned: JSONValue = .object([
            "kind": "license.issue", "department": "demo-amr", "keyId": .string(publicKey.keyID),
            "nonce": "cli-signed-nonce-0001",
            "record": try CanonicalJSONEncoder().encodeValue(demo.license(version: 1, subjectPrev: nil)),
        ])
        let signature = try tool.sign(Array("certledger/submission/v1\n".utf8) + unsigned.canonicalBytes(), algorithm)
        let body = unsigned.setting(["signature"], to: .string(Base64.encode(signature)))
        // Pretty-printed and in another member order: the canonical form is what was signed.
        let submission = try Submission(bytes: Array(body.pretty().utf8))
        #expect(submission.verifySignature(with: publicKey))
        #expect(submission.canonicalBytes == body.canonicalBytes())
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func forgedSignature_doesNotVerify(_ algorithm: SignatureAlgorithm) throws {
        let (submission, key) = try signed(algorithm)
        var bytes = submission.signature
        bytes[bytes.count / 2] ^= 0x01
        let forged = try altered(submission, ["signature"], .string(Base64.encode(bytes)))
        #expect(!forged.verifySignature(with: key.publicKey))
        // A signature of the right form that belongs to another message.
        let other = try signed(algorithm, key: key).0
        let swapped = try altered(submission, ["signature"], .string(Base64.encode(other.signature)))
        #expect(!swapped.verifySignature(with: key.publicKey))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func signatureByAnotherKey_doesNotVerify(_ algorithm: SignatureAlgorithm) throws {
        let (submission, _) = try signed(algorithm)
        let stranger = try PrivateKey.generate(algorithm)
        #expect(!submission.verifySignature(with: stranger.publicKey))
        // Claiming the stranger's key ID does not help: the signature is still the first key's.
        let claimed = try altered(submission, ["keyId"], .string(stranger.publicKey.keyID))
        #expect(!claimed.verifySignature(with: stranger.publicKey))
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func submissionModifiedAfterSigning_doesNotVerify(_ algorithm: SignatureAlgorithm) throws {
        let (submission, key) = try signed(algorithm)
        let changes: [([String], JSONValue)] = [
            (["record", "name"], "另一家公司有限公司"),
            (["record", "registeredCapital", "amount"], "5000001"),
            (["record", "businessTerm", "longTerm"], false),
            (["nonce"], "another-nonce-00001"),
            (["department"], "demo-psb"),
        ]
        for (path, value) in changes {
            var json = submission.json.setting(path, to: value)
            if path == ["record", "businessTerm", "longTerm"] {
                json = json.setting(["record", "businessTerm", "to"], to: "2040-01-01")
            }
            let changed = try Submission(bytes: json.canonicalBytes())
            #expect(!changed.verifySignature(with: key.publicKey), "\(path)")
        }
        // Relabelled as an amend (with the fields an amend needs): the kind is signed too.
        let relabelled = submission.json.setting(["kind"], to: "license.amend")
            .setting(["record", "version"], to: 2).setting(["record", "subjectPrev"], to: 5)
        #expect(!(try Submission(bytes: relabelled.canonicalBytes())).verifySignature(with: key.publicKey))
    }

    @Test func sign_refusesRecordOfAnotherKind() throws {
        let error = registryError {
            _ = try Submission.sign(kind: .sealIssue, department: dept("demo-amr"), key: demo.amrKey,
                                    nonce: Nonce.random(), record: try demo.license(version: 1, subjectPrev: nil))
        }
        #expect(error?.code == .invalid)
        #expect(error?.field == "kind")
    }

    @Test func sign_refusesRecordThatFailsValidation() throws {
        let error = registryError {
            _ = try Submission.sign(kind: .licenseAmend, department: dept("demo-amr"), key: demo.amrKey,
                                    nonce: Nonce.random(), record: try demo.license(version: 1, subjectPrev: 3))
        }
        #expect(error?.field == "record.version")
    }
}
