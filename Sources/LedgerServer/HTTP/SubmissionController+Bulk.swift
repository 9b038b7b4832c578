import CanonicalJSON
import Foundation
import HTTPTypes
import Hummingbird
import Log
import Registry

/// `POST /v1/submissions/bulk`: many independent submissions in one request, as NDJSON (`application/x-ndjson`,
/// one submission — or one `{"bundle":[…]}` — per line, at most `bulkMaxLines` lines).
///
/// Each line is judged exactly as if it had been sent alone to `POST /v1/submissions`, one after the other in the
/// order of the lines: the same decoding, pre-check (signature, key, role, nonce), department share, gate and
/// duplicate rules, and the same answer or error object. So lines that depend on each other behave as if sent in
/// order: an issue followed by a revoke of the same license are both accepted; a revoke before the issue is refused
/// (404, no license to revoke yet) while the issue after it is accepted; an identical line sent twice is sequenced
/// once and the second gets the original entry (200, `duplicate`). One bad line never affects another.
///
/// The lines' signatures are checked concurrently, then every line that passed is queued with the sequencer at once
/// (`Sequencer.submitEach`), so they share batches — one transaction and fsync per `sequencer.maxBatchEntries` —
/// and the answer is written only when all of them are durable. The answer is 200 with NDJSON, one line per input
/// line in order: `{"line","status", …}` where `status` is the HTTP status the line would have had alone, and the
/// rest is the single endpoint's body (`checkpoint`, `duplicate`, `entries`, `treeSize`) or its `error` object (with
/// `retryAfter` when waiting helps). A blank line is refused as a line of its own (400 `empty_line`), so results and
/// input lines stay aligned; the newline after the last line is optional.
///
/// The request as a whole is refused only when it is not a bulk request at all: 415 for another media type, 413
/// for a body over the limit or more than `bulkMaxLines` lines, 400 for a body without any line, 503 on a
/// read-only replica.
extension SubmissionController {
    /// The media type of bulk requests and answers.
    static var ndjson: String { "application/x-ndjson" }

    /// The route.
    func handleBulk(_ request: Request) async throws -> Response {
        guard request.uri.queryParameters.get("wait") == nil else {
            throw APIError.badParameter("wait", "wait=witnessed is offered for single submissions only; send the "
                                        + "submissions one by one to POST /v1/submissions to wait for witnesses")
        }
        try refuseIfReadOnly()
        try JSONBody.require(request, mediaType: Self.ndjson)
        let body = try await JSONBody.collect(request, limit: bulkBodyLimit)
        let lines = try Self.lines(of: body, limit: bulkMaxLines)
        let outcomes = await sequenceLines(await precheckLines(body, lines))
        var answer: [UInt8] = []
        for (position, outcome) in outcomes.enumerated() {
            answer += outcome.bytes(line: position + 1)
            answer.append(0x0A)
        }
        return Response(status: .ok, headers: [.contentType: Self.ndjson, .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }

    /// The ranges of the body's lines (without `\n` and a `\r` before it); the newline after the last line is
    /// optional. 400 for a body without a line, 413 for more than `limit` lines.
    static func lines(of body: [UInt8], limit: Int) throws -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for (offset, byte) in body.enumerated() where byte == 0x0A {
            lines.append(start..<offset)
            start = offset + 1
            guard lines.count <= limit else { break }
        }
        if start < body.count { lines.append(start..<body.count) }
        guard lines.count <= limit else {
            throw APIError(.contentTooLarge, code: "too_many_lines", "the body holds more than \(limit) lines; the "
                           + "limit is \(limit) submissions per request (http.bulkMaxLines): split it", field: "body")
        }
        guard !lines.isEmpty else {
            throw APIError(.badRequest, code: "invalid", "the body holds no line; send one submission per line",
                           field: "body")
        }
        return lines.map { range in
            range.last.map { body[$0] == 0x0D } == true ? range.lowerBound..<(range.upperBound - 1) : range
        }
    }

    /// Decodes and pre-checks every line, each line's outcome at its position: runs of up to `precheckRun`
    /// consecutive lines, one child task each, as many at once as there are cores. A task per line waited for the
    /// scheduler once per line, and on a busy process hundreds of such waits added up to seconds; a run is short
    /// enough (a few milliseconds of signature checks) that other requests still get their turn between runs.
    private func precheckLines(_ body: [UInt8], _ lines: [Range<Int>]) async -> [BulkLine] {
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount)
        return await withTaskGroup(of: (Int, [BulkLine]).self) { group in
            var outcomes = [BulkLine](repeating: .duplicate([], []), count: lines.count)
            var next = 0
            func start() {
                guard next < lines.count else { return }
                let (first, run) = (next, lines[next..<min(next + Self.precheckRun, lines.count)])
                group.addTask { (first, run.map { self.precheck(line: Array(body[$0])) }) }
                next += run.count
            }
            for _ in 0..<workers { start() }
            while let (first, checked) = await group.next() {
                outcomes.replaceSubrange(first..<first + checked.count, with: checked)
                start()
            }
            return outcomes
        }
    }

