import CanonicalJSON
import ChildProcessSupport
import Foundation
import LedgerServer
import LogStoreContract
import SignedNote
import Testing

/// The witness policy in the browser (`Tests/Browser/witnessed_page.py`, headless Chromium through Selenium): a
/// ledger with two real witnesses (`WitnessedLedger`: in-process `WitnessServer`s, the daemon's `WitnessCollector`),
/// an impostor ledger with its own key and the same origin name holding the same license, and pages written by the
/// built `certledger page`. The written page proves a witnessed answer opened as a file and served statically, names
/// both witnesses with their cosignature times, refuses the impostor and a checkpoint without the policy's quorum in
/// red, and shows cosignatures older than `--max-age` as stale. The page the daemon serves, reached at one address
/// first in front of the ledger and then of the impostor, shows the full-width warning naming the key it remembered
/// and the one it got, and warns when the tree it remembered is larger than the ledger's. Screenshots land in
/// `.build/test-output/witnessed-page/`.
@Suite(.serialized) struct WitnessedPageBrowserTests {
    static var output: URL {
        VerificationPageBrowserTests.repository.appendingPathComponent(".build/test-output/witnessed-page")
    }
    static var script: String {
        VerificationPageBrowserTests.repository.appendingPathComponent("Tests/Browser/witnessed_page.py").path
    }
    static var certledger: String { DaemonProcess.executable.deletingLastPathComponent().path + "/certledger" }
    static let uscc = "91350100MA2YDE7W7J"

    /// Runs `certledger page` into `output/<name>`; returns the written index.html's path and text.
    static func page(_ name: String, policy: String, server: String, extra: [String] = []) async throws -> (String,
                                                                             String) {
        let folder = output.appendingPathComponent(name).path
        let run = try await ProgramRun.run(certledger, ["page", "--witness-policy", policy, "--server", server,
                                                        "--out", folder]
                                       + extra)
        #expect(run.status == 0, "certledger page \(name): \(run.output) \(run.errors)")
        let path = folder + "/index.html"
        return (path, (try? String(contentsOfFile: path, encoding: .utf8)) ?? "")
    }

