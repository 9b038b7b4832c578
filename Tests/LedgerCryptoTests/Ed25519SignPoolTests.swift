import Testing
@testable import LedgerCrypto

/// `Ed25519SignPool` signs on copies of one prepared context: Ed25519 is deterministic, so every signature must be
/// the one a fresh context makes, however often its working contexts are reused and from however many threads.
@Suite struct Ed25519SignPoolTests {
    static func messages(_ count: Int) -> [[UInt8]] {
        [[]] + (0..<count).map { number in Array(String(repeating: "answer \(number) ", count: number * 40).utf8) }
    }

    @Test func signatures_areTheOnesAFreshContextMakes_andVerify() throws {
        let key = try PrivateKey.generate(.ed25519)
        let pool = try Ed25519SignPool(key: key.pkey)
        for round in 0..<3 {
            for message in Self.messages(8) {
                let pooled = try pool.sign(message)
                let fresh = try SignatureContext().sign(message, key: key.pkey, algorithm: .ed25519)
                #expect(pooled == fresh, "round \(round), \(message.count) bytes")
                #expect(key.publicKey.isValidSignature(pooled, for: message))
                #expect(!key.publicKey.isValidSignature(pooled, for: message + [0]))
            }
        }
        // `PrivateKey.sign` is the pool's.
        #expect(try key.sign([1, 2, 3]) == (try pool.sign([1, 2, 3])))
    }

    @Test func concurrentSignatures_onOnePool_areEachTheirMessages() async throws {
        let key = try PrivateKey.generate(.ed25519)
        let messages = Self.messages(16)
        let expected = try messages.map { try SignatureContext().sign($0, key: key.pkey, algorithm: .ed25519) }
        let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
            for lane in 0..<8 {
                group.addTask {
                    var wrong = 0
                    for round in 0..<40 {
                        let at = (lane + round) % messages.count
                        if try key.sign(messages[at]) != expected[at] { wrong += 1 }
                    }
                    return wrong
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(wrong == 0)
    }
}
