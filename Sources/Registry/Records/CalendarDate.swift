/// A calendar date `YYYY-MM-DD` (ISO 8601 / RFC 3339 `full-date`) that exists in the Gregorian calendar:
/// `2023-02-29` and `2024-13-01` are refused. Years 1900–2999: nothing in this register predates 1900, and a
/// later year is a typo. The fixed-width form makes the string order the chronological order.
public struct CalendarDate: ValidatedString, Comparable {
    public init(from decoder: any Decoder) throws { try self.init(decodingString: decoder) }
    public func encode(to encoder: any Encoder) throws { try encodeString(to: encoder) }

    /// Accepted years.
    public static let years: ClosedRange<Int> = 1900...2999
    public let value: String
    /// The year, month and day, as numbers.
    public let year: Int
    public let month: Int
    public let day: Int

    public init(validating text: String) throws(RegistryError) {
        var copy = text
        let parsed = copy.withUTF8 { c -> (year: Int, month: Int, day: Int)? in
            func number(_ range: Range<Int>) -> Int? {
                guard range.allSatisfy({ FieldCheck.isDigit(c[$0]) }) else { return nil }
                return range.reduce(0) { $0 * 10 + Int(c[$1] - 0x30) }
            }
            guard c.count == 10, c[4] == UInt8(ascii: "-"), c[7] == UInt8(ascii: "-"),
                  let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
            return (year, month, day)
        }
        guard let (year, month, day) = parsed else {
            throw RegistryError(.invalid, "a date is written YYYY-MM-DD, found \(FieldCheck.quote(text))")
        }
        guard Self.years.contains(year) else {
            throw RegistryError(.invalid, "year \(year) is outside \(Self.years.lowerBound)–\(Self.years.upperBound)")
        }
        guard (1...12).contains(month) else { throw RegistryError(.invalid, "\(text) has no month \(month)") }
        let days = Self.days(inMonth: month, year: year)
        guard (1...days).contains(day) else {
            throw RegistryError(.invalid, "\(text) does not exist: month \(month) of \(year) has \(days) days")
        }
        value = text
        self.year = year
        self.month = month
        self.day = day
    }

    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool { lhs.value < rhs.value }

    static func days(inMonth month: Int, year: Int) -> Int {
        switch month {
        case 2: return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}
