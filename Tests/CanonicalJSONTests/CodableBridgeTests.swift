import CanonicalJSON
import Foundation
import Testing

private struct Entry: Codable, Equatable {
    var v: Int
    var index: UInt64
    var submission: Submission
}

private struct Submission: Codable, Equatable {
    var kind: Kind
    var department: String
    var record: Record
    var note: String?
    var body: JSONValue?
}

private enum Kind: String, Codable, CaseIterable {
    case licenseIssue = "license.issue"
    case sealIssue = "seal.issue"
}

private struct Record: Codable, Equatable {
    var uscc: String
    var capital: Int64
    var ratio: Double
    var seals: [Seal]
    var quotas: [String: Int]
}

private struct Seal: Codable, Equatable {
    var type: String
    var active: Bool
}

private let sample = Entry(
    v: 1, index: 42,
    submission: Submission(
        kind: .licenseIssue, department: "xy-amr",
        record: Record(uscc: "91350100M000100Y43", capital: 5_000_000, ratio: 0.25,
                       seals: [Seal(type: "legal-name", active: true), Seal(type: "finance", active: false)],
                       quotas: ["b": 2, "a": 1]),
        note: nil, body: ["z": [1, "two"], "a": nil]))

private let sampleCanonical = #"{"index":42,"submission":{"body":{"a":null,"z":[1,"two"]},"department":"xy-amr","#
    + #""kind":"license.issue","record":{"capital":5000000,"quotas":{"a":1,"b":2},"ratio":0.25,"#
    + #""seals":[{"active":true,"type":"legal-name"},{"active":false,"type":"finance"}],"#
    + #""uscc":"91350100M000100Y43"}},"v":1}"#

/// A fixed-length pair read through an unkeyed container, for the short-array error.
private struct Pair: Codable, Equatable {
    var first: Int
    var second: Int

    init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        first = try container.decode(Int.self)
        second = try container.decode(Int.self)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        try container.encode(first)
        try container.encode(second)
    }
}

/// Encodes two values into one single-value container: a misuse Foundation's encoder traps on.
private struct DoubleWrite: Encodable {
    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(1)
        try container.encode(2)
    }
}

private func decodeError<T: Decodable>(_ type: T.Type, _ text: String, strict: Bool = true) -> JSONError? {
    do {
        _ = try CanonicalJSONDecoder(rejectUnknownKeys: strict).decode(type, from: Array(text.utf8))
        return nil
    } catch {
        return error
    }
}

private func encodeError<T: Encodable>(_ value: T) -> JSONError? {
    do {
        _ = try CanonicalJSONEncoder().encode(value)
        return nil
    } catch {
        return error
    }
}

