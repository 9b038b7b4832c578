internal import COpenSSL

/// The ledger's hash suites (DESIGN.md §3): SHA-256 by default, SM3 (GB/T 32905) for ledgers created with it.
public enum HashAlgorithm: String, Sendable, CaseIterable, Codable {
    case sha256
    case sm3

    /// One-shot digest of `bytes`.
    public func hash(_ bytes: some Sequence<UInt8>) -> Hash256 {
        let context = DigestContext(self)
        context.update(bytes)
        return context.finalize()
    }

    /// The fetched implementation, looked up once per process: `EVP_sha256()` would look it up on every call.
    var md: FetchedDigest {
        switch self {
        case .sha256: return FetchedDigest.sha256
        case .sm3: return FetchedDigest.sm3
        }
    }
}

/// An `EVP_MD` fetched once and shared. An `EVP_MD` is immutable after fetch and safe to use from any thread;
/// it is never freed (it lives as long as the process, like the algorithms it names).
final class FetchedDigest: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(name: String) {
        guard let md = EVP_MD_fetch(nil, name, nil) else {
            // Both digests ship in OpenSSL 3's default provider; without them nothing of the ledger can work.
            fatalError("OpenSSL has no \(name) digest: \(CryptoError.openssl("EVP_MD_fetch(\(name))"))")
        }
        pointer = md
    }

    static let sha256 = FetchedDigest(name: "SHA256")
    static let sm3 = FetchedDigest(name: "SM3")
}
