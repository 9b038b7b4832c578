import CanonicalJSON
import Foundation
import HTTPTypes
public import Hummingbird
import LedgerCrypto
import Log
import Registry

/// `POST /v1/submissions` (DESIGN.md §5): one signed submission, or `{"bundle":[…]}` sequenced atomically.
///
/// The order of work follows the cost and the harm: the body's size and type first (413, 415), then its JSON and
/// schema (400), then the Registry's pre-check — department, key, role, signature (401, 403), nonce reuse (409) —
/// concurrently with other requests, then the sequencer, whose gate re-checks the state machine serially (409) and
/// which answers only once the batch is durable. 201 carries the entries, their inclusion proofs and the signed
/// checkpoint that covers them. An exact re-send of an accepted submission (or bundle) is answered 200 with the
/// original entries and `"duplicate":true`: retrying after a lost answer is always safe.
public struct SubmissionController<Context: RequestContext>: Sendable {
    let ledger: Ledger
    let quota: DepartmentQuota
    let retryAfter: Int
    let readOnly: Bool
    /// How long `?wait=witnessed` waits for a quorum of cosignatures covering the new entries.
    let witnessWait: Duration
    /// Most lines in one `POST /v1/submissions/bulk` (`http.bulkMaxLines`).
    let bulkMaxLines: Int
    /// Largest bulk body read (`http.bodyLimitBytes`, which `LimitsMiddleware` enforces before the route too).
    let bulkBodyLimit: Int

    /// `departmentQueueLimit` entries of one department may wait for the sequencer at once; beyond that its
    /// requests get 429 with `Retry-After: retryAfter` (default: every department may use the whole queue).
    /// A `readOnly` daemon (on a streaming replica) refuses every submission with 503 `read_only`.
    /// With witnesses, `?wait=witnessed` holds the answer up to `witnessWait` for a witnessed checkpoint covering
    /// the new entries, and proves them against it. `POST /v1/submissions/bulk` takes at most `bulkMaxLines`
    /// submissions in at most `bulkBodyLimit` bytes.
    public init(ledger: Ledger, departmentQueueLimit: Int = .max, retryAfter: Int = 1, readOnly: Bool = false,
                witnessWait: Duration = .seconds(5), bulkMaxLines: Int = 1_000, bulkBodyLimit: Int = 1 << 20) {
        self.ledger = ledger
        self.witnessWait = witnessWait
        self.bulkMaxLines = bulkMaxLines
        self.bulkBodyLimit = bulkBodyLimit
        self.quota = DepartmentQuota(limit: departmentQueueLimit)
        self.retryAfter = retryAfter
        self.readOnly = readOnly
    }

    public func addRoutes(to router: Router<Context>) {
        router.post("/v1/submissions") { request, _ in try await handle(request) }
        router.post("/v1/submissions/bulk") { request, _ in try await handleBulk(request) }
    }

    /// The route: `submit`, then with `?wait=witnessed` (and witnesses) the proofs against a witnessed checkpoint.
    func handle(_ request: Request) async throws -> Response {
        let wait = request.uri.queryParameters.get("wait")
        guard wait == nil || wait == "witnessed" else {
            throw APIError.badParameter("wait", "wait must be \"witnessed\" or absent")
        }
        var (status, answer) = try await submit(request)
        var witnessedHeader: String?
        if wait == "witnessed", ledger.log.witnessing.isEnabled {
            let witnessed = try await witnessedAnswer(answer)
            witnessedHeader = witnessed == nil ? "false" : "true"
            answer = witnessed ?? answer
        }
        var response = Self.json(status, try answer.canonicalBytes())
        if let witnessedHeader { response.headers[Self.witnessedHeader] = witnessedHeader }
        return response
    }

    /// `CertLedger-Witnessed: true|false` on a `?wait=witnessed` answer: whether its proofs lead to a witnessed
    /// checkpoint, or (after `witnessWait`) to the ledger's own signed one; the entries are accepted either way.
    static var witnessedHeader: HTTPField.Name { HTTPField.Name("CertLedger-Witnessed")! }

