/// What the state says about a question: the verdict rules of docs/verifier.md, as pure code.
public struct VerifierDecision: Sendable, Equatable {
    public let verdict: Verdict
    public let reason: String
    /// The entries that decide the verdict, sorted, without duplicates.
    public let deciding: [UInt64]
    public let license: LicenseState?
    public let seal: SealState?
    /// For a seal: its holder's license (nil when the holder has none).
    public let holderLicense: LicenseState?
}

extension RegistryState {
    /// Decides `question` for the day `asOf` from the committed state (docs/verifier.md).
    public func decide(_ question: VerifierQuestion, asOf: CalendarDate) -> VerifierDecision {
        switch question.subject {
        case .license:
            guard let uscc = question.uscc else { return Self.unanswerable("a license question names a USCC") }
            return decideLicense(uscc, document: question.document, asOf: asOf)
        case .seal:
            guard let sealId = question.sealId else { return Self.unanswerable("a seal question names a seal id") }
            return decideSeal(sealId, holder: question.holder, asOf: asOf)
        case .document:
            guard let digest = question.document else {
                return Self.unanswerable("a document question names a digest")
            }
            guard let ref = document(digest) else {
                return VerifierDecision(verdict: .unknown, reason: "no license version in the log has document "
                                        + "\(digest.algorithm.rawValue):\(digest.digest.hex)", deciding: [],
                                        license: nil, seal: nil, holderLicense: nil)
            }
            // The entry carrying the document decides too, whichever rule applies: the status map names it.
            let decision = decideLicense(ref.uscc, document: digest, asOf: asOf)
            return VerifierDecision(verdict: decision.verdict, reason: decision.reason,
                                    deciding: Set(decision.deciding + [ref.index]).sorted(),
                                    license: decision.license, seal: nil, holderLicense: nil)
        }
    }

    private func decideLicense(_ uscc: USCC, document presented: ContentDigest?,
                               asOf: CalendarDate) -> VerifierDecision {
        guard let license = license(uscc) else {
            return VerifierDecision(verdict: .unknown, reason: "no license was ever issued to \(uscc) in this log",
                                    deciding: [], license: nil, seal: nil, holderLicense: nil)
        }
        var deciding: Set<UInt64> = [license.currentIndex]
        func decision(_ verdict: Verdict, _ reason: String) -> VerifierDecision {
            VerifierDecision(verdict: verdict, reason: reason, deciding: deciding.sorted(), license: license,
                             seal: nil, holderLicense: nil)
        }
        if let end = license.endIndex, let effective = license.endEffectiveOn {
            deciding.insert(end)
            if effective <= asOf {
                let verdict: Verdict = license.status == .cancelled ? .cancelled : .revoked
                return decision(verdict, "the license of \(uscc) was \(license.status.rawValue) effective "
                                + "\(effective) (entry \(end))")
            }
        }
        if let presented, presented != license.document {
            guard let ref = document(presented) else {
                return decision(.mismatch, "the document presented is no version of any license in the log; the "
                                + "current version \(license.version) of \(uscc) is entry \(license.currentIndex)")
            }
            deciding.insert(ref.index)
            if ref.uscc != uscc {
                return decision(.mismatch, "the document presented belongs to the license of \(ref.uscc) "
                                + "(entry \(ref.index)), not to \(uscc)")
            }
            return decision(.mismatch, "the document presented is version \(ref.version) (entry \(ref.index)), "
                            + "superseded by version \(license.version) (entry \(license.currentIndex))")
        }
        if let termEnd = license.termEnd, termEnd < asOf {
            return decision(.expired, "the business term of \(uscc) ended on \(termEnd), before \(asOf)")
        }
        let ending = license.endEffectiveOn.map { "; it ends on \($0)" } ?? ""
        return decision(.authentic, "version \(license.version) of the license of \(uscc) (entry "
                        + "\(license.currentIndex)) is in force on \(asOf)\(ending)")
    }

    private func decideSeal(_ sealId: SealID, holder expected: USCC?, asOf: CalendarDate) -> VerifierDecision {
        guard let seal = seal(sealId) else {
            return VerifierDecision(verdict: .unknown, reason: "no seal \(sealId) was ever issued in this log",
                                    deciding: [], license: nil, seal: nil, holderLicense: nil)
        }
        let holderLicense = license(seal.holder)
        var deciding: Set<UInt64> = [seal.issueIndex]
        if let holderLicense { deciding.insert(holderLicense.endIndex ?? holderLicense.currentIndex) }
        func decision(_ verdict: Verdict, _ reason: String) -> VerifierDecision {
            VerifierDecision(verdict: verdict, reason: reason, deciding: deciding.sorted(), license: nil,
                             seal: seal, holderLicense: holderLicense)
        }
        if let revoked = seal.revokeIndex, let effective = seal.revokedOn {
            deciding.insert(revoked)
            if effective <= asOf {
                return decision(.revoked, "seal \(sealId) was revoked effective \(effective) (entry \(revoked))")
            }
        }
        if let expected, expected != seal.holder {
            return decision(.mismatch, "seal \(sealId) is held by \(seal.holder), not \(expected)")
        }
        guard seal.validFrom <= asOf, asOf <= seal.validTo else {
            return decision(.expired, "seal \(sealId) is valid \(seal.validFrom)…\(seal.validTo), not on \(asOf)")
        }
        return decision(.authentic, "seal \(sealId) of \(seal.holder) (entry \(seal.issueIndex)) is valid on \(asOf)")
    }

    private static func unanswerable(_ why: String) -> VerifierDecision {
        VerifierDecision(verdict: .unknown, reason: why, deciding: [], license: nil, seal: nil, holderLicense: nil)
    }
}
