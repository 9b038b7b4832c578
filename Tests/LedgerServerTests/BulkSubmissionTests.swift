import ChildProcessSupport
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Log
import Registry
import Testing

/// `POST /v1/submissions/bulk` over a real socket against a development ledger: every line is judged as if it had
/// been sent alone, in order; the answer (NDJSON, one result per line) comes once every accepted line is durable.
@Suite(.serialized) struct BulkSubmissionTests {
    /// The example license's holder, and a second holder.
    static let holderA = "91350100MA2YDE7W7J"
    static let holderB = "91350100MA8CL0015G"

    /// One result line of a bulk answer.
    struct Result {
        let json: JSONValue
        var line: Int? { json["line"]?.numberValue.map { Int($0) } }
        var status: Int? { json["status"]?.numberValue.map { Int($0) } }
        var code: String? { json["error"]?["code"]?.stringValue }
        var field: String? { json["error"]?["field"]?.stringValue }
        var indices: [UInt64] {
            (json["entries"]?.arrayValue ?? []).compactMap { $0["index"]?.numberValue.map { UInt64($0) } }
        }
        var entryBytes: [[UInt8]] {
            (json["entries"]?.arrayValue ?? []).compactMap { $0["entry"]?.stringValue.flatMap { Base64.decode($0) } }
        }
        var treeSize: Int? { json["treeSize"]?.numberValue.map { Int($0) } }
        var duplicate: Bool { json["duplicate"] == .bool(true) }
    }

    static func bulk(_ server: DevLedgerServer, _ lines: [[UInt8]]) async throws -> (HTTPClientResponse, [Result]) {
        let body = lines.map { $0 + [0x0A] }.joined()
        let answer = try await server.post("/v1/submissions/bulk", Array(body), contentType: "application/x-ndjson")
        guard answer.status == 200 else { return (answer, []) }
        let results = try answer.body.split(separator: 0x0A, omittingEmptySubsequences: false).dropLast()
            .map { Result(json: try JSONValue.parse(Array($0))) }
        return (answer, results)
    }

    /// A submission with one record field changed after signing: its signature no longer verifies.
    static func tampered(_ submission: Submission) -> [UInt8] {
        var object = submission.json.objectValue ?? [:]
        var record = object["record"]?.objectValue ?? [:]
        record["reference"] = .string("BDC-2026-TAMPERED")
        object["record"] = .object(record)
        return JSONValue.object(object).canonicalBytes()
    }

    static func revoke(_ server: DevLedgerServer, _ uscc: String, subjectPrev: Int) throws -> Submission {
        try server.signExample("license-revoke", as: "demo-amr") {
            $0["uscc"] = .string(uscc)
            $0["subjectPrev"] = .number(Double(subjectPrev))
        }
    }

    @Test func mixedLines_areAnsweredInOrder_eachAsIfSentAlone_andAllAcceptedAreDurableInOneBatch() async throws {
        try await DevLedgerServer.run { server in
            // The development ledger holds the genesis, nine departments and its batches' map roots.
            let base = server.ledger.log.snapshot.head.size
            let issueA = try server.signExample("license-issue", as: "demo-amr")
            let badSignature = try server.signExample("link-real-estate", as: "demo-bdc")
            let wrongRole = try server.signExample("license-issue", as: "demo-bdc") {
                $0["uscc"] = .string(Self.holderB)
            }
            let revokeTooEarly = try Self.revoke(server, Self.holderB, subjectPrev: Int(base) + 1)
            let issueB = try server.signExample("license-issue", as: "demo-amr") { $0["uscc"] = .string(Self.holderB) }
            let linkA = try server.signExample("link-real-estate", as: "demo-bdc")
            let revokeB = try Self.revoke(server, Self.holderB, subjectPrev: Int(base) + 1)
            let issueAAgain = try server.signExample("license-issue", as: "demo-amr")
            let lines: [[UInt8]] = [
                issueA.canonicalBytes,                 // 1: 201 at base
                Array(#"{"kind":"license.issue","#.utf8), // 2: not JSON
                Self.tampered(badSignature),           // 3: 401
                wrongRole.canonicalBytes,              // 4: 403, a link department issuing a license
                revokeTooEarly.canonicalBytes,         // 5: 404, holder B has no license yet
                issueB.canonicalBytes,                 // 6: 201 at base + 1
                [],                                    // 7: empty line
                linkA.canonicalBytes,                  // 8: 201 at base + 2
                revokeB.canonicalBytes,                // 9: 201 at base + 3, after the issue of line 6
                issueAAgain.canonicalBytes,            // 10: 409, holder A's license (line 1) is live
            ]
            let (answer, results) = try await Self.bulk(server, lines)
            #expect(answer.status == 200, "\(answer.text)")
            #expect(answer.header("Content-Type") == "application/x-ndjson")
            #expect(results.map(\.line) == Array(1...10))
            #expect(results.map(\.status) == [201, 400, 401, 403, 404, 201, 400, 201, 201, 409], "\(answer.text)")
            #expect(results.map(\.code) == [nil, "invalid", "bad_signature", "forbidden", "not_found", nil,
                                            "empty_line", nil, nil, "conflict"])
            #expect(results[2].field == "signature" && results[6].field == "line")
            #expect(results.map(\.indices) == [[base], [], [], [], [], [base + 1], [], [base + 2], [base + 3], []])
            #expect(results.filter { $0.status == 201 }.allSatisfy { !$0.duplicate })

            // All four accepted lines went through one batch, closed by its map root: one checkpoint covers them.
            #expect(Set(results.compactMap(\.treeSize)) == [Int(base) + 5])
            // Durable before the answer: the store holds exactly the answered entries, carrying the lines' bytes.
            let stored = try await server.ledger.log.store.entries(base..<(base + 4))
            #expect(stored == (base..<(base + 4)).compactMap { index in results.first { $0.indices == [index] } }
                .flatMap(\.entryBytes))
            let payloads = try stored.map { Array(try LogEntry(bytes: $0).payload) }
            #expect(payloads == [issueA, issueB, linkA, revokeB].map(\.canonicalBytes))

