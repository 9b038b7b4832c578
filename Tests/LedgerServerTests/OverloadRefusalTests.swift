import CanonicalJSON
import Foundation
import LedgerClient
import LedgerServer
import Log
import Registry
import Testing

/// Overload is pushback, never a verdict on the submission: a flood of valid submissions (singly and in bulk) into a
/// tiny queue gets 429 (the department's share is full) or 503 (the queue is full) for what does not fit — never 401
/// or any other refusal — and every refused one is accepted as new when sent again later.
@Suite(.serialized) struct OverloadRefusalTests {
    @Test func floodOfValidSubmissions_isRefusedOnlyWith429Or503_andEveryRefusedOneIsAcceptedLater() async throws {
        try await DevLedgerServer.run(configure: { config in
            // Batches of 4 that linger 300 ms, 8 entries queued at most, 6 of them from one department; 16 verified
            // submissions wait for the gate at most (twice the queue): the bulk request's twelve pre-checked lines
            // beside a full queue pass that bound.
            config.sequencer.maxBatchDelayMilliseconds = 300
            config.sequencer.maxBatchEntries = 4
            config.sequencer.maxGroupEntries = 4
            config.sequencer.queueLimit = 8
            config.sequencer.departmentQueueLimit = 6
        }) { server in
            let license = try server.signExample("license-issue", as: "demo-amr").canonicalBytes
            #expect(try await server.post("/v1/submissions", license).status == 201)
            let start = server.ledger.log.snapshot.head.size
            let links = try (0..<20).map { _ in try server.signExample("link-real-estate", as: "demo-bdc") }
            let seals = try (0..<20).map { n in
                try server.signExample("seal-issue", as: "demo-psb") { $0["sealId"] = .string("3501002026S\(n)") }
            }
            let bulkLinks = try (0..<6).map { _ in try server.signExample("link-real-estate", as: "demo-bdc") }
            let bulkSeals = try (0..<6).map { n in
                try server.signExample("seal-issue", as: "demo-psb") { $0["sealId"] = .string("3501002026B\(n)") }
            }
            let bulk = zip(bulkLinks, bulkSeals).flatMap { [$0, $1] }

            // Everything at once: the singles and one bulk request of twelve lines.
            let (singles, bulkResults) = try await withThrowingTaskGroup(of: [(Submission, Int)].self) { group in
                for submission in links + seals {
                    group.addTask {
                        [(submission, try await server.post("/v1/submissions", submission.canonicalBytes).status)]
                    }
                }
                group.addTask {
                    let (answer, results) = try await BulkSubmissionTests.bulk(server, bulk.map(\.canonicalBytes))
                    #expect(answer.status == 200, "\(answer.text)")
                    return zip(bulk, results.map { $0.status ?? 0 }).map { ($0, $1) }
                }
                var all: [(Submission, Int)] = []
                for try await part in group { all += part }
                return (all.filter { single in !bulk.contains { $0.canonicalBytes == single.0.canonicalBytes } },
                        all.filter { line in bulk.contains { $0.canonicalBytes == line.0.canonicalBytes } })
            }
            let outcomes = singles + bulkResults
            #expect(outcomes.count == 52)
            let statuses = Set(outcomes.map(\.1))
            #expect(statuses.isSubset(of: [201, 429, 503]), "\(outcomes.map(\.1))")
            #expect(!outcomes.contains { $0.1 == 401 })
            let refused = outcomes.filter { $0.1 == 429 || $0.1 == 503 }.map(\.0)
            #expect(!refused.isEmpty, "the flood must overflow the queue for this test to mean anything")

            // Sent again once the flood has passed, each refused submission is new to the ledger: 201.
            for submission in refused {
                var status = 0
                for _ in 0..<50 {
                    status = try await server.post("/v1/submissions", submission.canonicalBytes).status
                    guard status == 429 || status == 503 else { break }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(status == 201)
            }
            // Every submission is in the log once; the rest are the batches' map roots.
            let end = server.ledger.log.snapshot.head.size
            let payloads = try await server.ledger.log.store.entries(start..<end).map {
                Array(try LogEntry(bytes: $0).payload)
            }
            let submitted = payloads.filter { !String(decoding: $0, as: UTF8.self).contains(#""kind":"map.root""#) }
            #expect(Set(submitted) == Set((links + seals + bulk).map(\.canonicalBytes)))
            #expect(submitted.count == 52)
        }
    }
}
