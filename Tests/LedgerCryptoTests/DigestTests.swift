import Foundation
import Testing
@testable import LedgerCrypto

/// Loads a vector file from `Tests/Vectors` (copied from shared/vectors; public test data).
func loadVector(_ name: String) throws -> [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors").appendingPathComponent(name)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    return try #require(object as? [String: Any])
}

@Suite struct DigestTests {
    @Test func sm3_matchesGBT32905Vectors() throws {
        let file = try loadVector("sm3.json")
        let cases = try #require(file["sm3"] as? [[String: String]])
        #expect(cases.count >= 2)
        for c in cases {
            let input = try #require(c["input"]), want = try #require(c["hex"])
            #expect(HashAlgorithm.sm3.hash(Array(input.utf8)).hex == want)
        }
    }

    @Test func sha256_matchesFIPS180Vectors() {
        #expect(HashAlgorithm.sha256.hash([UInt8]()).hex
            == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(HashAlgorithm.sha256.hash(Array("abc".utf8)).hex
            == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func incrementalDigest_equalsOneShot_andContextIsReusable() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for alg in HashAlgorithm.allCases {
            let ctx = DigestContext(alg)
            ctx.update(data[0..<123])
            ctx.update(byte: data[123])
            ctx.update(data[124...])
            #expect(ctx.finalize() == alg.hash(data))
            // After finalize the context starts afresh.
            ctx.update(data)
            #expect(ctx.finalize() == alg.hash(data))
        }
    }

    @Test func base64_rejectsNonCanonicalSpellings() {
        #expect(Base64.decode("AA==") == [0])
        #expect(Base64.decode("AB==") == nil)      // unused bits set
        #expect(Base64.decode("AAA=") == [0, 0])
        #expect(Base64.decode("AAB=") == nil)
        #expect(Base64.decode("AA") == nil)        // missing padding
        #expect(Base64.decode("A===") == nil)
        #expect(Base64.decode("AA=A") == nil)      // padding inside
        #expect(Base64.decode("AA==AAAA") == nil)
        #expect(Base64.decode("AA A") == nil)
        for n in 0..<40 {
            let bytes = (0..<n).map { UInt8(truncatingIfNeeded: $0 * 37 + n) }
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
        }
        #expect(Base64.encode(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(Base64.encode(Array("fooba".utf8)) == "Zm9vYmE=")
    }

    @Test func hash256_roundTripsHexAndBase64() throws {
        let h = HashAlgorithm.sha256.hash(Array("x".utf8))
        #expect(Hash256(hex: h.hex) == h)
        #expect(Hash256(base64: h.base64) == h)
        #expect(Hash256(bytes: h.bytes) == h)
        #expect(Hash256(bytes: [1, 2, 3]) == nil)
        #expect(Hash256.zero.bytes == [UInt8](repeating: 0, count: 32))
    }
}
