/// The verdict rules of docs/verifier.md decided from status-map values alone, so that a checker holding proven
/// values (and nothing else from the ledger) can tell whether an answer's verdict follows from them. Each function
/// takes the value the map proves for the subject's key, nil when the map proves the key absent.
public enum StatusMapDecision {
    /// A license question: the value of `license:<USCC>`, and the document presented, if any.
    public static func license(_ license: LicenseStatusValue?, presented: ContentDigest?,
                               asOf: CalendarDate) -> Verdict {
        guard let license else { return .unknown }
        if license.end != nil, let effective = license.endEffectiveOn, effective <= asOf {
            return license.status == .cancelled ? .cancelled : .revoked
        }
        if let presented, presented != license.document { return .mismatch }
        if let termEnd = license.termEnd, termEnd < asOf { return .expired }
        return .authentic
    }

    /// A document question: the value of `document:<digest>`, then the value of the license it names.
    public static func document(_ document: DocumentStatusValue?, license: LicenseStatusValue?,
                                presented: ContentDigest, asOf: CalendarDate) -> Verdict {
        guard document != nil else { return .unknown }
        return self.license(license, presented: presented, asOf: asOf)
    }

    /// A seal question: the value of `seal:<sealId>`, and the holder the asker expects, if any. The holder's own
    /// status is reported beside the verdict, never folded into it (DESIGN.md §4).
    public static func seal(_ seal: SealStatusValue?, holder expected: USCC?, asOf: CalendarDate) -> Verdict {
        guard let seal else { return .unknown }
        if seal.revoke != nil, let effective = seal.revokedOn, effective <= asOf { return .revoked }
        if let expected, expected != seal.holder { return .mismatch }
        guard seal.validFrom <= asOf, asOf <= seal.validTo else { return .expired }
        return .authentic
    }
}