    @Test(.timeLimit(.minutes(15)))
    func pageWithPolicy_namesWitnesses_refusesImpostorAndNoQuorum_servedPageWarnsWhenTheKeyChanges() async throws {
        guard try await VerificationPageBrowserTests.ready(output: Self.output) else { return }
        // Cosignatures are asked for again only when the log grows, so their age grows while the test runs.
        let (status, log) = try await WitnessedLedger.run(witnesses: 2, quorum: 2,
                                                      configure: { $0.witnesses?.refreshSeconds = 600 }) { ledger in
            let server = ledger.server
            let issued = try await server.post("/v1/submissions",
                                               try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(issued.status == 201, "\(issued.text)")
            _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
            let oldAnswer = try await Self.answerThenRevoke(ledger)
            let oldAnswerPath = Self.output.appendingPathComponent("old-answer.json")
            try Data(oldAnswer).write(to: oldAnswerPath)
            let url = "http://127.0.0.1:\(server.client.port)"
            let policyPath = Self.output.appendingPathComponent("policy.txt").path
            try ledger.policy.text.write(toFile: policyPath, atomically: true, encoding: .utf8)
            let stranger = try Ed25519CosignatureSigner(name: "witness.elsewhere", privateKey: .generate(.ed25519))
            let strict = try WitnessPolicy(logVerifier: ledger.policy.logVerifier,
                                           witnesses: ledger.policy.witnesses
                                            + [.init(label: "elsewhere", verifier: stranger.verifier)], quorum: 3)
            let strictPath = Self.output.appendingPathComponent("strict.txt").path
            try strict.text.write(toFile: strictPath, atomically: true, encoding: .utf8)

            let (good, html) = try await Self.page("good", policy: policyPath, server: url)
            // The policy is built in: its log key, each witness's label and key, and the quorum.
            #expect(html.contains(#"<meta name="certledger-witness-policy" content="log "#
                                  + ledger.policy.logVerifier.verifierKey))
            for member in ledger.policy.witnesses {
                #expect(html.contains("witness \(member.label) \(member.verifier.verifierKey)&#10;"))
            }
            #expect(html.contains("quorum 2&#10;"))
            #expect(html.contains(#"<meta name="certledger-server" content="\#(url)">"#))
            #expect(html.contains("connect-src \(url);"))
            #expect(!html.contains("src=\"/page/"), "the written page must not load anything from its host")
            let (strictPage, _) = try await Self.page("strict", policy: strictPath, server: url)
            let (stalePage, _) = try await Self.page("stale", policy: policyPath, server: url, extra: ["--max-age",
                                                                                                       "1"])

            return try await DevLedgerServer.run { impostor in
                let copied = try await impostor.post(
                    "/v1/submissions", try impostor.signExample("license-issue", as: "demo-amr").canonicalBytes)
                #expect(copied.status == 201, "\(copied.text)")
                let impostorURL = "http://127.0.0.1:\(impostor.client.port)"
                let (impostorPage, _) = try await Self.page("impostor", policy: policyPath, server: impostorURL)
                let impostorKey = try #require(impostor.ledger.log.identity.verifier as? Ed25519NoteVerifier)
                let scenario: [String: AnyEncodable] = [
                    "uscc": .string(Self.uscc), "ledger": .string(url), "impostor": .string(impostorURL),
                    "goodPage": .string(good), "strictPage": .string(strictPage), "stalePage": .string(stalePage),
                    "impostorPage": .string(impostorPage),
                    "labels": .list(ledger.policy.witnesses.map(\.label)),
                    "servedLabels": .list(ledger.policy.witnesses.map(\.verifier.name)),
                    "ledgerKey": .string(ledger.policy.logVerifier.verifierKey),
                    "impostorKey": .string(impostorKey.verifierKey),
                    "replayUSCC": .string(VerificationPageBrowserTests.revokedUSCC),
                    "oldAnswer": .string(oldAnswerPath.path),
                ]
                let scenarioPath = Self.output.appendingPathComponent("scenario.json")
                try JSONEncoder().encode(scenario).write(to: scenarioPath)
                return try await VerificationPageBrowserTests.runScript(
                    ["--scenario", scenarioPath.path, "--out", Self.output.path], script: Self.script,
                    log: Self.output.appendingPathComponent("browser.log"))
            }
        }
        #expect(status == 0, "the browser expectations failed:\n\(log)")
        #expect(log.contains("all browser expectations held"), "\(log)")
    }

    /// Issues a license to another holder, keeps the witnessed verifier answer saying it is authentic, then revokes
    /// it and waits until the revocation is witnessed: the kept answer is genuine, and no longer true.
    static func answerThenRevoke(_ ledger: WitnessedLedger) async throws -> [UInt8] {
        let server = ledger.server, uscc = VerificationPageBrowserTests.revokedUSCC
        let license = try server.signExample("license-issue", as: "demo-amr") {
            $0["uscc"] = .string(uscc)
            $0["name"] = .string("示例已吊销贸易有限公司")
        }
        let issued = try await server.post("/v1/submissions", license.canonicalBytes)
        #expect(issued.status == 201, "\(issued.text)")
        _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
        let asked = try await server.post("/v1/verify", Array(#"{"subject":"license","uscc":"\#(uscc)"}"#.utf8))
        #expect(asked.status == 200 && asked.text.contains(#""verdict":"authentic""#), "\(asked.text)")
        let issuedIndex = (try? JSONValue.parse(issued.body))?["entries"]?.arrayValue?.first?["index"]?.numberValue
        let revoke = try server.signExample("license-revoke", as: "demo-amr") {
            $0["uscc"] = .string(uscc)
            $0["subjectPrev"] = .number(issuedIndex ?? -1)
        }
        let revoked = try await server.post("/v1/submissions", revoke.canonicalBytes)
        #expect(revoked.status == 201, "\(revoked.text)")
        _ = try #require(try await ledger.witnessedCheckpoint(atLeast: server.ledger.log.snapshot.head.size))
        return asked.body
    }

    /// A string or a list of strings, for the scenario file.
    enum AnyEncodable: Encodable {
        case string(String)
        case list([String])

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .string(let value): try container.encode(value)
            case .list(let value): try container.encode(value)
            }
        }
    }
}
