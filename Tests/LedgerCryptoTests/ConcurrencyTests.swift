import Foundation
import Testing
import LedgerCrypto

/// Keys are shared between threads (STYLE.md): one `PublicKey` verifying on many threads at once must give
/// every thread the right answer, and a shared `PrivateKey` must sign correctly from many threads.
@Suite struct ConcurrencyTests {
    @Test(arguments: SignatureAlgorithm.allCases)
    func sharedKey_verifiesAndSignsConcurrently(_ algorithm: SignatureAlgorithm) throws {
        let key = try PrivateKey.generate(algorithm)
        let messages = (0..<16).map { Array("message \($0)".utf8) }
        let signatures = try messages.map { try key.sign($0) }
        let iterations = 64  // several per core, so the threads really overlap
        let failures = Counter()
        DispatchQueue.concurrentPerform(iterations: iterations) { i in
            let m = i % messages.count
            var wrong = 0
            // Valid signature: must verify; a neighbour's signature: must not.
            if !key.publicKey.isValidSignature(signatures[m], for: messages[m]) { wrong += 1 }
            if key.publicKey.isValidSignature(signatures[(m + 1) % messages.count], for: messages[m]) { wrong += 1 }
            let fresh = try? key.sign(messages[m])
            if !key.publicKey.isValidSignature(fresh ?? [], for: messages[m]) { wrong += 1 }
            failures.add(wrong)
        }
        #expect(failures.value == 0)
    }
}

/// A lock-guarded tally of failures seen by the worker threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0  // guarded by `lock`

    func add(_ n: Int) { lock.withLock { count += n } }
    var value: Int { lock.withLock { count } }
}
