import CanonicalJSON
import Registry
import Testing

/// Bundles (DESIGN.md §4): 1–64 submissions, each checked alone, errors naming `bundle[i]`.
@Suite struct SubmissionBundleTests {
    let demo: Demo

    init() throws { demo = try Demo() }

    func body(_ elements: [JSONValue]) -> [UInt8] {
        JSONValue.object(["bundle": .array(elements)]).canonicalBytes()
    }

    @Test func jointIssuance_parsesAndEachMemberVerifiesWithItsOwnKey() throws {
        let kinds: [SubmissionKind] = [.licenseIssue, .sealIssue, .linkShare]
        let members = try kinds.map { try demo.submission($0) }
        let bundle = try SubmissionBundle(bytes: body(members.map(\.json)))
        #expect(bundle.submissions.map(\.kind) == kinds)
        for (submission, kind) in zip(bundle.submissions, kinds) {
            #expect(submission.verifySignature(with: demo.signer(for: kind).1.publicKey))
            #expect(!submission.verifySignature(with: demo.operatorKey.publicKey))
        }
        #expect(try SubmissionBundle(bytes: bundle.canonicalBytes) == bundle)
        #expect(try SubmissionBundle(members) == bundle)
    }

    @Test func canonicalBytes_equalTheEncodersFormOfTheBundle_forOneToManyMembers() throws {
        let kinds: [SubmissionKind] = [.licenseIssue, .sealIssue, .linkShare, .licenseRevoke]
        let members = try kinds.map { try demo.submission($0) }
        for count in 1...members.count {
            let bundle = try SubmissionBundle(Array(members.prefix(count)))
            #expect(bundle.canonicalBytes == body(bundle.submissions.map(\.json)))
            #expect(try JSONValue.parse(bundle.canonicalBytes).canonicalBytes() == bundle.canonicalBytes)
        }
    }

    @Test func emptyOrOversizedBundle_isRejected() throws {
        #expect(registryError { _ = try SubmissionBundle(bytes: body([])) }?.field == "bundle")
        let template = try demo.submission(.licenseRevoke).json
        var elements = [JSONValue]()
        for index in 0...SubmissionBundle.maxSubmissions {
            elements.append(template.setting(["nonce"], to: .string("bundle-nonce-\(1000 + index)")))
        }
        let failure = registryError { _ = try SubmissionBundle(bytes: body(elements)) }
        #expect(failure?.field == "bundle")
        #expect(failure?.reason.contains("found 65") == true)
        // 64 is allowed (the signatures do not matter here: they are checked against keys later).
        #expect(try SubmissionBundle(bytes: body(Array(elements.prefix(64)))).submissions.count == 64)
    }

    @Test func badMember_isNamedByItsIndex() throws {
        let good = try demo.submission(.licenseIssue).json
        let bad = try demo.submission(.sealIssue).json.setting(["record", "holder"], to: "91350100MA2YDE7W7K")
        let failure = registryError { _ = try SubmissionBundle(bytes: body([good, bad])) }
        #expect(failure?.field == "bundle[1].record.holder")
        #expect(registryError { _ = try SubmissionBundle(bytes: body([good, "x"])) }?.field == "bundle[1]")
    }

    @Test func sameNonceTwice_isRejected() throws {
        let once = try demo.submission(.licenseIssue).json
        let failure = registryError { _ = try SubmissionBundle(bytes: body([once, once])) }
        #expect(failure?.field == "bundle[1]")
        #expect(failure?.reason.contains("twice") == true)
    }

    @Test func unknownTopLevelMember_isRejected() throws {
        let member = try demo.submission(.licenseIssue).json
        let text: JSONValue = .object(["bundle": .array([member]), "atomic": true])
        #expect(registryError { _ = try SubmissionBundle(bytes: text.canonicalBytes()) }?.field == "atomic")
    }
}
