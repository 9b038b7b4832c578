public import LedgerCrypto
import Log
import SignedNote

/// The status-map half of the offline check (docs/verifier.md, "Proof from the status map"): the verdict must
/// follow from proven map values alone, so that an answer proves "current, not revoked" and "never registered"
/// instead of the ledger vouching for them with its receipt.
extension VerifierAnswerCheck {
    /// What the status map proved: its root (stated by the `map.root` entry closing the checkpointed tree) and
    /// each key's value, nil where the key is proven absent.
    public struct ProvenStatus: Sendable {
        public let root: Hash256
        /// The keys in the answer's order, with their proven values.
        public let values: [(key: String, value: [UInt8]?)]
    }

    /// The proven values, decoded.
    struct Values {
        var license: LicenseStatusValue?
        var seal: SealStatusValue?
        var document: DocumentStatusValue?
        /// For a seal question: the holder's license, when the seal is present.
        var holder: LicenseStatusValue?
    }

    /// Checks `answer.statusMap` against `checkpoint`, then that the verdict, the summaries and the deciding
    /// entries all follow from the proven values. `submissions` are the answer's entries, already proven.
    func checkStatusMap(_ answer: VerifierAnswer, checkpoint: SignedNote.Checkpoint,
                        submissions: [UInt64: Submission]) throws(RegistryError) -> ProvenStatus {
        guard let statusMap = answer.statusMap else {
            throw RegistryError(.badSignature, field: "statusMap", "the answer carries no status-map proofs, so "
                                + "its verdict cannot be checked (a ledger without a status map, or a stripped answer)")
        }
        let rootEntry = try prove(statusMap.mapRoot, field: "statusMap.mapRoot", in: checkpoint)
        guard rootEntry.index + 1 == checkpoint.size else {
            throw RegistryError(.badSignature, field: "statusMap.mapRoot.index", "the map root must be entry "
                                + "\(checkpoint.size - 1), the last of the checkpointed tree; it is entry "
                                + "\(rootEntry.index) (a stale map root)")
        }
        let root: Hash256
        do { root = try MapRootRecord(payload: rootEntry.payload).root } catch {
            throw RegistryError(.badSignature, field: "statusMap.mapRoot.entry", "entry \(rootEntry.index) is no "
                                + "map.root entry: \(error.reason)")
        }
        let hasher = MapHasher(hashAlgorithm)
        var values = Values()
        var proven: [(key: String, value: [UInt8]?)] = []
        // Each expected key depends on the values proven before it (a seal names its holder).
        let expected = { (values: Values) throws(RegistryError) -> [String] in
            try Self.expectedKeys(answer.question, values)
        }
        var position = 0
        while true {
            let keys = try expected(values)
            guard position < keys.count else { break }
            let field = "statusMap.proofs[\(position)]"
            guard position < statusMap.proofs.count else {
                throw RegistryError(.badSignature, field: "statusMap.proofs", "the verdict reads \(keys.count) "
                                    + "map keys, the answer proves \(statusMap.proofs.count): \(keys[position]) "
                                    + "is missing")
            }
            let keyProof = statusMap.proofs[position]
            guard keyProof.key == keys[position] else {
                throw RegistryError(.badSignature, field: "\(field).key", "the verdict reads \(keys[position]) "
                                    + "here, the answer proves \(keyProof.key)")
            }
            let bytes = keyProof.value.map { Array($0.utf8) }
            if case .invalid(let failure) = keyProof.proof.verify(key: keyProof.key, value: bytes, root: root,
                                                                using: hasher) {
                throw RegistryError(.badSignature, field: "\(field).proof", "\(keyProof.key): \(failure.reason)")
            }
            try Self.decode(bytes, position: position, into: &values, question: answer.question, field: field)
            proven.append((keyProof.key, bytes))
            position += 1
        }
        guard statusMap.proofs.count == position else {
            throw RegistryError(.badSignature, field: "statusMap.proofs", "the verdict reads \(position) map keys, "
                                + "the answer proves \(statusMap.proofs.count)")
        }
        try Self.checkVerdict(answer, values)
        try Self.checkSummaries(answer, values)
        try Self.checkNamedEntries(answer, values, submissions)
        return ProvenStatus(root: root, values: proven)
    }

