public import LedgerCrypto
import SignedNote

/// Everything the sequencer carries from one batch to the next: the tree's size, root and right edge, the leaf hash
/// and time of the last entry (the next entry's `prev` and lower bound for `time`), and the signed checkpoint.
public struct TreeHead: Sendable {
    public internal(set) var size: UInt64
    public internal(set) var root: Hash256
    /// Leaf hash of entry `size - 1`; 32 zero bytes for the empty log (DESIGN.md §3).
    public internal(set) var lastLeafHash: Hash256
    /// Time of entry `size - 1`; the epoch for the empty log.
    public internal(set) var lastTime: Timestamp
    /// C2SP signed-note text of the checkpoint at `size`; empty for the empty log.
    public internal(set) var checkpoint: [UInt8]
    /// The partial tiles of the right edge.
    var edge: TreeEdge

    /// The head of a log with no entries.
    public static func empty(hashAlgorithm: HashAlgorithm) -> TreeHead {
        TreeHead(size: 0, root: MerkleHasher(hashAlgorithm).emptyRoot(), lastLeafHash: .zero,
                 lastTime: Timestamp(millisecondsSinceEpoch: 0), checkpoint: [], edge: TreeEdge())
    }

    /// Loads the head of a stored log and proves it consistent with its last checkpoint before anything is served
    /// (DESIGN.md §6): the checkpoint's signature verifies with the log's key and names the log's origin; its size is
    /// the stored size; the root recomputed from the stored right-edge tiles equals its root; the last entry exists,
    /// decodes, has the right index and hashes to the last leaf of the tiles; nothing is stored beyond it.
    ///
    /// Cost: a handful of reads, independent of the log's size. `LogVerifier` checks everything.
    ///
    /// On a shared store the head may move while it is being loaded; the head returned is then the one that was
    /// read and proven (older than the store's by then, which the sequencer finds out at its next append or
    /// follow), never a mixture.
    public static func load(from store: any LogStore, identity: LogIdentity) async throws -> TreeHead {
        guard let head = try await store.head() else { return .empty(hashAlgorithm: identity.hashAlgorithm) }
        func inconsistent(_ why: String) -> LogError { LogError(.inconsistent, why) }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(opening: head.checkpoint, logVerifier: identity.verifier)
        } catch {
            throw inconsistent("the stored checkpoint does not verify with the log's key "
                + "\(identity.verifier.name): \(error)")
        }
        guard signed.checkpoint.size == head.size else {
            throw inconsistent("the stored size is \(head.size) but its checkpoint is for size \(signed.checkpoint.size)")
        }
        let hasher = MerkleHasher(identity.hashAlgorithm)
        let source = LogStoreTileSource(store)
        let edge: TreeEdge
        do {
            edge = try await TreeEdge.load(size: head.size, from: source)
        } catch {
            throw inconsistent("the right-edge tiles of size \(head.size) cannot be read: \(error)")
        }
        let root = edge.rootHash(using: hasher)
        guard root == signed.checkpoint.rootHash else {
            throw inconsistent("the stored tiles give root \(root.base64) at size \(head.size), "
                + "but the checkpoint says \(signed.checkpoint.rootHash.base64)")
        }
        let last = head.size - 1
        let lastBytes: [UInt8]
        do {
            guard let bytes = try await store.entries(last..<head.size).first else {
                throw inconsistent("entry \(last) is missing")
            }
            lastBytes = bytes
        } catch let error as LogError {
            throw error
        } catch {
            throw inconsistent("entry \(last) of a log of size \(head.size) cannot be read: \(error)")
        }
        let entry: LogEntry
        do { entry = try LogEntry(bytes: lastBytes) } catch {
            throw inconsistent("entry \(last) does not decode: \(error)")
        }
        guard entry.index == last else { throw inconsistent("entry \(last) says it is entry \(entry.index)") }
        let leaf = hasher.leafHash(lastBytes)
        let tileLeaf = try await TileHashReader(source: source, treeSize: head.size, hasher: hasher).leafHash(index: last)
        guard leaf == tileLeaf else {
            throw inconsistent("entry \(last) hashes to \(leaf.base64) but the tiles hold \(tileLeaf.base64)")
        }
        if let extra = try? await store.entries(head.size..<(head.size + 1)), !extra.isEmpty {
            // On a shared store (PostgreSQL, several daemons) another writer may have appended since `head()`:
            // then the stored size has moved past the head too, and everything read so far (checkpoint, right-edge
            // tile prefixes, last entry) still proves the head at `head.size`. Reloading instead could chase a busy
            // peer for ever. Only an entry beyond an unmoved head is damage.
            guard let moved = try await store.head(), moved.size > head.size else {
                throw inconsistent("an entry is stored at index \(head.size), beyond the checkpoint's size")
            }
        }
        return TreeHead(size: head.size, root: root, lastLeafHash: leaf, lastTime: entry.time,
                        checkpoint: head.checkpoint, edge: edge)
    }
}
