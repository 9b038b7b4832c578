public import LedgerCrypto

/// The salted digest of data one department shared with another (`link.share`):
/// `{"algorithm","digest","salted":true}`. The salt stays with the two departments and never reaches the
/// ledger: without it, the digest of a short personal record could be found by trying every candidate. Either
/// department can later prove what was shared by revealing data and salt to an auditor.
public struct SaltedDigest: Codable, Sendable, Hashable {
    public let algorithm: HashAlgorithm
    public let digest: Hash256

    public init(algorithm: HashAlgorithm, digest: Hash256) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// The digest of `salt ‖ data`, as the departments compute it; the salt should be at least 16 random bytes.
    public init(of data: some Sequence<UInt8>, salt: [UInt8], algorithm: HashAlgorithm) {
        let context = DigestContext(algorithm)
        context.update(salt)
        context.update(data)
        self.init(algorithm: algorithm, digest: context.finalize())
    }

    enum CodingKeys: String, CodingKey { case algorithm, digest, salted }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try c.decode(HashAlgorithm.self, forKey: .algorithm)
        digest = try ContentDigest.decodeDigest(c, key: .digest, algorithm: algorithm)
        guard try c.decode(Bool.self, forKey: .salted) else {
            throw DecodingError.dataCorrupted(.init(
                codingPath: c.codingPath + [CodingKeys.salted],
                debugDescription: "must be true: only a salted digest of shared data may enter the ledger"))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(digest.hex, forKey: .digest)
        try c.encode(true, forKey: .salted)
    }
}
