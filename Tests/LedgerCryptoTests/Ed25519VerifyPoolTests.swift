import Testing
@testable import LedgerCrypto

/// `Ed25519VerifyPool` verifies on copies of one prepared context: every verdict must be the one a fresh context
/// gives, however often its working contexts are reused and from however many threads.
@Suite struct Ed25519VerifyPoolTests {
    static func signed(_ count: Int) throws -> (PrivateKey, [(message: [UInt8], signature: [UInt8])]) {
        let key = try PrivateKey.generate(.ed25519)
        let pairs = try (0..<count).map { number in
            let message = Array("submission \(number) of the audit".utf8)
            return (message, try key.sign(message))
        }
        return (key, pairs)
    }

    @Test func validAndInvalidSignatures_interleaved_everyVerdictRight() throws {
        let (key, pairs) = try Self.signed(8)
        let pool = try Ed25519VerifyPool(key: key.publicKey.pkey)
        for round in 0..<3 {
            for (number, pair) in pairs.enumerated() {
                var flipped = pair.signature
                flipped[(number + round) % 64] ^= 0x40
                #expect(pool.verify(pair.signature, message: pair.message))
                #expect(!pool.verify(flipped, message: pair.message))
                #expect(!pool.verify(pair.signature, message: pair.message + [0]))
                #expect(!pool.verify(Array(pair.signature.prefix(63)), message: pair.message))
                #expect(pool.verify(pair.signature, message: pair.message))
            }
        }
        let other = try PrivateKey.generate(.ed25519)
        #expect(!pool.verify(try other.sign(pairs[0].message), message: pairs[0].message))
    }

    @Test func concurrentVerifications_onOnePool_agreeWithTheirSignatures() async throws {
        let (key, pairs) = try Self.signed(16)
        let pool = try Ed25519VerifyPool(key: key.publicKey.pkey)
        let wrong = await withTaskGroup(of: Int.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<50 {
                        let pair = pairs[(lane + round) % pairs.count]
                        let valid = (lane + round) % 3 != 0
                        var signature = pair.signature
                        if !valid { signature[round % 64] ^= 0x01 }
                        if pool.verify(signature, message: pair.message) != valid { wrong += 1 }
                    }
                    return wrong
                }
            }
            return await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
