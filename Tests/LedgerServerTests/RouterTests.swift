import Foundation
import Hummingbird
import LedgerCrypto
import LedgerServer
import Log
import LogSQLite
import SignedNote
import Testing

/// Every route over a real socket on 127.0.0.1: answers, headers and errors, over a real SQLite ledger of 300
/// entries (one full level-0 tile and a partial one).
@Suite struct RouterTests {
    static let size = 300

    @Test func checkpoint_isTheSignedNoteOfTheWholeTree_notCached() async throws {
        let log = try await TestLedger.make(entries: Self.size)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/checkpoint", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; charset=utf-8")
                #expect(response.headers[.cacheControl] == "no-cache")
                let signed = try SignedCheckpoint(opening: response.body.bytes, logVerifier: log.verifier)
                #expect(signed.checkpoint.size == UInt64(Self.size))
                #expect(signed.checkpoint.origin == DevelopmentLedger.origin)
            }
        }
    }

    @Test func checkpointOfEmptyLog_isSignedForSizeZeroWithTheEmptyRoot() async throws {
        let log = try await TestLedger.make(entries: 0)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/checkpoint", method: .get) { response in
                #expect(response.status == .ok)
                let signed = try SignedCheckpoint(opening: response.body.bytes, logVerifier: log.verifier)
                #expect(signed.checkpoint.size == 0)
                #expect(signed.checkpoint.rootHash == MerkleHasher(.sha256).emptyRoot())
            }
        }
    }

    @Test func fullAndPartialTiles_haveTheirBytesAndCacheHeaders() async throws {
        let log = try await TestLedger.make(entries: Self.size)
        defer { log.remove() }
        let leaves = try await (0..<UInt64(Self.size)).asyncMap {
            try await log.ledger.reader.leafHash(at: $0, treeSize: UInt64(Self.size))
        }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/tile/0/000", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/octet-stream")
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                #expect(response.body.bytes == leaves[0..<256].flatMap(\.bytes))
            }
            try await client.execute(uri: "/tile/0/001.p/44", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "public, max-age=10")
                #expect(response.body.bytes == leaves[256..<300].flatMap(\.bytes))
            }
            // A narrower prefix of the partial tile is the same bytes, shorter.
            try await client.execute(uri: "/tile/0/001.p/3", method: .get) { response in
                #expect(response.body.bytes == leaves[256..<259].flatMap(\.bytes))
            }
            try await client.execute(uri: "/tile/entries/001.p/44", method: .get) { response in
                #expect(response.status == .ok)
                let entries = try EntryBundle.decode(response.body.bytes)
                #expect(entries.count == 44)
                #expect(try LogEntry(bytes: entries[0]).index == 256)
                #expect(entries.map { MerkleHasher(.sha256).leafHash($0) } == Array(leaves[256..<300]))
            }
        }
    }

    @Test(arguments: [
        "/tile/0/001", "/tile/0/002.p/1", "/tile/0/001.p/45", "/tile/1/000", "/tile/entries/001", "/tile/2/000.p/1",
    ])
    func tileBeyondTheTree_is404(path: String) async throws {
        let log = try await TestLedger.make(entries: Self.size)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .notFound)
                let body = try ErrorBody(response.body)
                #expect(body.error.code == "out_of_range")
            }
        }
    }

    @Test(arguments: [
        "/tile/0/0", "/tile/00/000", "/tile/0/x000/001", "/tile/0/000.p/0", "/tile/0/000.p/256", "/tile/0/000.p/007",
        "/tile/64/000", "/tile/0/000/", "/tile/0//000", "/tile/../checkpoint", "/tile/0/..", "/tile/0/%30%30%30",
        "/tile/entries/../../etc/passwd", "/tile/0/000.p/1/x", "/tile/-1/000",
    ])
    func malformedTilePath_is400NeverServedNor500(path: String) async throws {
        let log = try await TestLedger.make(entries: 10)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status == .badRequest || response.status == .notFound, "\(path): \(response.status)")
                #expect(response.headers[.contentType] == "application/json; charset=utf-8")
                let body = try ErrorBody(response.body)
                #expect(body.error.code != "internal")
            }
        }
    }

    @Test func entry_hasItsBytesLeafHashAndDecodedJSON() async throws {
        let log = try await TestLedger.make(entries: 20)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/v1/entries/7", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "public, max-age=31536000, immutable")
                struct Answer: Decodable {
                    struct Decoded: Decodable {
                        let index: UInt64
                        let prev: String
                        let time: String
                        let v: Int
                    }
                    let index: UInt64
                    let entry: String
                    let leafHash: String
                    let decoded: Decoded
                }
                let answer = try JSONDecoder().decode(Answer.self, from: Data(response.body.bytes))
                let bytes = try #require(Base64.decode(answer.entry))
                let entry = try LogEntry(bytes: bytes)
                #expect(answer.index == 7 && entry.index == 7 && answer.decoded.index == 7)
                #expect(Array(entry.payload) == payload(7))
                #expect(answer.leafHash == MerkleHasher(.sha256).leafHash(bytes).base64)
                #expect(answer.decoded.prev == entry.prev.base64 && answer.decoded.v == 1)
                #expect(answer.decoded.time == entry.time.rfc3339)
                // `decoded` embeds the entry's own JSON, submission included.
                let object = try JSONSerialization.jsonObject(with: Data(response.body.bytes)) as? [String: Any]
                let decoded = try #require(object?["decoded"] as? [String: Any])
                let submission = try #require(decoded["submission"] as? [String: Any])
                #expect(submission["n"] as? Int == 7 && submission["what"] as? String == "test entry")
            }
        }
    }

    @Test(arguments: [("/v1/entries/20", 404, "out_of_range"), ("/v1/entries/007", 400, "bad_parameter"),
                      ("/v1/entries/-1", 400, "bad_parameter"), ("/v1/entries/1e3", 400, "bad_parameter"),
                      ("/v1/entries/99999999999999999999999", 400, "bad_parameter")])
    func badEntryIndex_isAnErrorNamingIndex(path: String, status: Int, code: String) async throws {
        let log = try await TestLedger.make(entries: 20)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: path, method: .get) { response in
                #expect(response.status.code == status)
                let body = try ErrorBody(response.body)
                #expect(body.error.code == code && body.error.field == "index")
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func inclusionProof_verifiesAgainstTheReturnedCheckpoint() async throws {
        let log = try await TestLedger.make(entries: Self.size)
        defer { log.remove() }
        try await log.withLiveClient { client in
            for (index, size) in [(0, 300), (257, 300), (299, 300), (5, 6)] {
                try await client.execute(uri: "/v1/proofs/inclusion?index=\(index)&size=\(size)", method: .get) {
                    response in
                    #expect(response.status == .ok)
                    struct Answer: Decodable {
                        let index: UInt64, size: UInt64, leafHash: String, proof: [String], checkpoint: String
                    }
                    let answer = try JSONDecoder().decode(Answer.self, from: Data(response.body.bytes))
                    let signed = try SignedCheckpoint(opening: Array(answer.checkpoint.utf8), logVerifier: log.verifier)
                    #expect(signed.checkpoint.size == 300)
                    let proof = answer.proof.compactMap { Hash256(base64: $0) }
                    let leaf = try #require(Hash256(base64: answer.leafHash))
                    let root = size == 300 ? signed.checkpoint.rootHash
                        : try await log.ledger.reader.rootHash(size: UInt64(size), treeSize: 300)
                    #expect(try MerkleHasher(.sha256).verifyInclusion(leafHash: leaf, index: answer.index,
                        treeSize: answer.size, proof: proof, rootHash: root).isValid)
                }
            }
        }
    }

    @Test func consistencyProof_verifiesFromAnOlderRootToTheCheckpoint() async throws {
        let log = try await TestLedger.make(entries: Self.size)
        defer { log.remove() }
        let old = try await log.ledger.reader.rootHash(size: 100, treeSize: 300)
        try await log.withLiveClient { client in
            try await client.execute(uri: "/v1/proofs/consistency?from=100&to=300", method: .get) { response in
                #expect(response.status == .ok)
                struct Answer: Decodable { let from: UInt64, to: UInt64, proof: [String], checkpoint: String }
                let answer = try JSONDecoder().decode(Answer.self, from: Data(response.body.bytes))
                let signed = try SignedCheckpoint(opening: Array(answer.checkpoint.utf8), logVerifier: log.verifier)
                let proof = answer.proof.compactMap { Hash256(base64: $0) }
                #expect(proof.count == answer.proof.count && !proof.isEmpty)
                #expect(try MerkleHasher(.sha256).verifyConsistency(size1: 100, size2: 300, proof: proof, root1: old,
                    root2: signed.checkpoint.rootHash).isValid)
            }
        }
    }

    @Test(arguments: [
        ("/v1/proofs/inclusion?index=5", 400, "size"), ("/v1/proofs/inclusion?index=5&size=5", 400, "index"),
        ("/v1/proofs/inclusion?index=1&size=301", 404, "size"), ("/v1/proofs/inclusion?index=01&size=5", 400, "index"),
        ("/v1/proofs/inclusion?index=1&index=2&size=5", 400, "index"),
        ("/v1/proofs/consistency?from=0&to=5", 400, "from"), ("/v1/proofs/consistency?from=6&to=5", 400, "from"),
        ("/v1/proofs/consistency?from=5&to=301", 404, "to"), ("/v1/proofs/consistency?to=5", 400, "from"),
    ])
    func badProofQuery_isAnErrorNamingTheParameter(uri: String, status: Int, field: String) async throws {
        let log = try await TestLedger.make(entries: Self.size)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status.code == status, "\(uri)")
                let body = try ErrorBody(response.body)
                #expect(body.error.field == field, "\(uri)")
            }
        }
    }

    @Test func unknownRouteAndWrongMethod_areJSONErrors() async throws {
        let log = try await TestLedger.make(entries: 1)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/v1/nothing", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try ErrorBody(response.body)
                #expect(body.error.code == "not_found")
            }
            try await client.execute(uri: "/checkpoint", method: .post) { response in
                #expect(response.status.code == 404 || response.status.code == 405)
                _ = try ErrorBody(response.body)
            }
        }
    }

    @Test func declaredBodyOverTheLimit_is413BeforeReading() async throws {
        let log = try await TestLedger.make(entries: 1) { $0.http.bodyLimitBytes = 100 }
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/checkpoint", method: .get, body: ByteBuffer(repeating: 0x41, count: 101)) {
                response in
                #expect(response.status == .contentTooLarge)
                let body = try ErrorBody(response.body)
                #expect(body.error.code == "body_too_large" && body.error.message.contains("101"))
            }
            try await client.execute(uri: "/checkpoint", method: .get, body: ByteBuffer(repeating: 0x41, count: 100)) {
                response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func healthz_reportsSizeAndAge_and503WhenTheStoreIsGone() async throws {
        let log = try await TestLedger.make(entries: 5)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                struct Health: Decodable { let status: String, treeSize: UInt64, checkpointAgeSeconds: Double? }
                let health = try JSONDecoder().decode(Health.self, from: Data(response.body.bytes))
                #expect(health.status == "ok" && health.treeSize == 5)
                #expect(try #require(health.checkpointAgeSeconds) >= 0)
            }
            await (log.ledger.store as? SQLiteLogStore)?.close()
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] == "5")
                #expect(response.body.text.contains("\"status\":\"unavailable\""))
            }
        }
    }

    @Test func metrics_exposeTreeSizeBatchesLatenciesAndRejections() async throws {
        let log = try await TestLedger.make(entries: 40, batch: 20)
        defer { log.remove() }
        try await log.withLiveClient { client in
            try await client.execute(uri: "/v1/entries/99", method: .get) { _ in }
            try await client.execute(uri: "/checkpoint", method: .get) { _ in }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/plain; version=0.0.4; charset=utf-8")
                let text = response.body.text
                #expect(metric(text, "certledger_tree_size") == 40)
                #expect(metric(text, "certledger_entries_total") == 40)
                #expect(metric(text, "certledger_batch_entries_sum") == 40)
                #expect(metric(text, "certledger_rejections_total{reason=\"out_of_range\"}") == 1)
                #expect(metric(text,
                    "certledger_http_requests_total{method=\"GET\",route=\"/v1/entries/{index}\",status=\"404\"}") == 1)
                #expect(metric(text,
                    "certledger_http_request_duration_seconds_count{method=\"GET\",route=\"/checkpoint\"}") == 1)
                let count = try #require(metric(text, "certledger_batch_entries_count"))
                #expect(count >= 2 && count <= 40)
                #expect(text.contains("# TYPE certledger_batch_entries histogram"))
                #expect(text.contains("# HELP certledger_tree_size "))
            }
        }
    }

    @Test func departmentsReadAccessOnABareLog_isRefusedForWantOfDepartmentKeys() async throws {
        let log = try await TestLedger.make(entries: 0) { $0.readAccess = .departments }
        defer { log.remove() }
        let error = try #require(throws: LedgerServerError.self) { _ = try log.application() }
        #expect(error.code == .unsupported && error.field == "readAccess")
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for element in self { out.append(try await transform(element)) }
        return out
    }
}
