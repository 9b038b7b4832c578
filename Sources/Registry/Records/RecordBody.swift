/// The record inside a submission, one Codable struct per schema. Decoding checks shapes,
/// types and formats (unknown members are rejected); `validate` checks what spans fields or depends on the
/// kind — windows, bounds, version and `subjectPrev` rules.
public protocol RecordBody: Codable, Sendable, Hashable {
    /// The submission kinds whose record has this schema.
    static var kinds: Set<SubmissionKind> { get }

    /// Checks the decoded record as a record of `kind`; `path` is the record's JSON path (`record`,
    /// `bundle[1].record`) and prefixes every field the error names.
    func validate(as kind: SubmissionKind, at path: String) throws(RegistryError)
}

extension RecordBody {
    /// Every record about a license or seal but the first carries the index of the previous entry about it
    /// (DESIGN.md §4); `allowNull` is true only for the kinds that may start a subject's chain.
    static func checkSubjectPrev(_ subjectPrev: UInt64?, allowNull: Bool, kind: SubmissionKind,
                                 at path: String) throws(RegistryError) {
        if subjectPrev == nil && !allowNull {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "subjectPrev"),
                                "\(kind.rawValue) must name the previous entry about its subject, found null")
        }
    }
}
