import CanonicalJSON
import FuzzSupport
@testable import Registry
import Testing

/// `Submission.Envelope(wellFormed:)` reads the six envelope members without the strict decoder; whenever it
/// answers, the strict decoder must accept the same JSON and give the same members, or the audit would accept
/// envelopes the daemon refuses.
@Suite struct EnvelopeFastPathTests {
    private func strict(_ json: JSONValue) -> Submission.Envelope? {
        try? CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Submission.Envelope.self, from: json)
    }

    private func same(_ a: Submission.Envelope, _ b: Submission.Envelope) -> Bool {
        a.kind == b.kind && a.department == b.department && a.keyId == b.keyId && a.nonce == b.nonce
            && a.record == b.record && a.signature == b.signature
    }

    @Test func validSubmissionsOfEveryKind_readTheSameAsTheStrictDecoder() throws {
        let demo = try Demo()
        for kind in [SubmissionKind.licenseIssue, .licenseAmend, .licenseRevoke, .licenseCancel, .sealIssue, .sealRevoke,
                     .linkShare] {
            let json = try demo.submission(kind).json
            let direct = try #require(Submission.Envelope(wellFormed: json), "\(kind)")
            let reference = try #require(strict(json), "\(kind)")
            #expect(same(direct, reference), "\(kind)")
        }
    }

    @Test func brokenEnvelopes_areLeftToTheStrictDecoder() throws {
        let json = try Demo().submission(.licenseRevoke).json
        var members = try #require(json.objectValue)
        let broken: [[String: JSONValue]] = [
            members.merging(["kind": "license.renew"]) { $1 }, members.merging(["kind": 7]) { $1 },
            members.merging(["department": "Demo_AMR"]) { $1 }, members.merging(["keyId": "2905feb7"]) { $1 },
            members.merging(["nonce": "short"]) { $1 }, members.merging(["signature": .null]) { $1 },
            members.merging(["timestamp": "x"]) { $1 },
            members.filter { $0.key != "record" }.merging(["timestamp": "x"]) { $1 },
            members.filter { $0.key != "nonce" },
        ]
        for (position, object) in broken.enumerated() {
            #expect(Submission.Envelope(wellFormed: .object(object)) == nil, "case \(position)")
            #expect(strict(.object(object)) == nil, "case \(position): the strict decoder must refuse it too")
        }
        members["record"] = "not an object"  // the record's schema is Record.decode's to check, on both paths
        #expect(Submission.Envelope(wellFormed: .object(members)) != nil)
        #expect(strict(.object(members)) != nil)
    }

    @Test func mutatedSubmissions_directAnswersOnlyWhatTheStrictDecoderAccepts() throws {
        let demo = try Demo()
        let seeds = try [SubmissionKind.licenseIssue, .sealIssue, .linkShare].map { try demo.submission($0) }
        var rng = Mutator.Generator(seed: 0xE17E_1093)
        var answered = 0
        for (s, seed) in seeds.enumerated() {
            let other = seeds[(s + 1) % seeds.count].canonicalBytes
            for iteration in 0..<Mutator.iterations(default: 2_000) {
                let mutant = Mutator.mutate(seed.canonicalBytes, other: other, using: &rng)
                guard let json = try? JSONValue.parse(mutant), let direct = Submission.Envelope(wellFormed: json)
                else { continue }
                answered += 1
                let reference = strict(json)
                #expect(reference.map { same(direct, $0) } == true, "seed \(s) iteration \(iteration)")
            }
        }
        #expect(answered > 100)
    }
}
