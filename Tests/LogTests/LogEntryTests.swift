import Foundation
import Testing
import LedgerCrypto
@testable import Log

@Suite struct TimestampTests {
    @Test func rfc3339_formatsKnownInstants() {
        #expect(Timestamp(millisecondsSinceEpoch: 0).rfc3339 == "1970-01-01T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: 1_795_914_123_456).rfc3339 == "2026-11-29T01:02:03.456Z")  // date -u -d @1795914123
        #expect(Timestamp(millisecondsSinceEpoch: 951_782_400_000).rfc3339 == "2000-02-29T00:00:00.000Z")
        #expect(Timestamp(millisecondsSinceEpoch: -1).rfc3339 == "1969-12-31T23:59:59.999Z")
    }

    @Test func rfc3339_roundTripsAcrossFourCenturies() {
        var ms: Int64 = -2_208_988_800_000  // 1900
        while ms < 7_258_118_400_000 {       // 2200
            let t = Timestamp(millisecondsSinceEpoch: ms)
            #expect(Timestamp(rfc3339: t.rfc3339) == t)
            ms += 86_399_999 * 7 + 12_345
        }
    }

    @Test func rfc3339_rejectsOtherSpellings() {
        for bad in ["2026-11-29T01:02:03Z", "2026-11-29T01:02:03.45Z", "2026-11-29T01:02:03.456+00:00",
                    "2026-11-29t01:02:03.456Z", "2026-02-29T01:02:03.456Z", "2026-13-01T00:00:00.000Z",
                    "2026-11-29T24:00:00.000Z", "2026-11-29T23:59:60.000Z", "2026-11-31T00:00:00.000Z",
                    "2026-11-29T01:02:03.456Z ", "+026-11-29T01:02:03.456Z"] {
            #expect(Timestamp(rfc3339: bad) == nil, "accepted \(bad)")
        }
    }
}

@Suite struct LogEntryTests {
    let payload = Array(#"{"kind":"x","n":[1,2]}"#.utf8)

    @Test func encode_producesCanonicalEnvelopeInJCSKeyOrder() throws {
        let prev = HashAlgorithm.sha256.hash([1])
        let time = Timestamp(rfc3339: "2026-11-29T01:02:03.456Z")!
        let entry = try LogEntry(index: 42, prev: prev, time: time, payload: payload)
        let text = String(decoding: entry.bytes, as: UTF8.self)
        #expect(text == #"{"index":42,"prev":"\#(prev.base64)","submission":{"kind":"x","n":[1,2]},"#
            + #""time":"2026-11-29T01:02:03.456Z","v":1}"#)
        #expect(Array(entry.payload) == payload)
    }

    @Test func decode_roundTripsEncode() throws {
        let entry = try LogEntry(index: 0, prev: .zero, time: .now(), payload: payload)
        let back = try LogEntry(bytes: entry.bytes)
        #expect(back == entry)
        #expect(back.index == 0 && back.prev == .zero && Array(back.payload) == payload)
    }

    @Test func decode_rejectsAnyOtherSpelling() throws {
        let good = String(decoding: try LogEntry(index: 7, prev: .zero, time: .now(), payload: payload).bytes,
                          as: UTF8.self)
        let mutations = [
            good.replacingOccurrences(of: #""index":7"#, with: #""index":07"#),
            good.replacingOccurrences(of: #""index":7"#, with: #""index": 7"#),
            good.replacingOccurrences(of: #""index":7"#, with: #""index":-7"#),
            good.replacingOccurrences(of: #","v":1}"#, with: #","v":2}"#),
            good.replacingOccurrences(of: #""prev":"AAAA"#, with: #""prev":"AAA"#),
            String(good.dropLast()),
            good + " ",
            good.replacingOccurrences(of: #""submission":{"#, with: #""submission":["#),
        ]
        for m in mutations {
            #expect(throws: LogError.self, "accepted \(m)") { try LogEntry(bytes: Array(m.utf8)) }
        }
    }

    /// The index is read in place, digit by digit: it must decide as "the digits parse as a UInt64 that prints as
    /// the same digits and is at most 2^53", around every edge (empty, leading zeros, 2^53 ± 1, UInt64 overflow).
    @Test func decode_index_isAcceptedExactlyWhenCanonicalAndAtMost2To53() throws {
        let good = String(decoding: try LogEntry(index: 7, prev: .zero, time: .now(), payload: payload).bytes,
                          as: UTF8.self)
        var generator = SystemRandomNumberGenerator()
        var digitStrings = ["", "0", "00", "01", "9", "10", "9007199254740991", "9007199254740992",
                            "9007199254740993", "09007199254740992", "18446744073709551615",
                            "18446744073709551616", "99999999999999999999999", "12345678901234567"]
        for _ in 0..<300 {
            let count = Int.random(in: 1...22, using: &generator)
            digitStrings.append(String((0..<count).map { _ in "0123456789".randomElement(using: &generator)! }))
        }
        for digits in digitStrings {
            let bytes = Array(good.replacingOccurrences(of: #""index":7"#, with: #""index":\#(digits)"#).utf8)
            let expected = UInt64(digits).flatMap { String($0) == digits && $0 <= 1 << 53 ? $0 : nil }
            if let expected {
                #expect(try LogEntry(bytes: bytes).index == expected, "\(digits)")
            } else {
                do {
                    _ = try LogEntry(bytes: bytes)
                    Issue.record("accepted index \(digits)")
                } catch {
                    #expect(error.reason == "index \"\(digits)\" is not a canonical non-negative integer")
                }
            }
        }
    }

    @Test func encode_rejectsOversizeEntryAndNonObjectPayload() {
        let big = Array(#"{"a":""#.utf8) + [UInt8](repeating: 0x61, count: 65_500) + Array(#""}"#.utf8)
        #expect(throws: LogError.self) { try LogEntry(index: 1, prev: .zero, time: .now(), payload: big) }
        #expect(throws: LogError.self) { try LogEntry(index: 1, prev: .zero, time: .now(), payload: Array("[1]".utf8)) }
    }
}

@Suite struct EntryBundleTests {
    @Test func bundle_roundTripsAndMatchesWireFormat() throws {
        let entries: [[UInt8]] = [[], [1], Array(repeating: 7, count: 300)]
        let bytes = try EntryBundle.encode(entries)
        #expect(Array(bytes.prefix(5)) == [0, 0, 0, 1, 1])
        #expect(Array(bytes[5..<7]) == [0x01, 0x2C])  // 300, big-endian
        #expect(try EntryBundle.decode(bytes) == entries)
    }

    @Test func bundle_rejectsTruncationAndOverflow() throws {
        let bytes = try EntryBundle.encode([[1, 2, 3], [4, 5]])
        #expect(throws: LogError.self) { try EntryBundle.decode(Array(bytes.dropLast())) }
        #expect(throws: LogError.self) { try EntryBundle.decode([0]) }
        #expect(throws: LogError.self) { try EntryBundle.decode(bytes, maxEntries: 1) }
        #expect(throws: LogError.self) { try EntryBundle.encode([[UInt8](repeating: 0, count: 65_536)]) }
    }
}
