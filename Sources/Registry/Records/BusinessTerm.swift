import CanonicalJSON

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

    func validate(at path: @autoclosure () -> String) throws(RegistryError) {
        switch (to, longTerm) {
        case (nil, false):
            throw RegistryError(.invalid, field: FieldCheck.join(path(), "to"),
                                "is null but longTerm is false: a fixed term needs an end date")
        case (.some(let end), true):
            throw RegistryError(.invalid, field: FieldCheck.join(path(), "to"),
                                "is \(end) but longTerm is true: a long term has no end date (null)")
        case (.some(let end), false) where end < from:
            throw RegistryError(.invalid, field: FieldCheck.join(path(), "to"),
                                "the term ends (\(end)) before it starts (\(from))")
        default:
            return
        }
    }
}

extension BusinessTerm {
    /// The term read straight from `{"from","longTerm","to"}` (see `DirectMembers`). Nil when `to` and `longTerm`
    /// disagree too: the memberwise initializer cannot hold that value, and `validate` must refuse it.
    init?<Value: DirectJSON>(direct value: Value?) {
        guard var m = DirectMembers(value, count: 3), let from = m.validated("from", as: CalendarDate.self),
              let longTerm = m.bool("longTerm") else { return nil }
        let to: CalendarDate?
        guard let member = m.member("to") else { return nil }
        if member.directIsNull {
            to = nil
        } else if let text = member.directString, let date = try? CalendarDate(validating: text) {
            to = date
        } else {
            return nil
        }
        guard longTerm == (to == nil) else { return nil }
        self.init(from: from, to: to)
    }
}
