/// A status-map value's RFC 8785 bytes written member by member, for the common case where every member is plain:
/// strings of printable ASCII with nothing to escape, integers in 0 ... 2^53. Such members have exactly one
/// canonical spelling (the string between quotes, the integer's decimal digits), so the bytes equal those of the
/// value's `JSONValue` written canonically, without building and sorting a dictionary for every changed key of a
/// batch. The caller gives the members in RFC 8785 order (their keys sorted) and falls back to the `JSONValue`
/// path when `finish()` answers nil.
struct PlainCanonicalObject {
    private var bytes: [UInt8] = [0x7B]
    private var isPlain = true
    private var isFirst = true

    init() {
        bytes.reserveCapacity(160)
    }

    /// A string member.
    mutating func string(_ key: StaticString, _ value: String) {
        start(key)
        bytes.append(0x22)
        for byte in value.utf8 {
            guard byte >= 0x20, byte < 0x7F, byte != 0x22, byte != 0x5C else {
                isPlain = false
                return
            }
            bytes.append(byte)
        }
        bytes.append(0x22)
    }

    /// An integer member.
    mutating func integer(_ key: StaticString, _ value: UInt64) {
        guard value <= 1 << 53 else {
            isPlain = false
            return
        }
        start(key)
        if value == 0 {
            bytes.append(0x30)
            return
        }
        var digits: [UInt8] = []
        var rest = value
        while rest > 0 {
            digits.append(0x30 + UInt8(rest % 10))
            rest /= 10
        }
        bytes.append(contentsOf: digits.reversed())
    }

    /// An integer member (a negative one is not plain).
    mutating func integer(_ key: StaticString, _ value: Int) {
        guard value >= 0 else {
            isPlain = false
            return
        }
        integer(key, UInt64(value))
    }

    /// An object member, its own members written by `body`.
    mutating func object(_ key: StaticString, _ body: (inout PlainCanonicalObject) -> Void) {
        start(key)
        var inner = PlainCanonicalObject()
        body(&inner)
        guard let written = inner.finish() else {
            isPlain = false
            return
        }
        bytes.append(contentsOf: written)
    }

    /// The object's bytes, or nil when a member was not plain.
    func finish() -> [UInt8]? {
        isPlain ? bytes + [0x7D] : nil
    }

    private mutating func start(_ key: StaticString) {
        if !isFirst { bytes.append(0x2C) }
        isFirst = false
        bytes.append(0x22)
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(0x22)
        bytes.append(0x3A)
    }
}
