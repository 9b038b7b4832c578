import Foundation
public import Hummingbird
import LedgerCrypto
import Log

/// The log's JSON read API (DESIGN.md §5): `GET /v1/entries/{index}`, `GET /v1/proofs/inclusion?index=&size=`
/// and `GET /v1/proofs/consistency?from=&to=`. Proofs are RFC 9162 §2.1.3–2.1.4 audit paths as base64 hashes,
/// computed from stored tiles, and come with the signed checkpoint of the same head so a client can check them
/// without trusting this server.
public struct ProofController<Context: RequestContext>: Sendable {
    let ledger: LedgerLog

    /// Serves `ledger` at its sequencer's durable head.
    public init(ledger: LedgerLog) {
        self.ledger = ledger
    }

    /// Registers this controller's GET routes.
    public func addRoutes(to router: Router<Context>) {
        router.get("/v1/entries/{index}") { _, context in
            try await entry(indexText: context.parameters.get("index").map { Substring($0) })
        }
        router.get("/v1/proofs/inclusion") { request, _ in
            try await inclusion(index: QueryNumber.query(request, "index"), size: QueryNumber.query(request, "size"))
        }
        router.get("/v1/proofs/consistency") { request, _ in
            try await consistency(from: QueryNumber.query(request, "from"), to: QueryNumber.query(request, "to"))
        }
    }

    /// `{"decoded":<the entry's own canonical JSON>,"entry":"<b64 bytes>","index":N,"leafHash":"<b64>"}`.
    /// The entry bytes are canonical JSON already (DESIGN.md §3), so `decoded` is those very bytes: what a client
    /// reads is exactly what was hashed. An entry never changes once it exists: cached as immutable.
    func entry(indexText: Substring?) async throws -> Response {
        let index = try QueryNumber.parse(indexText, field: "index")
        let treeSize = ledger.snapshot.head.size
        let entry = try await ledger.reader.entry(at: index, treeSize: treeSize)
        let leaf = MerkleHasher(ledger.identity.hashAlgorithm).leafHash(entry.bytes)
        var body = Array(#"{"decoded":"#.utf8)
        body += entry.bytes
        body += Array(#","entry":"\#(Base64.encode(entry.bytes))","index":\#(index),"#.utf8)
        body += Array(#""leafHash":"\#(leaf.base64)"}"#.utf8)
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8",
                                  .cacheControl: CacheControl.immutable],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }

    struct InclusionAnswer: Encodable {
        let index: UInt64
        let size: UInt64
        let leafHash: String
        let proof: [String]
        let checkpoint: String
    }

    struct ConsistencyAnswer: Encodable {
        let from: UInt64
        let to: UInt64
        let proof: [String]
        let checkpoint: String
    }

    func inclusion(index: UInt64, size: UInt64) async throws -> Response {
        guard index < size else {
            throw APIError.badParameter("index", "index \(index) is not below size \(size)")
        }
        let (head, checkpoint) = try servedCovering(size)
        let reader = ledger.reader
        let proof = try await reader.inclusionProof(index: index, size: size, treeSize: head.size)
        let leaf = try await reader.leafHash(at: index, treeSize: head.size)
        return try json(InclusionAnswer(index: index, size: size, leafHash: leaf.base64, proof: proof.map(\.base64),
                                        checkpoint: String(decoding: checkpoint, as: UTF8.self)))
    }

    func consistency(from: UInt64, to: UInt64) async throws -> Response {
        // RFC 9162 §2.1.4 defines proofs only from a non-empty tree.
        guard from > 0 else { throw APIError.badParameter("from", "from must be at least 1 (RFC 9162 §2.1.4)") }
        guard from <= to else { throw APIError.badParameter("from", "from \(from) is larger than to \(to)") }
        let (head, checkpoint) = try servedCovering(to)
        let proof = try await ledger.reader.consistencyProof(size1: from, size2: to, treeSize: head.size)
        return try json(ConsistencyAnswer(from: from, to: to, proof: proof.map(\.base64),
                                          checkpoint: String(decoding: checkpoint, as: UTF8.self)))
    }

    /// The durable head and the checkpoint served with proofs up to `size`: with witnesses the newest witnessed
    /// one, and a size beyond it is not served yet (404 `not_witnessed`: the client retries, or asks for the
    /// witnessed size that `/checkpoint` gives).
    private func servedCovering(_ size: UInt64) throws -> (head: TreeHead, checkpoint: [UInt8]) {
        let head = ledger.snapshot.head
        guard let served = ledger.served else { throw APIError.notWitnessedYet() }
        if ledger.witnessing.isEnabled, size > served.size {
            throw APIError(.notFound, code: "not_witnessed", "size \(size) is beyond the newest witnessed "
                           + "checkpoint (size \(served.size)); retry shortly", field: "size")
        }
        return (head, served.checkpoint)
    }

    /// Proofs depend on the current checkpoint: not cached.
    private func json(_ value: some Encodable) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-cache"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: try encoder.encode(value))))
    }
}