    /// The entries of `answer` proven against the newest witnessed checkpoint once it covers them; nil when none does
    /// within `witnessWait` (the answer then stays as sequenced).
    func witnessedAnswer(_ answer: SubmissionAnswer) async throws -> SubmissionAnswer? {
        let end = (answer.entries.map(\.index).max() ?? 0) + 1
        guard let witnessed = await ledger.log.witnessing.waitForWitnessed(atLeast: end, timeout: witnessWait) else {
            return nil
        }
        let size = witnessed.checkpoint.size
        let reader = ledger.log.reader
        var entries: [SubmissionAnswer.Entry] = []
        for entry in answer.entries {
            let proof = try await reader.inclusionProof(index: entry.index, size: size, treeSize: size)
            entries.append(SubmissionAnswer.Entry(index: entry.index, entry: entry.entry, leafHash: entry.leafHash,
                                                  inclusionProof: proof.map(\.base64)))
        }
        return SubmissionAnswer(checkpoint: String(decoding: witnessed.note, as: UTF8.self),
                                duplicate: answer.duplicate, entries: entries, treeSize: size)
    }

    func submit(_ request: Request) async throws -> (HTTPResponse.Status, SubmissionAnswer) {
        try refuseIfReadOnly()
        try JSONBody.requireJSON(request)
        let bytes = try await JSONBody.collect(request, limit: SubmissionBundle.maxInputBytes)
        let exceptions = ledger.registry.usccExceptions
        let value = try JSONBody.parse(bytes, limit: SubmissionBundle.maxInputBytes)
        if case .object(let members) = value, members["bundle"] != nil {
            let bundle = try SubmissionBundle(json: value, usccExceptions: exceptions)
            return try await sequence(bundle.submissions) { try ledger.registry.precheck(bundle) }
        }
        let submission = try Submission(json: value, usccExceptions: exceptions)
        return try await sequence([submission]) { [try ledger.registry.precheck(submission)] }
    }

    /// 503 `read_only` on a daemon serving a read-only replica.
    func refuseIfReadOnly() throws {
        guard !readOnly else {
            throw APIError(.serviceUnavailable, code: "read_only", "this daemon serves a read-only replica of the "
                           + "ledger (store.postgres.readOnly); send submissions to a daemon on the primary")
        }
    }

    private func sequence(_ submissions: [Submission],
                          precheck: () throws -> [Registry.Precheck]) async throws
        -> (HTTPResponse.Status, SubmissionAnswer) {
        let checks = try precheck()
        if let originals = Self.duplicates(checks) {
            return try await answerDuplicate(originals, of: submissions)
        }
        let counts = try takeQuota(for: submissions)
        defer { quota.release(counts) }
        let group: SequencedGroup
        do {
            // Not a re-send, so every submission was accepted (a bundle is a re-send whole or not at all): the
            // checked values go to the sequencer, and its gate admits them as they are.
            group = try await ledger.log.sequencer.submit(ledger.registry.admission(for: checks.compactMap(\.checked)))
        } catch {
            return try await afterRefusal(error, of: submissions, precheck: precheck)
        }
        return (.created, Self.answer(group))
    }

    /// Counts `submissions` into their departments' shares of the queue and returns the counts to give back; over
    /// a share, throws 429 `department_busy`.
    func takeQuota(for submissions: [Submission]) throws -> [String: Int] {
        let counts = submissions.reduce(into: [String: Int]()) { $0[$1.department.value, default: 0] += 1 }
        if let (department, waiting) = quota.acquire(counts) {
            throw APIError(.tooManyRequests, code: "department_busy", "department \(department) has \(waiting) "
                           + "entries waiting to be sequenced (limit \(quota.limit) per department); retry later",
                           retryAfter: retryAfter)
        }
        return counts
    }