    /// The map keys a question's verdict reads, given the values proven so far: the subject's key; then for a
    /// document the license it names, for a seal its holder's license.
    static func expectedKeys(_ question: VerifierQuestion, _ values: Values) throws(RegistryError) -> [String] {
        switch question.subject {
        case .license:
            guard let uscc = question.uscc else { throw malformedQuestion() }
            return [StatusMapKey.license(uscc).string]
        case .document:
            guard let digest = question.document else { throw malformedQuestion() }
            let first = StatusMapKey.document(digest).string
            guard let document = values.document else { return [first] }
            return [first, StatusMapKey.license(document.uscc).string]
        case .seal:
            guard let sealId = question.sealId else { throw malformedQuestion() }
            let first = StatusMapKey.seal(sealId).string
            guard let seal = values.seal else { return [first] }
            return [first, StatusMapKey.license(seal.holder).string]
        }
    }

    private static func malformedQuestion() -> RegistryError {
        RegistryError(.invalid, field: "question", "the question does not name its subject")
    }

    private static func decode(_ bytes: [UInt8]?, position: Int, into values: inout Values,
                               question: VerifierQuestion, field: String) throws(RegistryError) {
        guard let bytes else { return }
        do {
            switch (question.subject, position) {
            case (.license, _), (.document, 1), (.seal, 1):
                let license = try LicenseStatusValue(bytes: bytes)
                guard license.canonicalBytes == bytes else { throw notCanonical(field) }
                if question.subject == .seal { values.holder = license } else { values.license = license }
            case (.document, _):
                let document = try DocumentStatusValue(bytes: bytes)
                guard document.canonicalBytes == bytes else { throw notCanonical(field) }
                values.document = document
            case (.seal, _):
                let seal = try SealStatusValue(bytes: bytes)
                guard seal.canonicalBytes == bytes else { throw notCanonical(field) }
                values.seal = seal
            }
        } catch let error as RegistryError {
            throw error
        } catch {
            throw RegistryError(.invalid, field: "\(field).value", "not a status value: \(error)")
        }
    }

    private static func notCanonical(_ field: String) -> RegistryError {
        RegistryError(.invalid, field: "\(field).value", "the value is not in its one canonical spelling")
    }

    /// The verdict the values give (StatusMapDecision) must be the answer's.
    private static func checkVerdict(_ answer: VerifierAnswer, _ values: Values) throws(RegistryError) {
        let question = answer.question
        let verdict: Verdict
        switch question.subject {
        case .license:
            verdict = StatusMapDecision.license(values.license, presented: question.document, asOf: answer.asOf)
        case .document:
            guard let presented = question.document else { throw malformedQuestion() }
            verdict = StatusMapDecision.document(values.document, license: values.license, presented: presented,
                                                 asOf: answer.asOf)
        case .seal:
            verdict = StatusMapDecision.seal(values.seal, holder: question.holder, asOf: answer.asOf)
        }
        guard verdict == answer.verdict else {
            throw RegistryError(.badSignature, field: "verdict", "the answer says \(answer.verdict.rawValue), the "
                                + "proven status-map values give \(verdict.rawValue) as of \(answer.asOf)")
        }
    }

    /// The answer's `license`, `seal` and `holder` summaries must say what the values say.
    private static func checkSummaries(_ answer: VerifierAnswer, _ values: Values) throws(RegistryError) {
        func differs(_ field: String) -> RegistryError {
            RegistryError(.badSignature, field: field, "the answer's \(field) does not agree with the proven "
                          + "status-map value")
        }
        if let license = values.license {
            guard let summary = answer.license, summary.status == license.status, summary.version == license.version,
                  summary.currentIndex == license.current, summary.endIndex == license.end,
                  summary.endEffectiveOn == license.endEffectiveOn,
                  summary.uscc == answer.question.uscc ?? values.document?.uscc else { throw differs("license") }
        } else if answer.license != nil {
            throw differs("license")
        }
        if let seal = values.seal {
            guard let summary = answer.seal, summary.sealId == answer.question.sealId, summary.holder == seal.holder,
                  summary.validFrom == seal.validFrom, summary.validTo == seal.validTo,
                  summary.revoked == (seal.revoke != nil), summary.issueIndex == seal.issue,
                  summary.revokeIndex == seal.revoke else { throw differs("seal") }
            let status = values.holder?.status.rawValue ?? "unknown"
            guard let holder = answer.holder, holder.uscc == seal.holder, holder.status == status,
                  holder.index == values.holder.map({ $0.end ?? $0.current }) else { throw differs("holder") }
        } else if answer.seal != nil || answer.holder != nil {
            throw differs(answer.seal != nil ? "seal" : "holder")
        }
    }

