public import LedgerCrypto

/// The digest of a document held outside the ledger (the license PDF/OFD, a seal image, a seal's certificate):
/// `{"algorithm":"sha256"|"sm3","digest":"<lower-case hex>"}`. The ledger never holds the document, only
/// this commitment, which a verifier recomputes from the document in front of it.
public struct ContentDigest: Codable, Sendable, Hashable {
    /// The hash function: `sha256` or `sm3`.
    public let algorithm: HashAlgorithm
    /// The digest, written as lower-case hex.
    public let digest: Hash256

    /// A digest computed elsewhere.
    public init(algorithm: HashAlgorithm, digest: Hash256) {
        self.algorithm = algorithm
        self.digest = digest
    }

    /// The digest of `bytes` under `algorithm`.
    public init(of bytes: some Sequence<UInt8>, algorithm: HashAlgorithm) {
        self.init(algorithm: algorithm, digest: algorithm.hash(bytes))
    }

    enum CodingKeys: String, CodingKey { case algorithm, digest }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        algorithm = try c.decode(HashAlgorithm.self, forKey: .algorithm)
        digest = try Self.decodeDigest(c, key: .digest, algorithm: algorithm)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(algorithm, forKey: .algorithm)
        try c.encode(digest.hex, forKey: .digest)
    }

    /// Reads lower-case hex of exactly the algorithm's output length (64 digits for SHA-256 and SM3), so that a
    /// truncated, padded or upper-case spelling is refused where it appears.
    static func decodeDigest<K: CodingKey>(_ c: KeyedDecodingContainer<K>, key: K,
                                           algorithm: HashAlgorithm) throws -> Hash256 {
        switch hash(hex: try c.decode(String.self, forKey: key), algorithm: algorithm) {
        case .success(let hash): return hash
        case .failure(let problem):
            throw DecodingError.dataCorrupted(.init(codingPath: c.codingPath + [key], debugDescription: problem.reason))
        }
    }

    /// Why a text is not a digest (`hash(hex:algorithm:)`).
    struct HexProblem: Error {
        let reason: String
    }

    /// The one digest spelling rule, for the strict decoder and the fast record readers alike: lower-case hex of
    /// exactly `algorithm`'s output length.
    static func hash(hex text: String, algorithm: HashAlgorithm) -> Result<Hash256, HexProblem> {
        var text = text
        if let hash = text.withUTF8({ hash(hexUTF8: $0, algorithm: algorithm) }) { return .success(hash) }
        let want = algorithm.digestByteCount * 2
        guard text.utf8.count == want else {
            return .failure(HexProblem(
                reason: "a \(algorithm.rawValue) digest is \(want) hex digits, found \(text.utf8.count)"))
        }
        return .failure(HexProblem(reason: "a digest is written in lower-case hex (0-9, a-f)"))
    }

    /// `hash(hex:algorithm:)` of text given as its UTF-8 bytes (read in place by the fast record readers), nil for
    /// any text that rule refuses.
    static func hash(hexUTF8 text: UnsafeBufferPointer<UInt8>, algorithm: HashAlgorithm) -> Hash256? {
        guard text.count == algorithm.digestByteCount * 2 else { return nil }
        return Hash256(lowerHexUTF8: text)
    }
}

extension HashAlgorithm {
    /// Output length in bytes: 32 for both SHA-256 (FIPS 180-4) and SM3 (GB/T 32905).
    var digestByteCount: Int {
        switch self {
        case .sha256, .sm3: return 32
        }
    }
}
