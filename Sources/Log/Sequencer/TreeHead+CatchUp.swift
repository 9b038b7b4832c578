import LedgerCrypto
import SignedNote

/// Moving a known head forward over entries another writer appended (a shared store): the entries are chained and
/// hashed onto the head's right edge here, and the result must reproduce the root of the store's signed
/// checkpoint. Two reads (head, entries) instead of a full `TreeHead.load`, and a stronger check: every new entry's
/// index, `prev` and time are verified against the tree this daemon already proved.
extension TreeHead {
    /// The tree after appending `bytes` (the entries at `size…`), without a checkpoint yet, and the decoded entries.
    /// Throws `LogError.inconsistent` if an entry does not decode, has the wrong index, does not chain to the one
    /// before, or goes back in time.
    func extended(with bytes: [[UInt8]], hasher: MerkleHasher) throws -> (head: TreeHead, entries: [LogEntry]) {
        var next = self
        var entries: [LogEntry] = []
        var leaves: [Hash256] = []
        entries.reserveCapacity(bytes.count)
        leaves.reserveCapacity(bytes.count)
        for data in bytes {
            let index = next.size + UInt64(entries.count)
            let entry: LogEntry
            do { entry = try LogEntry(bytes: data) } catch {
                throw LogError(.inconsistent, "entry \(index) does not decode: \(error)")
            }
            let prev = leaves.last ?? next.lastLeafHash
            guard entry.index == index, entry.prev == prev else {
                throw LogError(.inconsistent, "entry \(index) says index \(entry.index), prev \(entry.prev.base64); "
                    + "expected index \(index), prev \(prev.base64)")
            }
            let lastTime = entries.last?.time ?? next.lastTime
            guard entry.time >= lastTime else {
                throw LogError(.inconsistent, "entry \(index) has time \(entry.time), before entry \(index - 1)'s")
            }
            entries.append(entry)
            leaves.append(hasher.leafHash(data))
        }
        guard let last = entries.last, let leaf = leaves.last else { return (self, []) }
        let update = try TileWriter(hasher: hasher).append(leaves, to: next.edge)
        next.size = update.size
        next.edge = update.edge
        next.root = update.rootHash
        next.lastLeafHash = leaf
        next.lastTime = last.time
        return (next, entries)
    }

    /// This head with `note`, the store's signed checkpoint for it: its signature must verify with the log's key,
    /// and it must be for exactly this size and root. Throws `LogError.inconsistent` otherwise.
    func sealed(with note: [UInt8], identity: LogIdentity) throws -> TreeHead {
        let signed: SignedCheckpoint
        do { signed = try SignedCheckpoint(opening: note, logVerifier: identity.verifier) } catch {
            throw LogError(.inconsistent, "the stored checkpoint at size \(size) does not verify: \(error)")
        }
        guard signed.checkpoint.size == size, signed.checkpoint.rootHash == root else {
            throw LogError(.inconsistent, "the stored checkpoint says size \(signed.checkpoint.size), root "
                + "\(signed.checkpoint.rootHash.base64); the entries give size \(size), root \(root.base64)")
        }
        var copy = self
        copy.checkpoint = note
        return copy
    }
}
