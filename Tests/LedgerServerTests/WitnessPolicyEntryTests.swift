import ChildProcessSupport
import Foundation
import LedgerClient
import LedgerServer
import SignedNote
import Testing

/// The operator's witness policy recorded in the log (`witness.policy`): written from a policy file by
/// `certledger witness policy-record`, signed by `certledger sign`, served with its proof by
/// `GET /v1/witness-policy`; `certledger checkpoint`, `verify`, `audit` and `submit` with `--witness-policy` warn on
/// stderr when their file and the log disagree, and stay silent when they agree. The file alone decides the outcome.
@Suite(.serialized) struct WitnessPolicyEntryTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/examples").path

    func run(_ arguments: [String], in folder: String) async throws -> ProgramRun {
        try await ProgramRun.run(WitnessPolicyCLITests.certledger, arguments, directory: folder)
    }

    @Test func publishedPolicy_isServed_andCheckersWarnOnlyWhenTheirFileDisagrees() async throws {
        try await WitnessedLedger.run(witnesses: 2, quorum: 2) { ledger in
            let server = ledger.server
            let folder = ledger.folder
            let url = "http://127.0.0.1:\(server.client.port)"
            let vkey = "@" + folder + "/checkpoint.vkey"
            try ledger.policy.text.write(toFile: folder + "/policy.txt", atomically: true, encoding: .utf8)
            // The same witnesses with another quorum: a file that disagrees with the log, yet passes on its own.
            let lax = try WitnessPolicy(logVerifier: ledger.policy.logVerifier, witnesses: ledger.policy.witnesses,
                                        quorum: 1)
            try lax.text.write(toFile: folder + "/lax.txt", atomically: true, encoding: .utf8)
            let issue = try await server.post("/v1/submissions",
                                              try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issue.status == 201)

            // Before any policy entry: 404, and nothing to warn about.
            #expect(try await server.client.http.send("GET", "/v1/witness-policy").status == 404)
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
            let before = try await run(["checkpoint", "--server", url, "--witness-policy", folder + "/lax.txt"],
                                       in: folder)
            #expect(before.status == 0, "\(before.errors)")
            #expect(!before.errors.contains("WARNING"), "\(before.errors)")

            // The operator publishes its policy: the file's witnesses and quorum, signed with the operator key.
            let record = try await run(["witness", "policy-record", "--witness-policy", folder + "/policy.txt"],
                                       in: folder)
            #expect(record.status == 0, "\(record.errors)")
            try record.output.write(toFile: folder + "/record.json", atomically: true, encoding: .utf8)
            let signed = try await run(["sign", "--department", "demo-ledger", "--key",
                                  folder + "/departments/demo-ledger.key", folder + "/record.json"], in: folder)
            #expect(signed.status == 0, "\(signed.errors)")
            let published = try await server.post("/v1/submissions", Array(signed.output.utf8))
            #expect(published.status == 201, "\(published.text)")
            let index = try #require(try JSONDecoder().decode(SubmissionBody.self, from: Data(published.body))
                .entries.first?.index)
            // A second policy that does not name the first one is refused.
            let unchained = try await run(["sign", "--department", "demo-ledger", "--key",
                                     folder + "/departments/demo-ledger.key", folder + "/record.json"], in: folder)
            let refused = try await server.post("/v1/submissions", Array(unchained.output.utf8))
            #expect(refused.status == 409 && refused.text.contains("record.policyPrev"), "\(refused.text)")

            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
            let served = try await server.client.http.send("GET", "/v1/witness-policy")
            #expect(served.status == 200)
            #expect(served.header("Access-Control-Allow-Origin") == "*")
            let answer = try JSONDecoder().decode(SubmissionBody.self, from: Data(served.body))
            #expect(answer.entries.map(\.index) == [index])

            // Agreement: silent. Disagreement: a warning naming the difference, the outcome unchanged.
            let common = ["--server", url, "--verifier-key", vkey]
            for (file, warns) in [("policy.txt", false), ("lax.txt", true)] {
                let policy = ["--witness-policy", folder + "/" + file]
                let checkpoint = try await run(["checkpoint", "--server", url] + policy, in: folder)
                let verify = try await run(["verify", "license", "91350100MA2YDE7W7J"] + common + policy, in: folder)
                let audit = try await run(["audit"] + common + policy, in: folder)
                let link = try await run(["submit", "--department", "demo-bdc", "--key",
                                          folder + "/departments/demo-bdc.key",
                                          Self.examples + "/link-real-estate.json"] + common + policy, in: folder)
                for (name, result) in [("checkpoint", checkpoint), ("verify", verify), ("audit", audit),
                                       ("submit", link)] {
                    #expect(result.status == 0, "\(name) with \(file): \(result.output) \(result.errors)")
                    #expect(result.errors.contains("WARNING") == warns, "\(name) with \(file): \(result.errors)")
                    if warns {
                        #expect(result.errors.contains("witness.policy entry \(index)"), "\(result.errors)")
                        #expect(result.errors.contains("quorum 1 in the file, 2 in the log"), "\(result.errors)")
                    }
                }
            }
        }
    }
}
