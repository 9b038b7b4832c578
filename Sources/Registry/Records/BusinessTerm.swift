/// Business term (营业期限): from a date to a date, or from a date with no end (长期). `to` is null exactly when
/// `longTerm` is true, so the two never disagree; otherwise `from` ≤ `to`.
public struct BusinessTerm: Codable, Sendable, Hashable {
    /// First day of the term.
    public let from: CalendarDate
    /// Last day of the term; null for a long term.
    @ExplicitNull public private(set) var to: CalendarDate?
    public let longTerm: Bool

    /// A fixed term ending on `to`, or a long term when `to` is nil.
    public init(from: CalendarDate, to: CalendarDate?) {
        self.from = from
        self.to = to
        self.longTerm = to == nil
    }

    func validate(at path: String) throws(RegistryError) {
        switch (to, longTerm) {
        case (nil, false):
            throw RegistryError(.invalid, field: FieldCheck.join(path, "to"),
                                "is null but longTerm is false: a fixed term needs an end date")
        case (.some(let end), true):
            throw RegistryError(.invalid, field: FieldCheck.join(path, "to"),
                                "is \(end) but longTerm is true: a long term has no end date (null)")
        case (.some(let end), false) where end < from:
            throw RegistryError(.invalid, field: FieldCheck.join(path, "to"),
                                "the term ends (\(end)) before it starts (\(from))")
        default:
            return
        }
    }
}
