import LedgerCrypto

/// The cases of a `String`-backed enum found from the UTF-8 bytes of a raw value, without making a `String` and
/// without the string comparisons of `init(rawValue:)`: the fast readers meet a kind or an algorithm name in every
/// entry of an audit. Answers exactly what `T(rawValue:)` answers for the same text.
struct RawValueTable<T: RawRepresentable & CaseIterable & Sendable>: Sendable where T.RawValue == String {
    private let cases: [(value: T, bytes: [UInt8])]

    init() {
        cases = T.allCases.map { ($0, Array($0.rawValue.utf8)) }
    }

    /// The case whose raw value is exactly these bytes; nil for any other text.
    func value(utf8 text: UnsafeBufferPointer<UInt8>) -> T? {
        for entry in cases where entry.bytes.count == text.count {
            let equal = entry.bytes.withUnsafeBufferPointer { bytes in
                bytes.indices.allSatisfy { bytes[$0] == text[$0] }
            }
            if equal { return entry.value }
        }
        return nil
    }
}

extension HashAlgorithm {
    /// `init(rawValue:)` from the bytes of the name.
    static let names = RawValueTable<HashAlgorithm>()
}

extension SubmissionKind {
    /// `init(rawValue:)` from the bytes of the kind.
    static let names = RawValueTable<SubmissionKind>()
}
