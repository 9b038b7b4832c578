/// A UTC instant with millisecond precision, written as RFC 3339 `2026-11-29T01:02:03.456Z` — the `time` of a log
/// entry (DESIGN.md §3). Exactly one spelling is accepted, so the same instant always gives the same entry bytes.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Milliseconds since 1970-01-01T00:00:00Z.
    public let millisecondsSinceEpoch: Int64

    public init(millisecondsSinceEpoch: Int64) {
        self.millisecondsSinceEpoch = millisecondsSinceEpoch
    }

    /// The current wall-clock time.
    public static func now() -> Timestamp {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Timestamp(millisecondsSinceEpoch: Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000)
    }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.millisecondsSinceEpoch < b.millisecondsSinceEpoch }

    /// Years 0000–9999 only: RFC 3339's range.
    static let minMillis: Int64 = -62_167_219_200_000       // 0000-01-01T00:00:00.000Z
    static let maxMillis: Int64 = 253_402_300_799_999       // 9999-12-31T23:59:59.999Z

    /// The RFC 3339 text, e.g. `2026-11-29T01:02:03.456Z`.
    public var description: String { rfc3339 }

    public var rfc3339: String {
        let ms = millisecondsSinceEpoch
        let days = floorDiv(ms, 86_400_000)
        let msOfDay = ms - days * 86_400_000
        let (y, m, d) = Self.civil(fromDays: days)
        let h = msOfDay / 3_600_000, mi = msOfDay / 60_000 % 60, s = msOfDay / 1000 % 60, f = msOfDay % 1000
        return pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + pad(h, 2) + ":" + pad(mi, 2) + ":" + pad(s, 2)
            + "." + pad(f, 3) + "Z"
    }

    /// Parses exactly `YYYY-MM-DDTHH:MM:SS.mmmZ`; nil for anything else (other precisions, offsets, leap seconds).
    public init?(rfc3339 text: some StringProtocol) {
        let parsed = text.utf8.withContiguousStorageIfAvailable { Self.milliseconds(rfc3339: $0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { Self.milliseconds(rfc3339: $0) }
        guard let parsed else { return nil }
        self.init(millisecondsSinceEpoch: parsed)
    }

    /// `init?(rfc3339:)` of text given as its UTF-8 bytes (read in place from a log entry).
    init?(rfc3339UTF8 bytes: UnsafeBufferPointer<UInt8>) {
        guard let parsed = Self.milliseconds(rfc3339: bytes) else { return nil }
        self.init(millisecondsSinceEpoch: parsed)
    }

    private static func milliseconds(rfc3339 c: UnsafeBufferPointer<UInt8>) -> Int64? {
        guard c.count == 24, c[4] == 0x2D, c[7] == 0x2D, c[10] == 0x54, c[13] == 0x3A, c[16] == 0x3A,
              c[19] == 0x2E, c[23] == 0x5A else { return nil }
        func num(_ r: Range<Int>) -> Int64? {
            var v: Int64 = 0
            for i in r {
                guard c[i] >= 0x30, c[i] <= 0x39 else { return nil }
                v = v * 10 + Int64(c[i] - 0x30)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), let h = num(11..<13),
              let mi = num(14..<16), let s = num(17..<19), let f = num(20..<23) else { return nil }
        guard (1...12).contains(m), d >= 1, d <= Self.daysIn(month: m, year: y), h < 24, mi < 60, s < 60 else {
            return nil
        }
        let days = Self.days(fromCivil: y, m, d)
        return days * 86_400_000 + h * 3_600_000 + mi * 60_000 + s * 1000 + f
    }

    // Days from civil and back: the proleptic Gregorian calendar (H. Hinnant's public-domain algorithms).
    static func days(fromCivil y0: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        let y = m <= 2 ? y0 - 1 : y0
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func daysIn(month m: Int64, year y: Int64) -> Int64 {
        switch m {
        case 2: return (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }
}

@inline(__always) private func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
    let q = a / b
    return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
}

@inline(__always) private func pad(_ v: Int64, _ width: Int) -> String {
    let s = String(v)
    return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
