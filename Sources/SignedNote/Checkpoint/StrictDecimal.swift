/// ASCII decimals as C2SP tlog-checkpoint (tree size) and tlog-proof (index) write them: digits only, no sign,
/// no leading zero unless the value is 0, within `UInt64`. One spelling per value, so signed bytes are canonical.
package enum StrictDecimal {
    package static func parse(_ text: some StringProtocol) -> UInt64? {
        parse(utf8: Array(text.utf8))
    }

    /// The same rule over ASCII bytes (a line of a request body).
    package static func parse(utf8 chars: some Collection<UInt8>) -> UInt64? {
        guard let first = chars.first, chars.count <= 20 else { return nil }
        if first == UInt8(ascii: "0") { return chars.count == 1 ? 0 : nil }
        var value: UInt64 = 0
        for c in chars {
            guard UInt8(ascii: "0")...UInt8(ascii: "9") ~= c else { return nil }
            let (times10, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times10.addingReportingOverflow(UInt64(c - UInt8(ascii: "0")))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }
}
