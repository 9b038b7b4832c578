import Testing
@testable import LedgerCrypto

/// The bit view of `Hash256` against the same questions asked of its bytes one bit at a time.
@Suite struct Hash256BitsTests {
    static func bit(_ bytes: [UInt8], _ i: Int) -> Bool { (bytes[i / 8] >> (7 - UInt8(i % 8))) & 1 == 1 }

    static func samples() -> [Hash256] {
        var out: [Hash256] = [.zero, Hash256(bytes: [UInt8](repeating: 0xFF, count: 32))!]
        for seed in 0..<20 {
            out.append(HashAlgorithm.sha256.hash([UInt8(seed)]))
        }
        return out
    }

    @Test func bit_readsMostSignificantBitOfFirstByteFirst() {
        var bytes = [UInt8](repeating: 0, count: 32)
        bytes[0] = 0x80
        bytes[9] = 0x01
        let hash = Hash256(bytes: bytes)!
        #expect(hash.bit(0))
        #expect(hash.bit(79))
        #expect((0..<256).filter { hash.bit($0) } == [0, 79])
        for sample in Self.samples() {
            #expect((0..<256).map { sample.bit($0) } == (0..<256).map { Self.bit(sample.bytes, $0) })
        }
    }

    @Test func prefixAndSetting_matchBytewiseDefinitions() {
        for sample in Self.samples() {
            for length in [0, 1, 7, 8, 9, 63, 64, 65, 127, 128, 200, 255, 256] {
                let cut = sample.prefix(length).bytes
                #expect((0..<256).allSatisfy { Self.bit(cut, $0) == ($0 < length && Self.bit(sample.bytes, $0)) })
            }
            for index in [0, 5, 63, 64, 130, 255] {
                for value in [false, true] {
                    let changed = sample.setting(bit: index, to: value).bytes
                    #expect((0..<256).allSatisfy {
                        Self.bit(changed, $0) == ($0 == index ? value : Self.bit(sample.bytes, $0))
                    })
                }
            }
        }
    }

    @Test func commonPrefixLengthAndOrder_matchBytewiseDefinitions() {
        let samples = Self.samples()
        for a in samples {
            for index in [0, 3, 64, 100, 191, 255] {
                let b = a.setting(bit: index, to: !a.bit(index))
                #expect(a.commonPrefixLength(with: b) == index)
            }
            #expect(a.commonPrefixLength(with: a) == 256)
            for b in samples {
                #expect(a.lexicographicallyPrecedes(b) == (a < b))
                let shared = (0..<256).first { Self.bit(a.bytes, $0) != Self.bit(b.bytes, $0) } ?? 256
                #expect(a.commonPrefixLength(with: b) == shared)
            }
        }
    }
}
