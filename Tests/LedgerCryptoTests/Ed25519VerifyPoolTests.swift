import Synchronization
import Testing
@testable import LedgerCrypto

/// `Ed25519VerifyPool` reuses prepared contexts, which OpenSSL 3.0 allows; later releases may refuse a second
/// `EVP_DigestVerify` on one context. Played here by an attempt that answers once per context and errors after.
@Suite struct Ed25519VerifyPoolTests {
    /// Counts attempts and how often each context has been used; refuses a context's second use when asked to.
    final class Recorder: Sendable {
        let attempts = Mutex(0)
        let uses = Mutex<[ObjectIdentifier: Int]>([:])
        let refuseSecondUse: Bool

        init(refuseSecondUse: Bool) { self.refuseSecondUse = refuseSecondUse }

        func attempt(_ context: Ed25519VerifyPool.Context, _ signature: [UInt8], _ message: [UInt8]) -> Int32 {
            attempts.withLock { $0 += 1 }
            let use = uses.withLock { uses in
                uses[ObjectIdentifier(context), default: 0] += 1
                return uses[ObjectIdentifier(context)]!
            }
            if refuseSecondUse, use > 1 { return -1 }
            return Ed25519VerifyPool.digestVerify(context, signature, message)
        }
    }

    static func signed(_ count: Int) throws -> (PrivateKey, [(message: [UInt8], signature: [UInt8])]) {
        let key = try PrivateKey.generate(.ed25519)
        let pairs = try (0..<count).map { number in
            let message = Array("submission \(number) of the audit".utf8)
            return (message, try key.sign(message))
        }
        return (key, pairs)
    }

    @Test func contextsRefusingASecondUse_reuseStopsAtTheFirstRefusal_andEveryVerdictIsRight() throws {
        let (key, pairs) = try Self.signed(6)
        let recorder = Recorder(refuseSecondUse: true)
        let pool = try Ed25519VerifyPool(key: key.publicKey.pkey, attempt: recorder.attempt)

        #expect(pool.verify(pairs[0].signature, message: pairs[0].message))   // a new context: its first use
        #expect(pool.reusesContexts)
        #expect(pool.verify(pairs[1].signature, message: pairs[1].message))   // reused, refused, fresh says valid
        #expect(!pool.reusesContexts)
        let attemptsWhenReuseStopped = recorder.attempts.withLock { $0 }
        #expect(attemptsWhenReuseStopped == 2)

        for (number, pair) in pairs.enumerated() {
            var flipped = pair.signature
            flipped[number] ^= 0x40
            #expect(pool.verify(pair.signature, message: pair.message))
            #expect(!pool.verify(flipped, message: pair.message))
            #expect(!pool.verify(pair.signature, message: pair.message + [0]))
        }
        // Every later call went straight to a fresh context: no attempt wasted on a prepared one.
        #expect(recorder.attempts.withLock { $0 } == attemptsWhenReuseStopped)
    }

    @Test func invalidSignaturesAlone_neverStopReuse() throws {
        let (key, pairs) = try Self.signed(4)
        let recorder = Recorder(refuseSecondUse: false)
        let pool = try Ed25519VerifyPool(key: key.publicKey.pkey, attempt: recorder.attempt)
        #expect(pool.verify(pairs[0].signature, message: pairs[0].message))
        for pair in pairs {
            #expect(!pool.verify(pair.signature, message: pair.message + [1]))
            #expect(!pool.verify(Array(pair.signature.reversed()), message: pair.message))
            #expect(pool.reusesContexts)
        }
    }

    @Test(.enabled(if: Ed25519VerifyPool.runtimeIsOpenSSL30, "the reuse this pool was measured on is OpenSSL 3.0's"))
    func openSSL30_verifiesTwiceWithOneContext_soReuseStaysOn() throws {
        let (key, pairs) = try Self.signed(8)
        let recorder = Recorder(refuseSecondUse: false)
        let pool = try Ed25519VerifyPool(key: key.publicKey.pkey, attempt: recorder.attempt)
        for pair in pairs + pairs { #expect(pool.verify(pair.signature, message: pair.message)) }
        // One context, made once, answered all sixteen calls.
        #expect(recorder.uses.withLock { $0.count } == 1)
        #expect(pool.reusesContexts)
    }
}