    /// Lines pre-checked by one child task.
    static var precheckRun: Int { 32 }

    /// One line as far as the pre-check: refused, an exact re-send, or verified and waiting for the sequencer.
    private func precheck(line bytes: [UInt8]) -> BulkLine {
        guard bytes.contains(where: { $0 != 0x20 && $0 != 0x09 }) else {
            return .failed(APIError(.badRequest, code: "empty_line", "the line is empty; every line of the body must "
                                    + "hold one submission", field: "line"))
        }
        let registry = ledger.registry
        do {
            let exceptions = registry.usccExceptions
            let value = try JSONBody.parse(bytes, limit: SubmissionBundle.maxInputBytes)
            let group: BulkLine.Group
            if case .object(let members) = value, members["bundle"] != nil {
                let bundle = try SubmissionBundle(json: value, usccExceptions: exceptions)
                group = BulkLine.Group(submissions: bundle.submissions) { try registry.precheck(bundle) }
            } else {
                let submission = try Submission(json: value, usccExceptions: exceptions)
                group = BulkLine.Group(submissions: [submission]) { [try registry.precheck(submission)] }
            }
            let checks = try group.precheck()
            if let originals = Self.duplicates(checks) {
                return .duplicate(originals, group.submissions)
            }
            return .verified(group, checks.compactMap(\.checked))
        } catch {
            return .failed(APIError(error))
        }
    }

    /// Takes each verified line's department share in line order, queues all of them with the sequencer at once,
    /// and turns every line into its final outcome once the sequencer has answered them all.
    private func sequenceLines(_ prechecked: [BulkLine]) async -> [BulkLine] {
        var outcomes = prechecked
        var queued: [(position: Int, group: BulkLine.Group, checked: [CheckedSubmission], counts: [String: Int])] = []
        for (position, line) in prechecked.enumerated() {
            guard case .verified(let group, let checked) = line else { continue }
            do {
                queued.append((position, group, checked, try takeQuota(for: group.submissions)))
            } catch {
                outcomes[position] = .failed(APIError(error))
            }
        }
        let registry = ledger.registry
        let results = await ledger.log.sequencer.submitEach(queued.map { registry.admission(for: $0.checked) })
        for ((position, group, _, counts), result) in zip(queued, results) {
            quota.release(counts)
            switch result {
            case .success(let sequenced):
                outcomes[position] = .answered(.created, Self.answer(sequenced))
            case .failure(let error):
                do {
                    let (status, answer) = try await afterRefusal(error, of: group.submissions,
                                                                  precheck: group.precheck)
                    outcomes[position] = .answered(status, answer)
                } catch {
                    outcomes[position] = .failed(APIError(error))
                }
            }
        }
        for (position, line) in outcomes.enumerated() {
            guard case .duplicate(let originals, let submissions) = line else { continue }
            do {
                let (status, answer) = try await answerDuplicate(originals, of: submissions)
                outcomes[position] = .answered(status, answer)
            } catch {
                outcomes[position] = .failed(APIError(error))
            }
        }
        return outcomes
    }
}

/// One line of a bulk request on its way from the body to its result.
enum BulkLine: Sendable {
    /// One line's submission or bundle, and its pre-check (run again after a refusal: see `afterRefusal`).
    struct Group: Sendable {
        let submissions: [Submission]
        let precheck: @Sendable () throws -> [Registry.Precheck]
    }

    /// Refused: the error object the single endpoint would answer.
    case failed(APIError)
    /// Every submission of the line is in the log already (or on its way), at these indices.
    case duplicate([UInt64], [Submission])
    /// Pre-checked and waiting for the sequencer: every submission of the line as the pre-check accepted it.
    case verified(Group, [CheckedSubmission])
    /// The single endpoint's answer and status.
    case answered(HTTPResponse.Status, SubmissionAnswer)

    /// The line's result, RFC 8785: `line` (1-based), `status`, and the answer's members or `error`
    /// (and `retryAfter`).
    func bytes(line: Int) -> [UInt8] {
        var object = CanonicalObject()
        switch self {
        case .answered(let status, let answer):
            do {
                object = try answer.canonicalObject()
                try object.set("status", integer: Int64(status.code))
            } catch {
                return BulkLine.failed(APIError(error)).bytes(line: line)
            }
        case .failed(let error):
            object.set("error", canonical: error.detailBytes)
            object.set("status", canonical: Array(String(error.status.code).utf8))
            if let retryAfter = error.retryAfter { object.set("retryAfter", canonical: Array(String(retryAfter).utf8)) }
        case .duplicate, .verified:
            // Every line is answered or failed before the answer is written; this is never reached.
            return BulkLine.failed(APIError(.internalServerError, code: "internal", "internal error")).bytes(line: line)
        }
        object.set("line", canonical: Array(String(line).utf8))
        return object.bytes()
    }
}