@Suite struct CodableBridgeTests {
    @Test func nestedStructs_encodeToCanonicalBytes_andDecodeBackEqual() throws {
        let bytes = try CanonicalJSONEncoder().encode(sample)
        #expect(String(decoding: bytes, as: UTF8.self) == sampleCanonical)
        let decoded = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Entry.self, from: bytes)
        #expect(decoded == sample)
        #expect(try CanonicalJSONEncoder().encode(decoded) == bytes)
    }

    @Test func encodeValue_allowsDroppingAMemberBeforeCanonicalizing() throws {
        var tree = try CanonicalJSONEncoder().encodeValue(sample.submission)
        guard case .object(var members) = tree else { Issue.record("not an object"); return }
        members["record"] = nil
        tree = .object(members)
        #expect(tree.canonicalString == #"{"body":{"a":null,"z":[1,"two"]},"department":"xy-amr","#
            + #""kind":"license.issue"}"#)
    }

    @Test func unknownKey_inANestedRecord_isRejectedWithItsPath() {
        let text = sampleCanonical.replacingOccurrences(of: #""capital":"#, with: #""colour":"red","capital":"#)
        let error = decodeError(Entry.self, text)
        #expect(error?.code == .unknownKey)
        #expect(error?.path == "submission.record.colour")
        #expect(error?.offset == nil)
        #expect(decodeError(Entry.self, text, strict: false) == nil)
    }

    @Test func unknownKey_insideAnArrayElement_andAtTheRoot_isRejectedWithItsPath() {
        let inSeal = sampleCanonical.replacingOccurrences(of: #""type":"finance""#,
                                                          with: #""type":"finance","shape":"round""#)
        #expect(decodeError(Entry.self, inSeal)?.path == "submission.record.seals[1].shape")
        let atRoot = sampleCanonical.replacingOccurrences(of: #","v":1}"#, with: #","v":1,"w":2}"#)
        #expect(decodeError(Entry.self, atRoot)?.path == "w")
    }

    @Test func rawJSONValueField_keepsItsMembers_evenWhenRejectingUnknownKeys() throws {
        let text = sampleCanonical.replacingOccurrences(of: #""a":null"#, with: #""a":{"anything":[true]}"#)
        let decoded = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Entry.self, from: Array(text.utf8))
        #expect(decoded.submission.body?["a"] == ["anything": [true]])
    }

    @Test func missingKey_isReportedWithThePathOfTheAbsentMember() {
        let text = sampleCanonical.replacingOccurrences(of: #""capital":5000000,"#, with: "")
        let error = decodeError(Entry.self, text)
        #expect(error?.code == .missingKey)
        #expect(error?.path == "submission.record.capital")
    }

    @Test func unknownEnumValue_namesTheAcceptedValues_andOnlyThePrefixOfWhatWasSent() {
        let short = decodeError(Entry.self, sampleCanonical.replacingOccurrences(of: "license.issue", with: "bogus"))
        #expect(short?.code == .invalidValue)
        #expect(short?.path == "submission.kind")
        #expect(short?.reason == #"must be one of license.issue, seal.issue; got "bogus""#)
        let long = String(repeating: "x", count: 1000)
        let cut = decodeError(Entry.self, sampleCanonical.replacingOccurrences(of: "license.issue", with: long))
        #expect(cut?.reason == "must be one of license.issue, seal.issue; got \"\(long.prefix(32))…\"")
    }

    @Test func typeMismatch_isReportedWithPath_andNoCoercionHappens() {
        let asString = sampleCanonical.replacingOccurrences(of: "5000000", with: #""5000000""#)
        let error = decodeError(Entry.self, asString)
        #expect(error?.code == .typeMismatch)
        #expect(error?.path == "submission.record.capital")
        #expect(error?.reason == "expected number, found string")
        let nullActive = sampleCanonical.replacingOccurrences(of: #""active":true"#, with: #""active":null"#)
        #expect(decodeError(Entry.self, nullActive)?.path == "submission.record.seals[0].active")
        let numberAsBool = sampleCanonical.replacingOccurrences(of: #""active":true"#, with: #""active":1"#)
        #expect(decodeError(Entry.self, numberAsBool)?.code == .typeMismatch)
    }

    @Test func nullOptional_decodesAsNil_andNilIsOmittedWhenEncoding() throws {
        let text = sampleCanonical.replacingOccurrences(of: #""department""#, with: #""note":null,"department""#)
        let decoded = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Entry.self, from: Array(text.utf8))
        #expect(decoded.submission.note == nil)
        #expect(!(try CanonicalJSONEncoder().encodeValue(decoded)).canonicalString.contains("note"))
    }

    @Test func fractionalNumber_intoAnInteger_isNotAnInteger() {
        let text = sampleCanonical.replacingOccurrences(of: "5000000", with: "5000000.5")
        let error = decodeError(Entry.self, text)
        #expect(error?.code == .notAnInteger)
        #expect(error?.path == "submission.record.capital")
        // 1e2 is the integer 100: the spelling does not matter, the value does.
        #expect(decodeError(Int.self, "1e2") == nil)
    }

    @Test(arguments: [
        ("9007199254740992", "UInt64"), ("-9007199254740992", "Int64"), ("300", "UInt8"), ("-1", "UInt"),
        ("128", "Int8"), ("4294967296", "UInt32"), ("1e300", "Int"),
    ])
    func integerOutsideTheTypeOrOutside2to53_isOutOfRange(literal: String, type: String) {
        let error: JSONError? = switch type {
        case "UInt64": decodeError(UInt64.self, literal)
        case "Int64": decodeError(Int64.self, literal)
        case "UInt8": decodeError(UInt8.self, literal)
        case "UInt": decodeError(UInt.self, literal)
        case "Int8": decodeError(Int8.self, literal)
        case "UInt32": decodeError(UInt32.self, literal)
        default: decodeError(Int.self, literal)
        }
        #expect(error?.code == .integerOutOfRange, "\(literal) as \(type)")
    }

    @Test func largestExactIntegers_decodeIntoUInt64AndInt64() throws {
        let decoder = CanonicalJSONDecoder()
        #expect(try decoder.decode(UInt64.self, from: Array("9007199254740991".utf8)) == 9_007_199_254_740_991)
        #expect(try decoder.decode(Int64.self, from: Array("-9007199254740991".utf8)) == -9_007_199_254_740_991)
    }

    @Test func encoder_refusesIntegersBeyond2to53_andNonFiniteDoubles_withTheirPath() {
        var entry = sample
        entry.index = 1 << 53
        let error = encodeError(entry)
        #expect(error?.code == .integerOutOfRange)
        #expect(error?.path == "index")
        entry.index = (1 << 53) - 1
        #expect(encodeError(entry) == nil)
        #expect(encodeError([Int64.min])?.path == "[0]")
        var bad = sample
        bad.submission.record.ratio = .nan
        #expect(encodeError(bad)?.code == .invalidValue)
        #expect(encodeError(bad)?.path == "submission.record.ratio")
        #expect(encodeError(["x": JSONValue.number(.infinity)])?.path == "x")
    }

    @Test func float_isWidenedToTheDoubleItEquals() throws {
        #expect(String(decoding: try CanonicalJSONEncoder().encode([Float(0.1)]), as: UTF8.self)
            == "[0.10000000149011612]")
    }

    @Test func unknownEnumValue_isInvalidWithItsPath() {
        let text = sampleCanonical.replacingOccurrences(of: "license.issue", with: "license.forge")
        let error = decodeError(Entry.self, text)
        #expect(error?.code == .invalidValue)
        #expect(error?.path == "submission.kind")
    }

    @Test func shortArray_forAFixedLengthType_isMissingElementWithIndex() throws {
        let error = decodeError([Pair].self, "[[1,2],[3]]")
        #expect(error?.code == .missingElement)
        #expect(error?.path == "[1][1]")
        #expect(try CanonicalJSONDecoder().decode(Pair.self, from: Array("[3,4]".utf8)).second == 4)
    }

    @Test func parseErrors_passThroughTheDecoderWithTheirOffset() {
        let error = decodeError(Entry.self, #"{"v":1,"v":2}"#)
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 7)
    }

    @Test func encoderMisuse_isATypedErrorNotATrap() {
        #expect(encodeError(DoubleWrite())?.code == .invalidValue)
    }
}