    /// Every entry a proven value names is among the answer's proven entries, and is about that subject: so the
    /// entries shown with a verdict are the ones that decide it, not another holder's.
    private static func checkNamedEntries(_ answer: VerifierAnswer, _ values: Values,
                                          _ submissions: [UInt64: Submission]) throws(RegistryError) {
        func entry(_ index: UInt64, _ what: String) throws(RegistryError) -> Record {
            guard let submission = submissions[index] else {
                throw RegistryError(.badSignature, field: "entries", "the status map names entry \(index) (\(what)), "
                                    + "which the answer does not prove")
            }
            return submission.record
        }
        func notAbout(_ index: UInt64, _ what: String) -> RegistryError {
            RegistryError(.badSignature, field: "entries", "entry \(index) is not \(what)")
        }
        func checkLicense(_ value: LicenseStatusValue, uscc: USCC, onlyDeciding: Bool) throws(RegistryError) {
            if !onlyDeciding || value.end == nil {
                let what = "version \(value.version) of the license of \(uscc)"
                switch try entry(value.current, what) {
                case let .licenseIssue(record), let .licenseAmend(record):
                    guard record.uscc == uscc, record.document == value.document, record.version == value.version,
                          record.businessTerm.to == value.termEnd else { throw notAbout(value.current, what) }
                default: throw notAbout(value.current, what)
                }
            }
            if let end = value.end {
                let what = "the \(value.status.rawValue == "cancelled" ? "cancellation" : "revocation") of the "
                    + "license of \(uscc)"
                switch (try entry(end, what), value.status) {
                case let (.licenseRevoke(record), .revoked), let (.licenseCancel(record), .cancelled):
                    guard record.uscc == uscc, record.effectiveOn == value.endEffectiveOn else {
                        throw notAbout(end, what)
                    }
                default: throw notAbout(end, what)
                }
            }
        }
        let question = answer.question
        if let document = values.document, let digest = question.document {
            let what = "the license version of \(document.uscc) carrying the document"
            switch try entry(document.index, what) {
            case let .licenseIssue(record), let .licenseAmend(record):
                guard record.uscc == document.uscc, record.document == digest,
                      record.version == document.version else { throw notAbout(document.index, what) }
            default: throw notAbout(document.index, what)
            }
        }
        if let license = values.license, let uscc = question.uscc ?? values.document?.uscc {
            try checkLicense(license, uscc: uscc, onlyDeciding: false)
        }
        if let seal = values.seal, let sealId = question.sealId {
            let what = "the issue of seal \(sealId)"
            switch try entry(seal.issue, what) {
            case let .sealIssue(record):
                guard record.sealId == sealId, record.holder == seal.holder, record.validFrom == seal.validFrom,
                      record.validTo == seal.validTo, answer.seal?.sealType == record.sealType else {
                    throw notAbout(seal.issue, what)
                }
            default: throw notAbout(seal.issue, what)
            }
            if let revoke = seal.revoke {
                let what = "the revocation of seal \(sealId)"
                switch try entry(revoke, what) {
                case let .sealRevoke(record):
                    guard record.sealId == sealId, record.effectiveOn == seal.revokedOn else {
                        throw notAbout(revoke, what)
                    }
                default: throw notAbout(revoke, what)
                }
            }
            if let holder = values.holder {
                try checkLicense(holder, uscc: seal.holder, onlyDeciding: true)
            }
        }
    }
}
