public import LedgerCrypto

extension Hash256 {
    /// Takes a hash received as raw bytes (a proof element, a root from a request) and rejects anything that is
    /// not exactly 32 bytes with an error naming the field, so that verification never sees a malformed hash.
    ///
    /// - Throws: `MerkleError.malformedHash`.
    public init(merkleBytes bytes: some Collection<UInt8>, field: String) throws(MerkleError) {
        guard let hash = Hash256(bytes: bytes) else {
            throw MerkleError(.malformedHash, field: field, "\(field) is \(bytes.count) bytes, want 32")
        }
        self = hash
    }

    /// Decodes a proof's elements, naming the first bad one (`proof[3]`).
    ///
    /// - Throws: `MerkleError.malformedHash`.
    public static func proofElements(_ items: [[UInt8]], field: String = "proof") throws(MerkleError) -> [Hash256] {
        var hashes: [Hash256] = []
        hashes.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            hashes.append(try Hash256(merkleBytes: item, field: "\(field)[\(i)]"))
        }
        return hashes
    }
}
