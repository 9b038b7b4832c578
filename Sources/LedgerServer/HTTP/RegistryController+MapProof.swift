import Foundation
import Hummingbird
import LedgerCrypto
import Log
import Registry

/// `GET /v1/map/proof?key=…[&size=N]` (DESIGN.md §3): the status-map proof of one key at a checkpointed size whose
/// last entry is a `map.root`, with that entry and its inclusion proof against the checkpoint of the same size, so
/// a client checks the whole chain — checkpoint signature, entry in the tree, map root in the entry, key in the
/// map — without trusting this server.
extension RegistryController {
    /// The answer, members in RFC 8785 order.
    struct MapProofAnswer: Encodable {
        /// The signed checkpoint of `size`.
        let checkpoint: String
        /// The map key string asked about.
        let key: String
        /// The `map.root` entry closing the tree of `size`: entry `size − 1`.
        let mapRoot: MapRootEntry
        /// The map proof (DESIGN.md §3 JSON).
        let proof: MapProof
        /// The map root the proof is against (the one the entry states).
        let root: String
        /// The tree size.
        let size: UInt64
        /// The tree key: SHA-256 of the domain prefix and the key string, lower-case hex.
        let treeKey: String
    }

    struct MapRootEntry: Encodable {
        /// The entry's bytes, base64.
        let entry: String
        /// RFC 9162 inclusion proof of `index` in the tree of `size`.
        let inclusionProof: [String]
        let index: UInt64
        let leafHash: String
    }

    func mapProof(_ request: Request) async throws -> Response {
        guard let statusMap = ledger.statusMap else {
            throw APIError(.notFound, code: "not_found", "this ledger keeps no status map")
        }
        let keys = request.uri.queryParameters[values: "key"]
        guard keys.count == 1, let text = keys.first, !text.isEmpty else {
            throw APIError.badParameter("key", keys.count > 1 ? "key is given \(keys.count) times" : "key is required")
        }
        let key = try StatusMapKey(parsing: String(text), usccExceptions: ledger.registry.usccExceptions)
        let log = ledger.log
        guard let served = log.served else { throw APIError.notWitnessedYet() }
        let head = log.snapshot.head
        let size: UInt64
        let checkpoint: [UInt8]
        if request.uri.queryParameters[values: "size"].isEmpty {
            size = served.size
            checkpoint = served.checkpoint
        } else {
            size = try QueryNumber.query(request, "size")
            if size == served.size {
                checkpoint = served.checkpoint
            } else if size < served.size, size > 0, let stored = try await log.store.checkpoint(size: size) {
                checkpoint = stored
            } else {
                throw APIError(.notFound, code: "not_found", "size \(size) is not a checkpointed size of this log "
                               + "(the newest served is \(served.size))", field: "size")
            }
        }
        let hasher = MapHasher(statusMap.hashAlgorithm)
        let treeKey = hasher.treeKey(key.string)
        guard size > 0, let (proof, root) = try await statusMap.proof(for: treeKey, atSize: size) else {
            throw APIError(.notFound, code: "not_found", "the tree of size \(size) does not end with a map root "
                           + (statusMap.keepsHistory ? "" : "this daemon keeps (only the newest map is kept) "),
                           field: "size")
        }
        let reader = log.reader
        let index = size - 1
        let entry = try await reader.entry(at: index, treeSize: head.size)
        let stated = try MapRootRecord(payload: entry.payload)
        guard stated.root == root else {
            // The map and the log disagree: a damaged map file. Nothing is answered from it.
            throw APIError(.serviceUnavailable, code: "inconsistent", "the status map and the map.root entry "
                           + "\(index) disagree; the daemon's operator must rebuild the map", retryAfter: 60)
        }
        let inclusion = try await reader.inclusionProof(index: index, size: size, treeSize: head.size)
        let leaf = MerkleHasher(log.identity.hashAlgorithm).leafHash(entry.bytes)
        let answer = MapProofAnswer(
            checkpoint: String(decoding: checkpoint, as: UTF8.self), key: key.string,
            mapRoot: MapRootEntry(entry: Base64.encode(entry.bytes), inclusionProof: inclusion.map(\.base64),
                                  index: index, leafHash: leaf.base64),
            proof: proof, root: root.base64, size: size, treeKey: treeKey.hex)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(answer))))
    }
}