            // The refused lines' error objects are exactly what the single endpoint answers for them.
            for (position, line) in [(2, lines[2]), (3, lines[3])] {
                let alone = try await server.post("/v1/submissions", line)
                #expect(alone.status == results[position].status)
                #expect(try JSONValue.parse(alone.body)["error"] == results[position].json["error"])
            }
        }
    }

    @Test func identicalLines_inOneRequest_andReSent_getTheOriginalEntries() async throws {
        try await DevLedgerServer.run { server in
            let license = try server.signExample("license-issue", as: "demo-amr").canonicalBytes
            let link = try server.signExample("link-real-estate", as: "demo-bdc").canonicalBytes
            let base = server.ledger.log.snapshot.head.size
            let (_, first) = try await Self.bulk(server, [license, license, link, license])
            #expect(first.map(\.status) == [201, 200, 201, 200])
            #expect(first.map(\.indices) == [[base], [base], [base + 1], [base]])
            #expect(first.map(\.duplicate) == [false, true, false, true])
            // Two new entries and the batch's map root.
            let size = server.ledger.log.snapshot.head.size
            #expect(size == base + 3)

            // The whole request again: every line is a re-send, answered with its original entry.
            let (_, again) = try await Self.bulk(server, [license, license, link, license])
            #expect(again.map(\.status) == [200, 200, 200, 200])
            #expect(again.map(\.indices) == [[base], [base], [base + 1], [base]])
            #expect(again.allSatisfy { $0.duplicate })
            #expect(again[0].entryBytes == first[0].entryBytes && again[2].entryBytes == first[2].entryBytes)
            // And singly: the single endpoint knows the bulk line's entry.
            let single = try await server.post("/v1/submissions", link)
            #expect(single.status == 200)
            #expect(try IdempotencyTests.indices(single).indices == [Int(base) + 1])
            #expect(server.ledger.log.snapshot.head.size == size)
        }
    }

    @Test func bundleLine_isSequencedAtomically_besideSingleLines() async throws {
        try await DevLedgerServer.run { server in
            let license = try server.signExample("license-issue", as: "demo-amr") { $0["uscc"] = .string(Self.holderB) }
            let seal = try server.signExample("seal-issue", as: "demo-psb") { $0["holder"] = .string(Self.holderB) }
            let bundle = try SubmissionBundle([license, seal]).canonicalBytes
            // A bundle whose seal names a holder without a license is refused whole (its license is not issued
            // either); the lines around it are not.
            let orphan = try server.signExample("seal-issue", as: "demo-psb") {
                $0["holder"] = .string(Self.holderA)
                $0["sealId"] = .string("35010020260009")
            }
            let issueOther = try server.signExample("license-issue", as: "demo-amr") {
                $0["uscc"] = .string("91110000802100433B")
            }
            let refusedBundle = try SubmissionBundle([issueOther, orphan]).canonicalBytes
            let link = try server.signExample("link-real-estate", as: "demo-bdc") {
                $0["holder"] = .string(Self.holderB)
            }
            let base = server.ledger.log.snapshot.head.size
            let (_, results) = try await Self.bulk(server, [bundle, refusedBundle, link.canonicalBytes])
            #expect(results.map(\.status) == [201, 404, 201])
            #expect(results.map(\.indices) == [[base, base + 1], [], [base + 2]])
            #expect(results[1].field == "bundle[1].record.holder", "\(results[1].json)")
            #expect(server.ledger.log.snapshot.head.size == base + 4)
            let other = try await server.client.http.send("GET", "/v1/licenses/91110000802100433B")
            #expect(other.status == 404)
        }
    }

    @Test func requestsThatAreNotBulkRequests_areRefusedWhole_andNothingIsSequenced() async throws {
        try await DevLedgerServer.run(configure: { config in
            config.http.bulkMaxLines = 3
            config.http.bodyLimitBytes = 8_192
        }) { server in
            let base = server.ledger.log.snapshot.head.size
            // The holder's license, then links about it.
            let lines = try [server.signExample("license-issue", as: "demo-amr").canonicalBytes] + (0..<3).map { _ in
                try server.signExample("link-real-estate", as: "demo-bdc").canonicalBytes
            }
            let body = Array(lines.map { $0 + [0x0A] }.joined())
            let tooMany = try await server.post("/v1/submissions/bulk", body, contentType: "application/x-ndjson")
            #expect(tooMany.status == 413)
            let error = try JSONValue.parse(tooMany.body)["error"]
            #expect(error?["code"]?.stringValue == "too_many_lines")
            #expect(error?["message"]?.stringValue?.contains("3") == true)

            let tooLarge = try await server.post("/v1/submissions/bulk", [UInt8](repeating: 0x20, count: 9_000),
                                                 contentType: "application/x-ndjson")
            #expect(tooLarge.status == 413)
            let json = try await server.post("/v1/submissions/bulk", lines[0], contentType: "application/json")
            #expect(json.status == 415)
            #expect(try JSONValue.parse(json.body)["error"]?["field"]?.stringValue == "Content-Type")
            let empty = try await server.post("/v1/submissions/bulk", [], contentType: "application/x-ndjson")
            #expect(empty.status == 400)
            #expect(server.ledger.log.snapshot.head.size == base, "nothing of the refused requests was sequenced")

            // At the limit, with CRLF line ends and no newline after the last line: accepted.
            let crlf = Array(lines.prefix(3).map { $0 }.joined(separator: [0x0D, 0x0A]))
            let atLimit = try await server.post("/v1/submissions/bulk", crlf, contentType: "application/x-ndjson")
            #expect(atLimit.status == 200)
            #expect(atLimit.text.split(separator: "\n").count == 3)
            #expect(!atLimit.text.contains("error"), "\(atLimit.text)")
            #expect(server.ledger.log.snapshot.head.size == base + 4)
        }
    }

    @Test func bulkAtTheDefaultLimit_isSequencedInFullBatches_andEveryLineIsDurableBeforeTheAnswer() async throws {
        try await DevLedgerServer.run { server in
            let license = try server.signExample("license-issue", as: "demo-amr").canonicalBytes
            let lines = try [license] + (1..<1_000).map { _ in
                try server.signExample("link-real-estate", as: "demo-bdc").canonicalBytes
            }
            let base = server.ledger.log.snapshot.head.size
            let (answer, results) = try await Self.bulk(server, lines)
            #expect(answer.status == 200, "\(answer.text.prefix(300))")
            #expect(results.count == 1_000 && results.allSatisfy { $0.status == 201 })
            // In line order, each batch of the sequencer's default 256 entries closed by its map root: a handful of
            // checkpoints, not a thousand, and every line's entry before its checkpoint.
            let indices = results.flatMap(\.indices)
            #expect(indices.count == 1_000 && zip(indices, indices.dropFirst()).allSatisfy { $0 < $1 })
            #expect(indices.first == base)
            let sizes = Set(results.compactMap(\.treeSize)).sorted()
            #expect(sizes.count == 4, "\(sizes)")
            #expect(zip(indices, results.compactMap(\.treeSize)).allSatisfy { UInt64($1) > $0 })
            let end = UInt64(sizes.last ?? 0)
            #expect(end == base + 1_000 + UInt64(sizes.count), "1,000 entries and one map root per batch")
            let stored = try await server.ledger.log.store.entries(base..<end)
            #expect(indices.map { stored[Int($0 - base)] } == results.flatMap(\.entryBytes))
            for size in sizes {
                let closing = try LogEntry(bytes: stored[Int(UInt64(size) - 1 - base)])
                #expect(String(decoding: closing.payload, as: UTF8.self).contains(#""kind":"map.root""#))
            }
        }
    }

    @Test func cliSubmitOfSeveralFiles_usesOneBulkRequest_printsOneResultPerFile_andFailsIfAnyIsRefused() async throws {
        try await DevLedgerServer.run { server in
            let certledger = DaemonProcess.executable.deletingLastPathComponent().path + "/certledger"
            let folder = server.folder
            let url = "http://127.0.0.1:\(server.client.port)"
            let submissions = [
                try server.signExample("license-issue", as: "demo-amr"),
                try server.signExample("link-real-estate", as: "demo-bdc"),
                try server.signExample("license-issue", as: "demo-bdc") { $0["uscc"] = .string(Self.holderB) },
                try server.signExample("link-real-estate", as: "demo-bdc"),
            ]
            let names = ["issue.json", "link1.json", "forbidden.json", "link2.json"]
            for (name, submission) in zip(names, submissions) {
                try Data(submission.canonicalBytes).write(to: URL(fileURLWithPath: folder + "/" + name))
            }
            let base = server.ledger.log.snapshot.head.size
            let run = try await ProgramRun.run(certledger, ["submit", "--server", url, "--proofs", folder + "/proofs",
                                                        "--verifier-key", "@" + folder + "/checkpoint.vkey"] + names,
                                           directory: folder)
            #expect(run.status == 1, "\(run.output) \(run.errors)")
            let lines = run.output.split(separator: "\n").map(String.init)
            // One line per accepted file, in order, all proven by the one checkpoint of their shared batch (three
            // entries and the batch's map root).
            #expect(lines.filter { $0.contains(": entry ") }.map { $0.prefix { $0 != ":" } }
                    == ["issue.json", "link1.json", "link2.json"], "\(run.output)")
            #expect(lines.contains { $0.hasPrefix("issue.json: entry \(base)  license.issue") })
            #expect(lines.contains { $0.hasPrefix("link2.json: entry \(base + 2)  link.share") })
            #expect(lines.filter { $0.contains(": entry ") }.allSatisfy { $0.hasSuffix("checkpoint size \(base + 4)") })
            #expect(run.errors.contains("forbidden.json: refused: HTTP 403 forbidden"), "\(run.errors)")
            for index in base...(base + 2) {
                #expect(FileManager.default.fileExists(atPath: "\(folder)/proofs/\(index).tlog-proof"))
            }

            // Again, two files per request: the accepted ones are re-sends (their original entries), the refused
            // one is refused again, and the chunking does not change a result.
            let again = try await ProgramRun.run(certledger, ["submit", "--server", url, "--proofs", folder + "/proofs",
                                                          "--chunk", "2"] + names, directory: folder)
            #expect(again.status == 1)
            #expect(again.output.contains("issue.json: entry \(base)  license.issue  (already in the log)"),
                    "\(again.output)")
            #expect(again.output.contains("link2.json: entry \(base + 2)  link.share  (already in the log)"))
            #expect(again.errors.contains("forbidden.json: refused: HTTP 403 forbidden"))
            #expect(server.ledger.log.snapshot.head.size == base + 4)

            let help = try await ProgramRun.run(certledger, ["submit", "--help"])
            #expect(help.output.contains("/v1/submissions/bulk") && help.output.contains("--chunk"))
        }
    }

    @Test func cliSubmit_splitsABulkRequestTheDaemonFindsTooLarge() async throws {
        // Four submissions (a license, three links) do not fit in one 2,000-byte body; two do.
        try await DevLedgerServer.run(configure: { $0.http.bodyLimitBytes = 2_000 }) { server in
            let certledger = DaemonProcess.executable.deletingLastPathComponent().path + "/certledger"
            let folder = server.folder
            let submissions = try [server.signExample("license-issue", as: "demo-amr")] + (0..<3).map { _ in
                try server.signExample("link-real-estate", as: "demo-bdc")
            }
            #expect(submissions.map(\.canonicalBytes.count).reduce(0, +) > 2_000)
            let names = (1...4).map { "s\($0).json" }
            for (name, submission) in zip(names, submissions) {
                try Data(submission.canonicalBytes).write(to: URL(fileURLWithPath: folder + "/" + name))
            }
            let base = server.ledger.log.snapshot.head.size
            let run = try await ProgramRun.run(certledger, ["submit", "--server",
                                                            "http://127.0.0.1:\(server.client.port)",
                                                        "--proofs", folder + "/proofs"] + names, directory: folder)
            #expect(run.status == 0, "\(run.output) \(run.errors)")
            #expect(run.output.split(separator: "\n").filter { $0.contains(": entry ") }.count == 4, "\(run.output)")
            // Four new entries, in two requests of two after the split: two batches, two map roots.
            #expect(server.ledger.log.snapshot.head.size == base + 4 + 2)
        }
    }
}
