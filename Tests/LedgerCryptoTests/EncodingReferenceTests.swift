import Testing
@testable import LedgerCrypto

/// The table-driven decoders of `Base64` and `Hex` (every signature and digest of an audit goes through them)
/// against plain reference decoders written from RFC 4648, on random texts near the valid ones.
@Suite struct EncodingReferenceTests {
    /// A small deterministic generator (xorshift64*), so that a failure replays.
    struct Generator {
        var state: UInt64

        mutating func next(_ bound: Int) -> Int {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return Int((state &* 0x2545_F491_4F6C_DD1D) >> 33) % bound
        }
    }

    static let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// RFC 4648 §4 with the strict rules of `Base64`: whole quads, at most two `=` and only at the end, and the
    /// bits the padding drops all zero.
    static func referenceBase64(_ text: [UInt8]) -> [UInt8]? {
        guard text.count % 4 == 0 else { return nil }
        let padding = text.reversed().prefix { $0 == UInt8(ascii: "=") }.count
        guard padding <= 2 else { return nil }
        var out: [UInt8] = [], bits: UInt32 = 0, held = 0
        for char in text.dropLast(padding) {
            guard let value = base64Alphabet.firstIndex(of: char) else { return nil }
            bits = bits << 6 | UInt32(value)
            held += 6
            if held >= 8 {
                held -= 8
                out.append(UInt8(bits >> UInt32(held) & 0xFF))
            }
            bits &= (1 << UInt32(held)) - 1
        }
        return bits == 0 ? out : nil
    }

    /// Pairs of hex digits; `upper` says whether A–F count.
    static func referenceHex(_ text: [UInt8], upper: Bool) -> [UInt8]? {
        let digits = Array("0123456789abcdef".utf8), capitals = Array("ABCDEF".utf8)
        func value(_ char: UInt8) -> UInt8? {
            if let index = digits.firstIndex(of: char) { return UInt8(index) }
            if upper, let index = capitals.firstIndex(of: char) { return UInt8(10 + index) }
            return nil
        }
        guard text.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        for pair in stride(from: 0, to: text.count, by: 2) {
            guard let high = value(text[pair]), let low = value(text[pair + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    @Test func base64Decode_answersAsTheReference_onEncodingsAndTheirMutants() {
        var generator = Generator(state: 0xB64_0001)
        let strangers = Array("=-_ .\n\u{7F}".utf8) + [0x80, 0xC3, 0xFF, 0x00]
        var decoded = 0, refused = 0
        for round in 0..<20_000 {
            let bytes = (0..<generator.next(70)).map { _ in UInt8(generator.next(256)) }
            var text = Array(Base64.encode(bytes).utf8)
            for _ in 0..<(round % 3 == 0 ? 0 : generator.next(3) + 1) where !text.isEmpty {
                let place = generator.next(text.count)
                switch generator.next(4) {
                case 0: text[place] = strangers[generator.next(strangers.count)]
                case 1: text[place] = Self.base64Alphabet[generator.next(64)]
                case 2: text.remove(at: place)
                default: text.insert(UInt8(ascii: "="), at: place)
                }
            }
            let answer = text.withUnsafeBufferPointer { Base64.decode(utf8: $0) }
            #expect(answer == Self.referenceBase64(text), "\(String(decoding: text, as: UTF8.self))")
            if round % 3 == 0 { #expect(answer == bytes) }
            if answer == nil { refused += 1 } else { decoded += 1 }
        }
        #expect(decoded > 7_000 && refused > 7_000)
    }

    /// A digest read from base64 in place (the `prev` of every entry) decodes on the stack: the same answers as
    /// the reference, for encodings of 32 bytes, their mutants and other lengths.
    @Test func hash256FromBase64_answersAsTheReference() {
        var generator = Generator(state: 0xB64_0002)
        var decoded = 0, refused = 0
        for round in 0..<10_000 {
            let bytes = (0..<(round % 4 == 0 ? generator.next(40) : 32)).map { _ in UInt8(generator.next(256)) }
            var text = Array(Base64.encode(bytes).utf8)
            if round % 2 == 1, !text.isEmpty {
                text[generator.next(text.count)] = [UInt8(ascii: "="), UInt8(ascii: "A"), 0x80][generator.next(3)]
            }
            let answer = text.withUnsafeBufferPointer { Hash256(base64UTF8: $0) }
            let reference = Self.referenceBase64(text).flatMap { $0.count == 32 ? $0 : nil }
            #expect(answer?.bytes == reference, "\(String(decoding: text, as: UTF8.self))")
            if answer == nil { refused += 1 } else { decoded += 1 }
        }
        #expect(decoded > 3_000 && refused > 3_000)
    }

    @Test func hexDecode_answersAsTheReference_inEitherCase_andLowerCaseOnlyForDigests() {
        var generator = Generator(state: 0x4E8_0001)
        let pool = Array("0123456789abcdefABCDEFgG/:@`".utf8) + [0x00, 0x80, 0xFF]
        var decoded = 0, lowerDecoded = 0, refused = 0
        for round in 0..<20_000 {
            let count = round % 2 == 0 ? 64 : generator.next(70)
            // Lower-case digits only, digits of either case, or anything.
            let choices = [16, 22, pool.count][min(round % 5, 2)]
            let text = (0..<count).map { _ in pool[generator.next(choices)] }
            let either = text.withUnsafeBufferPointer { Hex.decode(utf8: $0) }
            #expect(either == Self.referenceHex(text, upper: true), "\(text)")
            let lower = text.withUnsafeBufferPointer { Hash256(lowerHexUTF8: $0) }
            let reference = count == 64 ? Self.referenceHex(text, upper: false) : nil
            #expect(lower?.bytes == reference, "\(text)")
            if either == nil { refused += 1 } else { decoded += 1 }
            if lower != nil { lowerDecoded += 1 }
        }
        #expect(decoded > 4_000 && lowerDecoded > 1_000 && refused > 5_000)
    }
}
