import LedgerCrypto

/// One crypto measurement: a metric name as `Scripts/bench-crypto` knows it, the per-thread operation and the
/// unit conversion from operations per second.
struct CryptoBenchCase: Sendable {
    let metric: String
    /// Operations per second are divided by this (1 for ops/s; 10^6 / 16384 for MB/s of 16 KiB inputs).
    let divisor: Double
    let makeWorker: @Sendable () -> () -> Bool

    /// Every case, keys generated once and shared by all threads, as the daemon shares department keys.
    static func all(messageBytes: Int) throws -> [CryptoBenchCase] {
        let message = (0..<messageBytes).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        var cases: [CryptoBenchCase] = []
        for algorithm in SignatureAlgorithm.allCases {
            let key = try PrivateKey.generate(algorithm)
            let publicKey = key.publicKey
            let signature = try key.sign(message)
            cases.append(CryptoBenchCase(metric: "\(algorithm.rawValue).sign", divisor: 1) {
                { (try? key.sign(message)) != nil }
            })
            cases.append(CryptoBenchCase(metric: "\(algorithm.rawValue).verify", divisor: 1) {
                { publicKey.isValidSignature(signature, for: message) }
            })
        }
        let small = [UInt8](repeating: 0x5a, count: 64)
        let large = [UInt8](repeating: 0xa5, count: 16_384)
        for hash in HashAlgorithm.allCases {
            let expectedSmall = hash.hash(small)
            let expectedLarge = hash.hash(large)
            // A reused context per thread: the way Merkle hashing uses it.
            cases.append(CryptoBenchCase(metric: "\(hash.rawValue).hash64", divisor: 1) {
                let context = DigestContext(hash)
                return {
                    context.update(small)
                    return context.finalize() == expectedSmall
                }
            })
            cases.append(CryptoBenchCase(metric: "\(hash.rawValue).mb16k", divisor: 1e6 / 16_384) {
                let context = DigestContext(hash)
                return {
                    context.update(large)
                    return context.finalize() == expectedLarge
                }
            })
        }
        return cases
    }
}
