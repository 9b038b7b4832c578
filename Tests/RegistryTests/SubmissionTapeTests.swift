import CanonicalJSON
import FuzzSupport
import LedgerCrypto
@testable import Registry
import Testing

/// `Submission(bytes:)` first reads canonical bytes through `CanonicalTape` and the fast record readers
/// (`Submission(canonical:usccExceptions:)`), without a JSON tree; that is how an audit reads every stored payload.
/// Whenever that read answers, the strict path (parse, strict envelope and record decoding, canonical form) must
/// accept the same bytes as canonical and give the same submission, member by member.
@Suite struct SubmissionTapeTests {
    /// What the strict machinery alone makes of canonical `bytes`: the parser, `Codable` with unknown members
    /// refused for the envelope and the record, the record's `validate`, and the signing input canonicalized again
    /// from the tree — none of the fast readers the path under test uses.
    struct Reference {
        let kind: SubmissionKind, department: DepartmentID, keyId: KeyID, nonce: Nonce, record: Record
        let signature: [UInt8], canonicalBytes: [UInt8], signingInput: [UInt8]
    }

    private func strict(_ bytes: [UInt8], exceptions: Set<String> = []) -> Reference? {
        let decoder = CanonicalJSONDecoder(rejectUnknownKeys: true)
        guard let json = try? JSONValue.parse(bytes, limits: JSONLimits(maxInputBytes: Submission.maxInputBytes)),
              json.canonicalBytes() == bytes, bytes.count <= Submission.maxBytes,
              let envelope = try? decoder.decode(Submission.Envelope.self, from: json),
              let signature = Base64.decode(envelope.signature),
              (1...Submission.maxSignatureBytes).contains(signature.count),
              let record = codableRecord(envelope.kind, envelope.record, exceptions) else { return nil }
        return Reference(kind: envelope.kind, department: envelope.department, keyId: envelope.keyId,
                         nonce: envelope.nonce, record: record, signature: signature, canonicalBytes: bytes,
                         signingInput: Submission.signingInput(Submission.Envelope.unsigned(json)))
    }

    private func codableRecord(_ kind: SubmissionKind, _ json: JSONValue, _ exceptions: Set<String>) -> Record? {
        func body<T: RecordBody>(_ type: T.Type) -> T? {
            let value = USCC.$decodingExceptions.withValue(exceptions) {
                try? CanonicalJSONDecoder(rejectUnknownKeys: true).decode(T.self, from: json)
            }
            guard let value, (try? value.validate(as: kind, at: "record")) != nil else { return nil }
            return value
        }
        switch kind {
        case .licenseIssue: return body(LicenseRecord.self).map { .licenseIssue($0) }
        case .licenseAmend: return body(LicenseRecord.self).map { .licenseAmend($0) }
        case .licenseRevoke: return body(LicenseEndRecord.self).map { .licenseRevoke($0) }
        case .licenseCancel: return body(LicenseEndRecord.self).map { .licenseCancel($0) }
        case .sealIssue: return body(SealIssueRecord.self).map { .sealIssue($0) }
        case .sealRevoke: return body(SealRevokeRecord.self).map { .sealRevoke($0) }
        case .linkShare: return body(LinkShareRecord.self).map { .linkShare($0) }
        default: return nil
        }
    }

    private func same(_ a: Submission, _ b: Reference) -> Bool {
        a.kind == b.kind && a.department == b.department && a.keyId == b.keyId && a.nonce == b.nonce
            && a.record == b.record && a.signature == b.signature && a.canonicalBytes == b.canonicalBytes
            && a.signingInput == b.signingInput
    }

    static let fastKinds: [SubmissionKind] = [
        .licenseIssue, .licenseAmend, .licenseRevoke, .licenseCancel, .sealIssue, .sealRevoke, .linkShare,
    ]

    @Test func validSubmissionsOfTheCommonKinds_areReadWithoutATree_andEqualTheStrictPath() throws {
        let demo = try Demo()
        for kind in Self.fastKinds {
            let bytes = try demo.submission(kind).canonicalBytes
            let fast = try #require(Submission(canonical: bytes, usccExceptions: []), "\(kind)")
            let reference = try #require(strict(bytes), "\(kind)")
            #expect(same(fast, reference), "\(kind)")
            #expect(try same(Submission(bytes: bytes), reference), "\(kind)")
        }
    }

