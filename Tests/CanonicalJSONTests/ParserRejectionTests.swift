import CanonicalJSON
import Testing

/// Every input the strict parser must refuse, with its stable code, byte offset and JSON path.
@Suite struct ParserRejectionTests {
    @Test func duplicateKey_isRejectedWithPathAndOffsetOfTheSecondName() {
        let text = #"{"submission":{"record":{"capital":1,"capital":2}}}"#
        let error = parseError(text)
        #expect(error?.code == .duplicateKey)
        #expect(error?.path == "submission.record.capital")
        #expect(error?.offset == 37)
    }

    @Test func duplicateKey_isDetectedAfterUnescaping() {
        #expect(parseError(#"{"a":1,"\u0061":2}"#)?.code == .duplicateKey)
        #expect(parseError(#"{"\/":1,"/":2}"#)?.code == .duplicateKey)
        #expect(parseError(#"{"\ud83d\ude00":1,"😀":2}"#)?.code == .duplicateKey)
    }

    @Test func duplicateKey_includesNamesThatDifferOnlyInUnicodeNormalization() {
        let error = parseError("{\"\u{E9}\":1,\"e\u{301}\":2}")
        #expect(error?.code == .duplicateKey)
        #expect(error?.reason.contains("canonically equivalent") == true)
    }

