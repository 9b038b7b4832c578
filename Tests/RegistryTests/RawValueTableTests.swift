import LedgerCrypto
@testable import Registry
import Testing

/// `RawValueTable` finds a kind or a hash algorithm from the bytes of its name in the fast readers; it must answer
/// exactly what `init(rawValue:)` answers, for every name and every near miss.
@Suite struct RawValueTableTests {
    /// Each name, and each with one byte dropped, added, changed in case or replaced, and a few strangers.
    static func texts(around names: [String]) -> [String] {
        var texts = ["", "=", "license", "license.", "seal.issue ", " seal.issue", "SHA256", "sm3\u{0}", "基准"]
        for name in names {
            let bytes = Array(name.utf8)
            texts.append(name)
            for index in bytes.indices {
                var dropped = bytes, added = bytes, replaced = bytes, cased = bytes
                dropped.remove(at: index)
                added.insert(UInt8(ascii: "e"), at: index)
                replaced[index] = bytes[index] == UInt8(ascii: "x") ? UInt8(ascii: "y") : UInt8(ascii: "x")
                cased[index] ^= 0x20
                texts += [dropped, added, replaced, cased].map { String(decoding: $0, as: UTF8.self) }
            }
        }
        return texts
    }

    @Test func submissionKinds_areFoundAsByRawValue() {
        var found = 0
        let names = SubmissionKind.allCases.map(\.rawValue) + HashAlgorithm.allCases.map(\.rawValue)
        for text in Self.texts(around: names) {
            var copy = text
            let answer = copy.withUTF8 { SubmissionKind.names.value(utf8: $0) }
            #expect(answer == SubmissionKind(rawValue: text), "\(text)")
            if answer != nil { found += 1 }
        }
        #expect(found == SubmissionKind.allCases.count)
    }

    @Test func hashAlgorithms_areFoundAsByRawValue() {
        var found = 0
        for text in Self.texts(around: HashAlgorithm.allCases.map(\.rawValue) + ["license.issue"]) {
            var copy = text
            let answer = copy.withUTF8 { HashAlgorithm.names.value(utf8: $0) }
            #expect(answer == HashAlgorithm(rawValue: text), "\(text)")
            if answer != nil { found += 1 }
        }
        #expect(found == HashAlgorithm.allCases.count)
    }
}