    /// The answer for a group the sequencer made durable.
    static func answer(_ group: SequencedGroup) -> SubmissionAnswer {
        SubmissionAnswer(
            checkpoint: String(decoding: group.checkpoint, as: UTF8.self), duplicate: false,
            entries: group.items.map {
                SubmissionAnswer.Entry(index: $0.entry.index, entry: Base64.encode($0.entry.bytes),
                                       leafHash: $0.leafHash.base64, inclusionProof: $0.inclusionProof.map(\.base64))
            },
            treeSize: group.treeSize)
    }

    /// What a request gets whose group the sequencer did not store. Refused before the gate (503 overloaded,
    /// shutting down) or failed there, the error is thrown;
    /// but if identical submissions raced — the first admitted by the gate between this one's pre-check and its
    /// own turn (in an earlier batch, or earlier in the same one: `.duplicate` names its index) — the pre-check
    /// sees it now, so this one is a re-send like any other and gets the original entries.
    func afterRefusal(_ error: any Error, of submissions: [Submission], precheck: () throws -> [Registry.Precheck])
        async throws -> (HTTPResponse.Status, SubmissionAnswer) {
        guard let refusal = error as? RegistryError, refusal.code == .conflict || refusal.code == .duplicate,
              let again = try? precheck() else {
            throw error
        }
        if let originals = Self.duplicates(again) { return try await answerDuplicate(originals, of: submissions) }
        throw error
    }

    static func duplicates(_ checks: [Registry.Precheck]) -> [UInt64]? {
        let indices = checks.compactMap { check -> UInt64? in
            if case .duplicate(let index) = check { return index }
            return nil
        }
        return indices.count == checks.count && !indices.isEmpty ? indices : nil
    }

    /// The original entries with proofs against the current checkpoint; waits (briefly) for the head to cover an
    /// original that is still being made durable by a concurrent request.
    func answerDuplicate(_ indices: [UInt64], of submissions: [Submission]) async throws
        -> (HTTPResponse.Status, SubmissionAnswer) {
        let last = indices.max() ?? 0
        // The original may still be on its way to the disk (sent concurrently): the head that covers it is awaited,
        // published by the sequencer with its checkpoint, never polled for.
        guard let head = await ledger.log.sequencer.head(atLeast: last + 1, timeout: .seconds(5)) else {
            throw APIError(.serviceUnavailable, code: "in_flight", "the original of this re-send (index \(last)) "
                           + "is not durable yet; retry", retryAfter: 1)
        }
        let checkpoint = head.checkpoint
        let reader = ledger.log.reader
        let hasher = MerkleHasher(ledger.log.identity.hashAlgorithm)
        var entries: [SubmissionAnswer.Entry] = []
        for (index, submission) in zip(indices, submissions) {
            let entry = try await reader.entry(at: index, treeSize: head.size)
            // The index came from the pre-check while the original was in flight: if its batch failed after all,
            // another entry took the index. Only the original itself is ever answered.
            guard entry.payload.elementsEqual(submission.canonicalBytes) else {
                throw APIError(.serviceUnavailable, code: "in_flight", "the original of this re-send was not stored "
                               + "(entry \(index) is another submission); send it again", retryAfter: 1)
            }
            let proof = try await reader.inclusionProof(index: index, size: head.size, treeSize: head.size)
            entries.append(SubmissionAnswer.Entry(index: index, entry: Base64.encode(entry.bytes),
                                                  leafHash: hasher.leafHash(entry.bytes).base64,
                                                  inclusionProof: proof.map(\.base64)))
        }
        return (.ok, SubmissionAnswer(checkpoint: String(decoding: checkpoint, as: UTF8.self),
                                      duplicate: true, entries: entries, treeSize: head.size))
    }

    static func json(_ status: HTTPResponse.Status, _ value: some Encodable) throws -> Response {
        json(status, try CanonicalJSONEncoder().encode(value))
    }

    static func json(_ status: HTTPResponse.Status, _ bytes: [UInt8]) -> Response {
        Response(status: status,
                 headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                 body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
