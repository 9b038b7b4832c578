import CanonicalJSON
import Foundation
import LedgerClient
import LedgerServer
import Log
import Registry
import Testing

/// Two daemons in one process on one PostgreSQL ledger: what one accepts, the other serves — its look-ups, its
/// checkpoint and its sequencing gate — once it has followed the store; and both accept submissions.
@Suite struct PostgresFollowerTests {
    static let holder = "91350100MA2YDE7W7J"

    @Test func licenseSubmittedThroughOneDaemon_isServedByTheOtherAfterFollowing() async throws {
        try await PostgresTestLedger.with(followIntervalMilliseconds: 50) { shared in
            try await shared.serve { first in
                try await shared.serve { second in
                    // Before: the second daemon knows no such license.
                    #expect(try await second.client.http.send("GET", "/v1/licenses/\(Self.holder)").status == 404)
                    let license = try first.signExample("license-issue", as: "demo-amr")
                    let created = try await first.post("/v1/submissions", license.canonicalBytes)
                    #expect(created.status == 201, "\(created.text)")
                    let index = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(created.body))
                        .entries[0].index

                    let found = try await Self.poll(second, "/v1/licenses/\(Self.holder)", until: 200)
                    let answer = try JSONValue.parse(found.body)
                    #expect(answer["status"]?.stringValue == "live")
                    #expect(answer["currentIndex"] == .number(Double(index)), "\(found.text)")
                    // The second daemon's checkpoint is the first one's: the same signed tree.
                    let checkpoints = (try await first.client.http.send("GET", "/checkpoint").body,
                                       try await second.client.http.send("GET", "/checkpoint").body)
                    #expect(checkpoints.0 == checkpoints.1)
                    // The license and the map root closing its batch.
                    #expect(second.ledger.log.sequencer.head.size == index + 2)

                    // The second daemon's gate knows the license too: amending it there works, re-issuing does not.
                    let amend = try Self.amendment(of: index, on: second)
                    let reissue = try second.signExample("license-issue", as: "demo-amr")
                    let amendAnswer = try await second.post("/v1/submissions", amend)
                    #expect(amendAnswer.status == 201, "\(amendAnswer.text)")
                    let refused = try await second.post("/v1/submissions", reissue.canonicalBytes)
                    #expect(refused.status == 409, "one live license per USCC, across daemons: \(refused.text)")
                    // And back: the first daemon follows the amendment.
                    let amended = try await Self.poll(first, "/v1/licenses/\(Self.holder)") {
                        (try? JSONValue.parse($0.body))?["version"] == .number(2)
                    }
                    #expect(amended.status == 200)
                }
            }
        }
    }

    @Test func followingOff_aDaemonLagsUntilItsOwnNextAppend() async throws {
        try await PostgresTestLedger.with(followIntervalMilliseconds: 0) { shared in
            try await shared.serve { first in
                try await shared.serve { second in
                    let license = try first.signExample("license-issue", as: "demo-amr")
                    #expect(try await first.post("/v1/submissions", license.canonicalBytes).status == 201)
                    try await Task.sleep(for: .milliseconds(400))
                    #expect(try await second.client.http.send("GET", "/v1/licenses/\(Self.holder)").status == 404,
                            "with following off, nothing tells the second daemon")
                    // Its own next append (of another holder's license) loses the race, catches up, and is
                    // sequenced after the first license.
                    let other = try second.signExample("license-issue", as: "demo-amr") { record in
                        record["uscc"] = .string(Self.otherHolder)
                    }
                    let issued = try await second.post("/v1/submissions", other.canonicalBytes)
                    #expect(issued.status == 201, "\(issued.text)")
                    let answer = try JSONDecoder().decode(SubmissionAnswer.self, from: Data(issued.body))
                    // The development ledger (genesis, departments, a map root closing each of their two batches),
                    // the first license and its batch's map root, then this one.
                    let developmentLedger = UInt64(1 + DevelopmentLedger.departments.count + 2)
                    #expect(answer.entries.map(\.index) == [developmentLedger + 2])
                    #expect(try await second.client.http.send("GET", "/v1/licenses/\(Self.holder)").status == 200)
                }
            }
        }
    }

    /// GETs `path` from `server` every 20 ms until `done` holds (at most 5 s).
    static func poll(_ server: DevLedgerServer, _ path: String, until status: Int) async throws
        -> HTTPClientResponse {
        try await poll(server, path) { $0.status == status }
    }

    static func poll(_ server: DevLedgerServer, _ path: String, _ done: (HTTPClientResponse) -> Bool) async throws
        -> HTTPClientResponse {
        let deadline = ContinuousClock.now + .seconds(5)
        while true {
            let response = try await server.client.http.send("GET", path)
            if done(response) || ContinuousClock.now > deadline { return response }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// A `license.amend` of the example license (version 2, after entry `index`), signed by demo-amr.
    static func amendment(of index: UInt64, on server: DevLedgerServer) throws -> [UInt8] {
        let example = try JSONValue.parse(Array(try Data(contentsOf: DevLedgerServer.examples
            .appendingPathComponent("license-issue.json"))))
        var record = example["record"]?.objectValue ?? [:]
        record["version"] = .number(2)
        record["subjectPrev"] = .number(Double(index))
        return try Submission.sign(kind: .licenseAmend, department: DepartmentID(validating: "demo-amr"),
                                   key: server.key("demo-amr"), nonce: .random(), recordJSON: .object(record))
            .canonicalBytes
    }

    /// A valid USCC other than the example's: its last two characters (organisation-code check and overall check)
    /// found by trying every pair.
    static let otherHolder: String = {
        let alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        for a in alphabet {
            for b in alphabet {
                let candidate = "91350100MA2YDE7X" + String(a) + String(b)
                if (try? USCC(candidate)) != nil { return candidate }
            }
        }
        return "none"
    }()
}
