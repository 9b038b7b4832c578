/// What a verifying department asks (DESIGN.md §5 `POST /v1/verify`): a license by USCC (optionally with the digest
/// of the license document in front of it), a seal by id (optionally with the holder it expects), or a bare document
/// digest. `asOf` is the day the answer is about (default: today, UTC).
public struct VerifierQuestion: Codable, Sendable, Hashable {
    /// What is asked about (`CaseIterable`, so a decoding error names the accepted values).
    public enum Subject: String, Codable, Sendable, Hashable, CaseIterable {
        case license, seal, document
    }

    public let subject: Subject
    public let uscc: USCC?
    public let sealId: SealID?
    /// The holder a seal question expects.
    public let holder: USCC?
    /// The digest of the document presented.
    public let document: ContentDigest?
    public let asOf: CalendarDate?

    /// Is the license of `uscc` authentic (and is `document` its current version)?
    public static func license(_ uscc: USCC, document: ContentDigest? = nil, asOf: CalendarDate? = nil)
        -> VerifierQuestion {
        VerifierQuestion(subject: .license, uscc: uscc, sealId: nil, holder: nil, document: document, asOf: asOf)
    }

    /// Is seal `sealId` authentic (and held by `holder`)?
    public static func seal(_ sealId: SealID, holder: USCC? = nil, asOf: CalendarDate? = nil) -> VerifierQuestion {
        VerifierQuestion(subject: .seal, uscc: nil, sealId: sealId, holder: holder, document: nil, asOf: asOf)
    }

    /// Is the document with this digest a current license document?
    public static func document(_ digest: ContentDigest, asOf: CalendarDate? = nil) -> VerifierQuestion {
        VerifierQuestion(subject: .document, uscc: nil, sealId: nil, holder: nil, document: digest, asOf: asOf)
    }
}
