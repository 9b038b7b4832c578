import Foundation
import Hummingbird
import LedgerCrypto
import Log
import Registry

/// `GET /v1/witness-policy` (DESIGN.md §9): the operator's latest `witness.policy` entry with its inclusion proof
/// against the served checkpoint (the witnessed one when the ledger has witnesses), in the shape of a submission
/// answer, so that a checker proves the entry is in the log before it compares the entry with its own policy file.
extension RegistryController {
    func witnessPolicy() async throws -> Response {
        guard let latest = try ledger.registry.read({ $0.latestWitnessPolicy }) else {
            throw APIError(.notFound, code: "not_found", "the operator has published no witness.policy entry")
        }
        let log = ledger.log
        guard let served = log.served else { throw APIError.notWitnessedYet() }
        guard latest.index < served.size else {
            // Newer than the served (witnessed) checkpoint: wait for the witnesses to cosign a tree that holds it.
            throw APIError(.serviceUnavailable, code: "not_witnessed",
                           "the latest witness.policy entry \(latest.index) is not yet in a served checkpoint (size "
                           + "\(served.size)); retry shortly", retryAfter: 1)
        }
        let head = log.snapshot.head
        let reader = log.reader
        let entry = try await reader.entry(at: latest.index, treeSize: head.size)
        let inclusion = try await reader.inclusionProof(index: latest.index, size: served.size, treeSize: head.size)
        let leaf = MerkleHasher(log.identity.hashAlgorithm).leafHash(entry.bytes)
        let answer = SubmissionAnswer(
            checkpoint: String(decoding: served.checkpoint, as: UTF8.self), duplicate: false,
            entries: [.init(index: latest.index, entry: Base64.encode(entry.bytes), leafHash: leaf.base64,
                            inclusionProof: inclusion.map(\.base64))],
            treeSize: served.size)
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try answer.canonicalBytes())))
    }
}
