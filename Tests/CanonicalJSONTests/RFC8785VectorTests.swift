import CanonicalJSON
import Testing

/// The examples of RFC 8785 itself, from Tests/Vectors/rfc8785.json.
@Suite struct RFC8785VectorTests {
    @Test func sampleObject_section3_2_2_canonicalizesToTheRFCOutput() throws {
        let file = try loadVector("rfc8785.json")
        let input = try #require(file["sample"]?["input"]?.stringValue)
        let expected = try #require(file["sample"]?["canonical"]?.stringValue)
        let canonical = try JSONValue.parse(input).canonicalBytes()
        #expect(canonical == Array(expected.utf8))
        // Canonicalization is idempotent: the canonical text is its own canonical form.
        #expect(try JSONValue.parse(canonical).canonicalBytes() == canonical)
    }

    @Test func sortingExample_section3_2_3_ordersNamesByUTF16CodeUnits() throws {
        let file = try loadVector("rfc8785.json")
        let input = try #require(file["sorting"]?["input"]?.stringValue)
        let order = try #require(file["sorting"]?["valuesInOrder"]?.arrayValue).compactMap(\.stringValue)
        let canonical = try JSONValue.parse(input).canonicalString
        let expected = "{" + [
            (#""\r""#, order[0]), (#""1""#, order[1]), ("\"\u{80}\"", order[2]), ("\"\u{F6}\"", order[3]),
            ("\"\u{20AC}\"", order[4]), ("\"\u{1F600}\"", order[5]), ("\"\u{FB33}\"", order[6]),
        ].map { "\($0.0):\"\($0.1)\"" }.joined(separator: ",") + "}"
        #expect(canonical == expected)
        #expect(order.count == 7)
    }

    @Test func sortingExample_withJapaneseName_placesItBetweenEuroAndTheSurrogatePair() throws {
        // By code point U+1F600 sorts after U+FB33; by UTF-16 units (D83D DE00) it sorts before.
        // 日本語 starts with U+65E5, between U+20AC and the surrogates.
        let value: JSONValue = [
            "\u{20AC}": 1, "\r": 2, "\u{FB33}": 3, "1": 4, "\u{1F600}": 5, "\u{80}": 6, "\u{F6}": 7, "日本語": 8,
        ]
        #expect(value.canonicalString == "{\"\\r\":2,\"1\":4,\"\u{80}\":6,\"\u{F6}\":7,\"\u{20AC}\":1,"
            + "\"日本語\":8,\"\u{1F600}\":5,\"\u{FB33}\":3}")
    }

    @Test func appendixB_finiteNumbers_serializeAsECMAScriptAndParseBackToTheSameDouble() throws {
        let file = try loadVector("rfc8785.json")
        let rows = try #require(file["numbers"]?.arrayValue)
        var checked = 0
        for row in rows {
            let hex = try #require(row["ieee"]?.stringValue)
            let bits = try #require(UInt64(hex, radix: 16))
            guard let expected = row["canonical"]?.stringValue else { continue }
            let value = Double(bitPattern: bits)
            #expect(JSONValue.number(value).canonicalString == expected, "ieee \(String(bits, radix: 16))")
            let reparsed = try #require(try JSONValue.parse(expected).numberValue)
            #expect(reparsed == value, "ieee \(String(bits, radix: 16))")
            checked += 1
        }
        #expect(checked == 24)
    }

    @Test func appendixB_nanAndInfinity_areRefusedByTheEncoder() throws {
        let file = try loadVector("rfc8785.json")
        let rows = try #require(file["numbers"]?.arrayValue).filter { $0["canonical"]?.isNull == true }
        #expect(rows.count == 2)
        for row in rows {
            let hex = try #require(row["ieee"]?.stringValue)
            let bits = try #require(UInt64(hex, radix: 16))
            let error = #expect(throws: JSONError.self) {
                _ = try CanonicalJSONEncoder().encode(["x": Double(bitPattern: bits)])
            }
            #expect(error?.code == .invalidValue)
            #expect(error?.path == "x")
        }
    }
}
