/// A business license as the log has made it so far, identified by its holder's USCC (DESIGN.md §4). Kept small
/// (indices and the few fields verdicts need), so that a million licenses fit in memory; the full records are in
/// the log at the indices named here.
public struct LicenseState: Sendable, Equatable {
    /// Where a license stands.
    public enum Status: String, Sendable, Codable {
        /// Issued (or amended) and not ended.
        case live
        /// Ended by `license.revoke` (吊销).
        case revoked
        /// Ended by `license.cancel` (注销).
        case cancelled
    }

    public let uscc: USCC
    public internal(set) var status: Status
    /// The current version: 1 after issue, +1 per amend.
    public internal(set) var version: Int
    /// The `license.issue` or `license.amend` entry whose data is current.
    public internal(set) var currentIndex: UInt64
    /// The document (license file) digest of the current version.
    public internal(set) var document: ContentDigest
    /// The last day of the business term; nil for a long term (长期).
    public internal(set) var termEnd: CalendarDate?
    /// The `license.revoke`/`license.cancel` entry that ended the license, if it is ended.
    public internal(set) var endIndex: UInt64?
    /// The day the end takes effect.
    public internal(set) var endEffectiveOn: CalendarDate?
    /// Every entry about this USCC, in log order (each one's `subjectPrev` is the one before).
    public internal(set) var history: [UInt64]

    /// The last entry about this USCC: what the next record's `subjectPrev` must name.
    public var lastIndex: UInt64 { history.last ?? currentIndex }
}