    @Test func sameNameInDifferentObjects_isAccepted() throws {
        let value = try JSONValue.parse(#"{"a":{"a":1},"b":[{"a":2},{"a":3}]}"#)
        #expect(value["b"]?.arrayValue?.count == 2)
    }

    @Test(arguments: [
        ([0xC0, 0xAF], "overlong 2-byte '/'"),
        ([0xE0, 0x80, 0xAF], "overlong 3-byte '/'"),
        ([0xF0, 0x80, 0x80, 0xAF], "overlong 4-byte '/'"),
        ([0xED, 0xA0, 0x80], "UTF-8-encoded high surrogate U+D800"),
        ([0xED, 0xBF, 0xBF], "UTF-8-encoded low surrogate U+DFFF"),
        ([0xF4, 0x90, 0x80, 0x80], "U+110000"),
        ([0xF5, 0x80, 0x80, 0x80], "lead byte F5"),
        ([0xFF], "byte FF"),
        ([0x80], "stray continuation byte"),
        ([0xE6, 0x97], "truncated 3-byte sequence before the closing quote"),
        ([0xE6, 0x41, 0x41], "lead byte followed by ASCII"),
    ] as [([UInt8], String)])
    func invalidUTF8_insideAString_isRejectedAtTheLeadByte(bytes: [UInt8], label: String) {
        let input = Array(#"{"k":"ab"#.utf8) + bytes + Array(#""}"#.utf8)
        let error = parseError(input)
        #expect(error?.code == .invalidUTF8, "\(label)")
        #expect(error?.offset == 8, "\(label)")
        #expect(error?.path == "k", "\(label)")
    }

    @Test func truncatedUTF8_atTheEndOfInput_isRejected() {
        #expect(parseError(Array("\"ab".utf8) + [0xF0, 0x9F, 0x98])?.code == .invalidUTF8)
    }

    @Test func validUTF8_upToTheLastCodePoint_isAccepted() throws {
        let input: [UInt8] = [0x22, 0xC2, 0x80, 0xE0, 0xA0, 0x80, 0xED, 0x9F, 0xBF, 0xEE, 0x80, 0x80,
                              0xF0, 0x90, 0x80, 0x80, 0xF4, 0x8F, 0xBF, 0xBF, 0x22]
        let text = try #require(try JSONValue.parse(input).stringValue)
        #expect(text.unicodeScalars.map(\.value) == [0x80, 0x800, 0xD7FF, 0xE000, 0x10000, 0x10FFFF])
    }

    @Test func nonASCIIByte_outsideAString_isUnexpected() {
        #expect(parseError([0xEF, 0xBB, 0xBF] + Array("{}".utf8))?.code == .unexpectedByte)
        #expect(parseError([0x5B, 0xC2, 0xA0, 0x5D])?.code == .unexpectedByte)
    }

    @Test(arguments: [
        (#"["\ud800"]"#, "high surrogate at the end of the string"),
        (#"["\udc00"]"#, "low surrogate alone"),
        (#"["\ud800\u0041"]"#, "high surrogate followed by a non-surrogate escape"),
        (#"["\ud800x"]"#, "high surrogate followed by a plain character"),
        (#"["\ud800\ud800"]"#, "two high surrogates"),
        (#"["\ude00\ud83d"]"#, "pair in the wrong order"),
    ])
    func loneSurrogateEscape_isRejected(text: String, label: String) {
        let error = parseError(text)
        #expect(error?.code == .loneSurrogate, "\(label)")
        #expect(error?.path == "[0]", "\(label)")
        #expect(error?.offset == 2, "\(label)")
    }

    @Test(arguments: ["1e400", "-1e400", "1.7976931348623159e308", "1e-400", "-2e-324",
                      "1" + String(repeating: "0", count: 400)])
    func numberThatIsNotAFiniteNonzeroDouble_isOutOfRange(literal: String) {
        let error = parseError(#"{"submission":{"record":{"capital":"# + literal + "}}}")
        #expect(error?.code == .numberOutOfRange, "\(literal)")
        #expect(error?.path == "submission.record.capital", "\(literal)")
        #expect(error?.offset == 35, "\(literal)")
    }

    @Test(arguments: ["9007199254740993", "-9007199254740993", "12345678901234567890", "295147905179352821760",
                      "18446744073709551615", "9007199254740993.0", "900719925474099.3e1", "1.0000000000000000001e30"])
    func integerBeyond2to53_thatCanonicalizationWouldChange_isRejected(literal: String) {
        let error = parseError("[1," + literal + "]")
        #expect(error?.code == .numberPrecisionLoss, "\(literal)")
        #expect(error?.path == "[1]", "\(literal)")
    }

    @Test(arguments: ["9007199254740992", "9007199254740994", "-9007199254740992", "1e23", "1E+300",
                      "295147905179352830000", "999999999999999900000", "100000000000000000000000", "0.1",
                      "333333333.33333329", "1.5", "-0", "0e999999999999", "5e-324", "2.4703282292062328e-324",
                      "0.000000000000000000000000000000000000000000000001"])
    func numberInsideTheRules_isAccepted(literal: String) throws {
        let value = try JSONValue.parse(literal)
        #expect(value.numberValue == Double(literal))
    }

    @Test(arguments: [
        ("01", JSONError.Code.leadingZero), ("-01", .leadingZero), ("00.5", .leadingZero),
        ("1.", .invalidNumber), ("-", .invalidNumber), ("-a", .invalidNumber), ("1e", .invalidNumber),
        ("1e+", .invalidNumber), ("1.e5", .invalidNumber), (".5", .unexpectedByte), ("+1", .unexpectedByte),
        ("NaN", .unexpectedByte), ("Infinity", .unexpectedByte), ("-Infinity", .invalidNumber),
        ("0x10", .trailingData), ("1_000", .trailingData), ("1 2", .trailingData),
    ])
    func malformedNumber_isRejectedWithItsOwnCode(literal: String, code: JSONError.Code) {
        #expect(parseError(literal)?.code == code, "\(literal)")
    }

    @Test(arguments: [
        ("{} x", 3), ("[1]]", 3), ("{}{}", 2), ("null\u{0}", 4), ("\"a\" \"b\"", 4), ("true false", 5),
    ])
    func trailingData_afterTheTopLevelValue_isRejected(text: String, offset: Int) {
        let error = parseError(text)
        #expect(error?.code == .trailingData, "\(text)")
        #expect(error?.offset == offset, "\(text)")
    }

    @Test func unescapedControlCharacter_inAString_isRejected() {
        for byte: UInt8 in [0x00, 0x09, 0x0A, 0x0D, 0x1F] {
            let error = parseError(Array(#"{"note":"a"#.utf8) + [byte] + Array(#"b"}"#.utf8))
            #expect(error?.code == .controlCharacter, "byte \(byte)")
            #expect(error?.offset == 10, "byte \(byte)")
            #expect(error?.path == "note", "byte \(byte)")
        }
        // DEL (0x7F) is not a control character in RFC 8259's sense.
        #expect(parseError(Array("\"a".utf8) + [0x7F] + Array("\"".utf8)) == nil)
    }

    @Test(arguments: [#""\x41""#, #""\'""#, #""\U0041""#, #""\u00g0""#, #""\u12""#, #""\ ""#])
    func undefinedOrMalformedEscape_isRejected(text: String) {
        #expect(parseError(text)?.code == .invalidEscape, "\(text)")
    }

    @Test func nesting_atTheDefaultLimitOf64_isAcceptedAndOneDeeperIsRejected() throws {
        let deep = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        _ = try JSONValue.parse(deep)
        let tooDeep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        let error = parseError(tooDeep)
        #expect(error?.code == .tooDeep)
        #expect(error?.offset == 64)
        #expect(error?.reason == "nesting depth 65 exceeds the limit of 64")
    }

    @Test func nesting_limitIsConfigurableAndCountsObjectsToo() {
        let limits = JSONLimits(maxDepth: 2)
        #expect(parseError(#"{"a":[1]}"#, limits: limits) == nil)
        let error = parseError(#"{"a":[{"b":1}]}"#, limits: limits)
        #expect(error?.code == .tooDeep)
        #expect(error?.path == "a[0]")
    }

    @Test func hostileNesting_farBeyondTheCeiling_failsWithATypedError() {
        let limits = JSONLimits(maxDepth: 1_000_000)
        #expect(limits.maxDepth == JSONLimits.depthCeiling)
        let bomb = String(repeating: "[", count: 100_000)
        #expect(parseError(bomb, limits: limits)?.code == .tooDeep)
    }

    @Test func inputLargerThanTheLimit_isRejectedBeforeParsing() {
        let limits = JSONLimits(maxInputBytes: 16)
        #expect(parseError(#"{"a":"01234567"}"#, limits: limits) == nil)
        let error = parseError(#"{"a":"012345678"}"#, limits: limits)
        #expect(error?.code == .inputTooLarge)
        #expect(error?.offset == 0)
        #expect(error?.reason == "input of 17 bytes exceeds the limit of 16 bytes")
    }

    @Test(arguments: [
        ("", JSONError.Code.unexpectedEnd), ("   ", .unexpectedEnd), ("[1,2", .unexpectedEnd),
        (#"{"a":1"#, .unexpectedEnd), (#""abc"#, .unexpectedEnd), ("[1,]", .unexpectedByte),
        (#"{"a":1,}"#, .unexpectedByte), ("{'a':1}", .unexpectedByte), (#"{"a" 1}"#, .unexpectedByte),
        ("[1 2]", .unexpectedByte), ("{a:1}", .unexpectedByte), ("tru", .unexpectedEnd), ("True", .unexpectedByte),
        ("nul", .unexpectedEnd), ("nulL", .unexpectedByte), ("[1]//", .trailingData), ("/*c*/1", .unexpectedByte),
        ("[\u{0C}1]", .unexpectedByte), ("{\"a\":1 ,,\"b\":2}", .unexpectedByte), ("[,1]", .unexpectedByte),
    ])
    func grammarViolation_isRejected(text: String, code: JSONError.Code) {
        #expect(parseError(text)?.code == code, "\(text.debugDescription)")
    }

    @Test func errorDescription_namesCodePathOffsetAndReason() {
        let error = parseError(#"{"numbers":[1,2,01]}"#)
        #expect(error?.description == "leading_zero at numbers[2] (byte 16): a number must not start with a "
            + "superfluous 0")
        let quoted = parseError(#"{"a b":{"x.y":tru}}"#)
        #expect(quoted?.path == #"["a b"]["x.y"]"#)
    }
}
