public import LedgerCrypto

/// Answers Merkle questions about a tiled log — node hashes, roots, RFC 9162 inclusion and consistency proofs —
/// for its current size and for every earlier size, reading only the few tiles each answer needs.
///
/// A complete node's hash is read from the tile at level `node.level / 8`: directly when its level is a multiple
/// of 8, otherwise hashed up inside the tile from its `2^(level mod 8)` bottom hashes (C2SP tlog-tiles). Proofs
/// and roots are planned with `ProofNodes` / `NodeID.decomposition` for the size asked about, so they only ever
/// touch nodes complete at that size; such a node's tile may since have grown wider, which is harmless as tiles
/// only grow. Right-edge hashes that are not complete at that size are rebuilt from their complete pieces
/// (`ProofNodes.rehash`), never read.
///
/// Not `Sendable`: it owns a hasher and caches every tile it reads (and up to 63 node hashes per tile). Make one
/// per request or per batch — one reader for a whole batch's proofs shares the tiles and the hashing.
public final class TileHashReader {
    /// The tree size the source is known to hold tiles for: the limit of every question.
    public let treeSize: UInt64
    private let source: any TileSource
    private let hasher: MerkleHasher
    /// Tiles read so far, and node hashes computed inside them: valid for the reader's life because stored tiles
    /// only grow and complete nodes never change.
    private var cache: [TileKey: [UInt8]] = [:]
    private var memo: [NodeID: Hash256] = [:]

    /// A reader of a log of `treeSize` leaves whose hash tiles `source` holds (e.g. the size of the store's head).
    public init(source: any TileSource, treeSize: UInt64, hasher: MerkleHasher) {
        self.source = source
        self.treeSize = treeSize
        self.hasher = hasher
    }

    /// The hash of a complete node of the tree.
    ///
    /// - Throws: `MerkleError.indexOutOfRange` if the node is not complete at `treeSize`; `.missingTile` /
    ///   `.malformedTile` if the source cannot supply it; whatever the source throws.
    public func hash(of node: NodeID) async throws -> Hash256 {
        guard node.isComplete(inTreeSize: treeSize) else {
            throw MerkleError(.indexOutOfRange, field: "node", "\(node) is not complete in tree size \(treeSize)")
        }
        let location = TileLayout.location(of: node)
        let tile = try await tile(location.key, width: location.requiredWidth)
        return hash(of: node, in: tile, baseLevel: Int(location.key.level) * TileLayout.height)
    }

    /// Hashes `node` up from the bottom of its tile. Nodes 3 or more levels above the tile's bottom are memoized:
    /// the proofs of one batch share most of them, and below that recomputing (≤ 7 hashes) is cheaper than a
    /// dictionary.
    private func hash(of node: NodeID, in tile: [UInt8], baseLevel: Int) -> Hash256 {
        let relative = Int(node.level) - baseLevel
        if relative == 0 { return Hash256(tile: tile, position: Int(node.index & 255)) }
        if relative >= 3, let known = memo[node] { return known }
        let left = hash(of: NodeID(level: node.level - 1, index: node.index << 1), in: tile, baseLevel: baseLevel)
        let right = hash(of: NodeID(level: node.level - 1, index: node.index << 1 | 1), in: tile,
                         baseLevel: baseLevel)
        let hash = hasher.nodeHash(left, right)
        if relative >= 3 { memo[node] = hash }
        return hash
    }

    /// The leaf hash of entry `index`.
    public func leafHash(index: UInt64) async throws -> Hash256 {
        try await hash(of: NodeID(level: 0, index: index))
    }

    /// The hashes of complete nodes, in order.
    public func hashes(of nodes: [NodeID]) async throws -> [Hash256] {
        var hashes: [Hash256] = []
        hashes.reserveCapacity(nodes.count)
        for node in nodes {
            hashes.append(try await hash(of: node))
        }
        return hashes
    }

    /// The root hash of the tree at `size` (RFC 9162 §2.1.1), `H("")` for size 0.
    ///
    /// - Throws: `MerkleError.sizeOutOfRange` if `size > treeSize`, and the errors of `hash(of:)`.
    public func rootHash(size: UInt64) async throws -> Hash256 {
        try checkSize(size, field: "size")
        let hashes = try await hashes(of: NodeID.decomposition(ofTreeSize: size))
        return hasher.foldRightEdge(hashes) ?? hasher.emptyRoot()
    }

    /// The inclusion proof of leaf `index` in the tree at `size` (RFC 9162 §2.1.3.1).
    ///
    /// - Throws: `MerkleError.sizeOutOfRange` (`size > treeSize`), `.indexOutOfRange` (`index ≥ size`), and the
    ///   errors of `hash(of:)`.
    public func inclusionProof(index: UInt64, size: UInt64) async throws -> [Hash256] {
        try checkSize(size, field: "size")
        let plan = try ProofNodes.inclusion(index: index, treeSize: size)
        return try plan.proof(from: await hashes(of: plan.ids), using: hasher)
    }

    /// The consistency proof from the tree at `size1` to the tree at `size2` (RFC 9162 §2.1.4.1).
    ///
    /// - Throws: `MerkleError.sizeOutOfRange` (`size1 > size2` or `size2 > treeSize`), `.emptyTree`
    ///   (`size1 = 0 < size2`), and the errors of `hash(of:)`.
    public func consistencyProof(size1: UInt64, size2: UInt64) async throws -> [Hash256] {
        try checkSize(size2, field: "size2")
        let plan = try ProofNodes.consistency(size1: size1, size2: size2)
        return try plan.proof(from: await hashes(of: plan.ids), using: hasher)
    }

    private func checkSize(_ size: UInt64, field: String) throws(MerkleError) {
        guard size <= treeSize else {
            throw MerkleError(.sizeOutOfRange, field: field, "\(field) \(size) is beyond the tree size \(treeSize)")
        }
    }

    /// The tile at `key`, at least `width` hashes wide, from the cache or the source.
    private func tile(_ key: TileKey, width: Int) async throws -> [UInt8] {
        if let cached = cache[key], cached.count >= width * TileLayout.hashSize { return cached }
        guard let tile = try await source.tile(key) else {
            throw MerkleError(.missingTile, field: "\(key)",
                              "\(key) needed for tree size \(treeSize) is missing from the tile source")
        }
        try TreeEdge.check(tile, key: key, width: width, size: treeSize)
        cache[key] = tile
        return tile
    }
}
