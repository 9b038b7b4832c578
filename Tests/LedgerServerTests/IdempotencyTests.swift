import CanonicalJSON
import Foundation
import LedgerClient
import LedgerServer
import Registry
import Testing

/// Re-sending is always safe, even at once: identical submissions (or bundles) sent concurrently over real sockets
/// all get the same entries — 201 for the one that was sequenced, 200 `duplicate` for the others — never 409.
@Suite(.serialized) struct IdempotencyTests {
    /// The answer's entry indices and whether it says duplicate, or the failure.
    static func indices(_ answer: HTTPClientResponse) throws -> (indices: [Int], duplicate: Bool) {
        let json = try JSONValue.parse(answer.body)
        let entries = json["entries"]?.arrayValue ?? []
        return (entries.compactMap { $0["index"]?.numberValue.map { Int($0) } }, json["duplicate"] == .bool(true))
    }

    @Test func twentyIdenticalSubmissionsAtOnce_allGetTheSameEntry_roundAfterRound() async throws {
        try await DevLedgerServer.run { server in
            // The holder the links are about.
            let license = try server.signExample("license-issue", as: "demo-amr").canonicalBytes
            #expect(try await server.post("/v1/submissions", license).status == 201)
            for round in 0..<6 {
                let link = try server.signExample("link-real-estate", as: "demo-bdc").canonicalBytes
                let answers = try await withThrowingTaskGroup(of: HTTPClientResponse.self) { group in
                    for _ in 0..<20 { group.addTask { try await server.post("/v1/submissions", link) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let statuses = answers.map(\.status).sorted()
                #expect(statuses.filter { $0 == 201 }.count == 1 && statuses.filter { $0 == 200 }.count == 19,
                        "round \(round): \(statuses) \(answers.first { $0.status >= 300 }?.text ?? "")")
                let seen = Set(try answers.filter { $0.status < 300 }.map { try Self.indices($0).indices })
                #expect(seen.count == 1, "round \(round): every answer names the one entry, got \(seen)")
                #expect(try answers.filter { $0.status == 200 }.allSatisfy { try Self.indices($0).duplicate })
            }
        }
    }

    @Test func fourIdenticalBundlesAtOnce_allGetTheSameEntries() async throws {
        try await DevLedgerServer.run { server in
            // One live license per USCC: a new holder each round.
            for (round, uscc) in ["91350100MA2YDE7W7J", "91350100MA8CL0015G", "91110000802100433B"].enumerated() {
                let license = try server.signExample("license-issue", as: "demo-amr") { $0["uscc"] = .string(uscc) }
                let seal = try server.signExample("seal-issue", as: "demo-psb") {
                    $0["holder"] = .string(uscc)
                    $0["sealId"] = .string("3501002026000\(round + 1)")
                }
                let bundle = try SubmissionBundle([license, seal]).canonicalBytes
                let answers = try await withThrowingTaskGroup(of: HTTPClientResponse.self) { group in
                    for _ in 0..<4 { group.addTask { try await server.post("/v1/submissions", bundle) } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let statuses = answers.map(\.status).sorted()
                #expect(statuses == [200, 200, 200, 201],
                        "round \(round): \(statuses) \(answers.first { $0.status >= 300 }?.text ?? "")")
                let seen = Set(try answers.filter { $0.status < 300 }.map { try Self.indices($0).indices })
                #expect(seen.count == 1 && seen.first?.count == 2, "round \(round): \(seen)")
            }
        }
    }
}
