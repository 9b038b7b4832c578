import CanonicalJSON
import Testing

/// The parser builds an error's path only while the error propagates, and checks member names for duplicates when
/// an object ends or fails. These pin the exact errors at the edges of that: deep paths through arrays
/// of objects, a duplicate after many members, and which of two problems in one document is reported (the first).
@Suite struct ParserErrorPathTests {
    private func expectError(_ text: String, _ code: JSONError.Code, at offset: Int, path: String, _ reason: String,
                             sourceLocation: SourceLocation = #_sourceLocation) {
        let error = parseError(text)
        #expect(error == JSONError(code, offset: offset, path: path, reason), sourceLocation: sourceLocation)
    }

    @Test func errorDeepInsideArraysOfObjects_namesEveryMemberAndIndexOnTheWay() {
        expectError(#"{"a":[{"b":1},{"c":[1,{"d":tru}]}]}"#, .unexpectedByte, at: 27, path: "a[1].c[1].d",
                    "not a JSON literal; only true, false and null are")
        expectError("[0,1,2,3,4,5,6,7,8,9,10,-]", .invalidNumber, at: 24, path: "[11]",
                    "'-' must be followed by a digit")
    }

    @Test func errorAfterAMembersValue_isAtTheObjectsPath_notTheMembers() {
        expectError(#"{"a":{"b":1 "c":2}}"#, .unexpectedByte, at: 12, path: "a",
                    #"byte '"' (0x22) where ',' or '}' was expected"#)
    }

    @Test func duplicateAfterFortyMembers_insideAnArray_isNamedWithItsOffsetAndPath() {
        let members = (0..<40).map { #""m\#(String(format: "%02d", $0))":\#($0)"# }.joined(separator: ",")
        let text = #"[{"x":{"# + members + #","m07":true}}]"#
        expectError(text, .duplicateKey, at: 357, path: "[0].x.m07", #"member name "m07" appears twice in one object"#)
    }

    @Test func duplicate_isReportedBeforeAnyLaterProblemInTheSameObject() {
        let reason = #"member name "k" appears twice in one object"#
        expectError(#"{"k":1,"z":2,"k":{"y":tru}}"#, .duplicateKey, at: 13, path: "k", reason)
        expectError(#"{"k":1,"k"}"#, .duplicateKey, at: 7, path: "k", reason)
        expectError(#"{"k":1,"k""#, .duplicateKey, at: 7, path: "k", reason)
        expectError(#"{"k":1,"k":"#, .duplicateKey, at: 7, path: "k", reason)
        expectError(#"{"k":1,"k":2,"#, .duplicateKey, at: 7, path: "k", reason)
    }

    @Test func problemBeforeADuplicate_isReportedInsteadOfIt() {
        expectError(#"{"k":tru,"k":1}"#, .unexpectedByte, at: 5, path: "k",
                    "not a JSON literal; only true, false and null are")
    }

    @Test func nestedDuplicates_theFirstInTheDocumentWins() {
        expectError(#"{"a":{"b":1,"b":2},"a":1}"#, .duplicateKey, at: 12, path: "a.b",
                    #"member name "b" appears twice in one object"#)
        expectError(#"{"a":1,"a":{"b":1,"b":2}}"#, .duplicateKey, at: 7, path: "a",
                    #"member name "a" appears twice in one object"#)
    }

    @Test func canonicallyEquivalentDuplicate_insideAnArray_namesBothSpellings() {
        let text = "[{\"z\":0,\"\u{E9}\":1,\"e\u{301}\":2}]"
        let error = parseError(text)
        #expect(error?.code == .duplicateKey)
        #expect(error?.offset == 15)
        #expect(error?.path == "[0][\"e\u{301}\"]")
        #expect(error?.reason == "member name \"e\u{301}\" is canonically equivalent to the earlier name \"\u{E9}\"")
    }

    @Test func integerLiterals_keepTheirSignAndCanonicalVerdict_aroundFifteenDigits() throws {
        let negativeZero = try JSONValue.parseCheckingCanonical(Array("-0".utf8))
        #expect(negativeZero.value.numberValue?.sign == .minus)
        #expect(!negativeZero.isCanonical)
        for literal in ["0", "7", "-7", "123456789012345", "-999999999999999", "1234567890123456"] {
            let parsed = try JSONValue.parseCheckingCanonical(Array(literal.utf8))
            #expect(parsed.value.numberValue == Double(literal), "\(literal)")
            #expect(parsed.isCanonical, "\(literal)")
        }
        #expect(parseError("[-01]")?.code == .leadingZero)
        #expect(parseError("[12,]")?.code == .unexpectedByte)
    }

    @Test func memberOrder_isJudgedOnUnescapedNames_notTheirSpelling() throws {
        #expect(try JSONValue.parseCheckingCanonical(Array(#"{"a":1,"ab":2,"b":3}"#.utf8)).isCanonical)
        #expect(try !JSONValue.parseCheckingCanonical(Array(#"{"ab":1,"a":2}"#.utf8)).isCanonical)
        // `\n` (0x0A) sorts before `A` (0x41) by value, though its spelling's backslash (0x5C) sorts after.
        #expect(try JSONValue.parseCheckingCanonical(Array(#"{"\n":1,"A":2}"#.utf8)).isCanonical)
        #expect(try !JSONValue.parseCheckingCanonical(Array(#"{"A":1,"\n":2}"#.utf8)).isCanonical)
    }
}