    @Test func otherKindsAndOtherSpellings_areLeftToTheStrictPath() throws {
        let demo = try Demo()
        let register = try demo.submission(.departmentRegister)
        #expect(Submission(canonical: register.canonicalBytes, usccExceptions: []) == nil)
        let license = try demo.submission(.licenseIssue)
        // Pretty-printed, or with an escaped character: valid, but not the plain canonical subset.
        #expect(Submission(canonical: Array(license.json.pretty().utf8), usccExceptions: []) == nil)
        let escaped = license.json.setting(["record", "name"], to: "名称\"引号\"").canonicalBytes()
        #expect(Submission(canonical: escaped, usccExceptions: []) == nil)
        #expect(try Submission(bytes: escaped).canonicalBytes == escaped)
        // A record the schema refuses is refused by the strict path, with its field named.
        let bad = license.json.setting(["record", "uscc"], to: "91350100MA2YDE7W7X").canonicalBytes()
        #expect(Submission(canonical: bad, usccExceptions: []) == nil)
        #expect(registryError { _ = try Submission(bytes: bad) }?.field == "record.uscc")
    }

    @Test func usccExceptions_areHonouredOnTheFastPath() throws {
        let demo = try Demo()
        let exempt = "91350100MA2YDE7W7X"  // right alphabet and length, wrong check character
        let bytes = try demo.submission(.licenseIssue).json.setting(["record", "uscc"], to: .string(exempt))
            .canonicalBytes()
        #expect(Submission(canonical: bytes, usccExceptions: []) == nil)
        let fast = try #require(Submission(canonical: bytes, usccExceptions: [exempt]))
        let reference = try #require(strict(bytes, exceptions: [exempt]))
        #expect(same(fast, reference))
    }

    @Test func mutatedSubmissions_areReadOnlyWhenTheStrictPathAgrees() throws {
        let demo = try Demo()
        let seeds = try Self.fastKinds.map { try demo.submission($0).canonicalBytes }
        var rng = Mutator.Generator(seed: 0x7A9E_5B01)
        var answered = 0
        for (s, seed) in seeds.enumerated() {
            let other = seeds[(s + 1) % seeds.count]
            for iteration in 0..<Mutator.iterations(default: 2_000) {
                let mutant = Mutator.mutate(seed, other: other, using: &rng)
                guard let fast = Submission(canonical: mutant, usccExceptions: []) else { continue }
                answered += 1
                let reference = strict(mutant)
                #expect(reference.map { same(fast, $0) } == true, "seed \(s) iteration \(iteration)")
            }
        }
        #expect(answered > 50)
    }

    /// The signing input is cut out of the canonical bytes (from a signature string, or from where a tape found the
    /// signature): it must equal the prefix and the canonical form of the submission without its signature, and
    /// be nil whenever the bytes do not end with exactly that signature member.
    @Test func signingInputCutFromTheBytes_equalsTheUnsignedCanonicalForm_orIsNil() throws {
        let demo = try Demo()
        for kind in Self.fastKinds + [.departmentRegister] {
            let submission = try demo.submission(kind)
            let bytes = submission.canonicalBytes
            let signature = Base64.encode(submission.signature)
            let expected = Submission.signingInput(Submission.Envelope.unsigned(submission.json))
            #expect(Submission.signingInput(canonical: bytes, signature: signature) == expected, "\(kind)")
            let start = bytes.count - 2 - signature.utf8.count
            #expect(Submission.signingInput(canonical: bytes, signatureAt: start..<(bytes.count - 2)) == expected)
            // Another signature, a range that is not the last member's value, a quote in the signature text.
            #expect(Submission.signingInput(canonical: bytes, signature: "A" + signature.dropFirst()) == nil)
            #expect(Submission.signingInput(canonical: bytes, signature: String(signature.dropFirst())) == nil)
            #expect(Submission.signingInput(canonical: bytes, signatureAt: (start + 1)..<(bytes.count - 2)) == nil)
            #expect(Submission.signingInput(canonical: bytes, signatureAt: (start - 1)..<(bytes.count - 3)) == nil)
            #expect(Submission.signingInput(canonical: bytes, signature: String(repeating: "A", count: 5000)) == nil)
            var quoted = bytes
            quoted[start] = UInt8(ascii: "\"")
            let quotedSignature = "\"" + signature.dropFirst()
            #expect(Submission.signingInput(canonical: quoted, signature: quotedSignature) == nil)
        }
    }
}
