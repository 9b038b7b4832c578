/// The verifier's answer to "is this license / seal / document authentic and current?" (DESIGN.md §5). A failed
/// check is an answer, not an error; docs/verifier.md gives the rules that decide it.
public enum Verdict: String, Sendable, Codable, CaseIterable {
    /// In the log, in force on the day asked about, and matching what was presented.
    case authentic
    /// Ended by `license.revoke` (吊销) or `seal.revoke`, effective on or before the day asked about.
    case revoked
    /// A license ended by `license.cancel` (注销), effective on or before the day asked about.
    case cancelled
    /// Outside its validity: a business term that ended, a seal outside `validFrom…validTo`.
    case expired
    /// In the log, but not what was presented: a superseded or foreign document, another holder.
    case mismatch
    /// Nothing in the log is about it.
    case unknown
}
