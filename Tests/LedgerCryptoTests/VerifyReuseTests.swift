import Testing
import LedgerCrypto

/// Ed25519 and ECDSA keys reuse prepared verification contexts (`Ed25519VerifyPool`, `ECDSAContextPool`): a
/// context that has just refused a signature, or verified one over another message, must give the next call the
/// same answer a fresh context would.
@Suite struct VerifyReuseTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func oneKey_alternatingGoodAndBadSignatures_answersEachCorrectly(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let messages = (0..<6).map { Array("entry \($0) of the audit".utf8) }
        let signatures = try messages.map { try key.sign($0) }
        for round in 0..<3 {
            for (m, message) in messages.enumerated() {
                var flipped = signatures[m]
                flipped[flipped.count / 2] ^= UInt8(1 << (round % 8))
                #expect(key.publicKey.isValidSignature(signatures[m], for: message))
                #expect(!key.publicKey.isValidSignature(flipped, for: message))
                #expect(!key.publicKey.isValidSignature(signatures[(m + 1) % messages.count], for: message))
                #expect(!key.publicKey.isValidSignature(Array(signatures[m].dropLast()), for: message))
                #expect(!key.publicKey.isValidSignature([], for: message))
                #expect(key.publicKey.isValidSignature(signatures[m], for: message))
                #expect(!key.publicKey.isValidSignature(signatures[m], for: message + [0]))
            }
        }
    }

    @Test func twoKeys_neverAcceptEachOthersSignatures() throws {
        let first = try PrivateKey.generate(.ed25519), second = try PrivateKey.generate(.ed25519)
        let message = Array("same message".utf8)
        let a = try first.sign(message), b = try second.sign(message)
        for _ in 0..<4 {
            #expect(first.publicKey.isValidSignature(a, for: message))
            #expect(!first.publicKey.isValidSignature(b, for: message))
            #expect(second.publicKey.isValidSignature(b, for: message))
            #expect(!second.publicKey.isValidSignature(a, for: message))
        }
    }
}
