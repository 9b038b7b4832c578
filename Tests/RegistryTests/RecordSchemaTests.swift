import CanonicalJSON
import LedgerCrypto
import Registry
import Testing

/// Every record kind's happy path: the example decodes strictly, validates, verifies and round-trips.
@Suite struct RecordSchemaTests {
    let demo: Demo

    init() throws { demo = try Demo() }

    @Test(arguments: SubmissionKind.allCases)
    func exampleOfEachKind_decodesValidatesAndVerifies(_ kind: SubmissionKind) throws {
        let submission = try demo.submission(kind)
        #expect(submission.kind == kind)
        #expect(submission.record.kind == kind)
        #expect(submission.verifySignature(with: demo.signer(for: kind).1.publicKey))
        let recordJSON = try #require(submission.json["record"])
        // Decoding the record on its own gives the same value, and encoding that value gives the same JSON.
        let decoded = try Record.decode(kind: kind, from: recordJSON)
        #expect(decoded == submission.record)
        #expect(try CanonicalJSONEncoder().encodeValue(decoded.body) == recordJSON)
        #expect(type(of: decoded.body).kinds.contains(kind))
    }

    @Test func nullableFields_areWrittenAsExplicitNull() throws {
        let issue = try demo.submission(.licenseIssue).json
        #expect(issue["record"]?["subjectPrev"] == .null)
        #expect(issue["record"]?["businessTerm"]?["to"] == .null)
        #expect(issue["record"]?["businessTerm"]?["longTerm"] == true)
        let seal = try demo.submission(.sealIssue).json
        #expect(seal["record"]?["subjectPrev"] == .null)
        #expect(seal["record"]?["image"]?["algorithm"] == "sm3")
    }

    @Test func licenseVersionAndSubjectPrev_followTheKind() throws {
        #expect(try Record.decode(kind: .licenseIssue, from: encode(demo.license(version: 1, subjectPrev: 7))).kind
            == .licenseIssue)
        #expect(try Record.decode(kind: .licenseAmend, from: encode(demo.license(version: 9, subjectPrev: 7))).kind
            == .licenseAmend)
    }

    @Test func leapDayAndBoundaryValues_areAccepted() throws {
        var record = try encode(demo.license(version: 1, subjectPrev: nil))
        record = record.setting(["establishedOn"], to: "2024-02-29").setting(["approvedOn"], to: "2024-02-29")
            .setting(["businessTerm", "from"], to: "2024-02-29")
            .setting(["registeredCapital", "amount"], to: "999999999999999.99")
            .setting(["name"], to: .string(String(repeating: "名", count: 200)))
        let decoded = try Record.decode(kind: .licenseIssue, from: record)
        guard case .licenseIssue(let license) = decoded else { Issue.record("wrong case"); return }
        #expect(license.establishedOn.day == 29)
        #expect(license.name.count == 200)
    }

    @Test func exemptedLegacyUSCC_isAcceptedOnlyWhenListed() throws {
        let legacy = "91350100MA2YDE7W7K"  // the demo holder with a wrong check character
        let record = try encode(demo.license(version: 1, subjectPrev: nil)).setting(["uscc"], to: .string(legacy))
        let error = registryError { _ = try Record.decode(kind: .licenseIssue, from: record) }
        #expect(error?.field == "record.uscc")
        #expect(try Record.decode(kind: .licenseIssue, from: record, usccExceptions: [legacy]).kind == .licenseIssue)
    }

    @Test func roles_allowTheKindsOfTheirDuty() {
        #expect(Role.licenseIssuer.kinds == [.licenseIssue, .licenseAmend, .licenseRevoke, .licenseCancel])
        #expect(Role.link(.taxation).value == "link:taxation")
        #expect(Role.allCases.count == 10)
        #expect(Set(Role.allCases.flatMap(\.kinds)) == Set(SubmissionKind.allCases))
        #expect(LinkKind.allCases.map(\.role.value) == LinkKind.allCases.map { "link:" + $0.rawValue })
    }

    @Test func saltedDigest_isTheDigestOfSaltThenData() {
        let salt = Array(repeating: UInt8(9), count: 16), data = Array("shared".utf8)
        #expect(SaltedDigest(of: data, salt: salt, algorithm: .sm3).digest == HashAlgorithm.sm3.hash(salt + data))
        #expect(SaltedDigest(of: data, salt: salt, algorithm: .sha256).digest != HashAlgorithm.sha256.hash(data))
    }

    func encode(_ record: some RecordBody) throws -> JSONValue {
        try CanonicalJSONEncoder().encodeValue(record)
    }
}
