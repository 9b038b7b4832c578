import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry

extension CertLedgerBench {
    /// The load side of `Scripts/crash-trials`: sends signed link.share submissions to a development daemon from
    /// several connections until the daemon goes away, printing `ACK <index> <leafHash>` for every entry the daemon
    /// acknowledged (201) — the record the trial later checks against the restarted daemon. Output is flushed per
    /// line so that nothing acknowledged is lost with this process.
    struct CrashLoad: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "crash-load",
            abstract: "Submit until the daemon dies; print every acknowledged entry.")

        @Option(help: "The daemon.") var server = "http://127.0.0.1:8080"
        @Option(help: "The development ledger's folder (for the demo department keys).") var devFolder: String
        @Option(help: "Config/examples.") var examples = "Config/examples"
        @Option(help: "Concurrent connections.") var concurrency = 16

        func run() async throws {
            let client = try LedgerHTTPClient(url: server, timeout: .seconds(10))
            let demo = try DemoSigner(devFolder: devFolder)
            try await demo.issueLicense(client: client, examples: examples)
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<concurrency {
                    group.addTask {
                        // Each connection submits until it fails (the daemon was killed), then stops.
                        _ = try? await client.withConnection { connection throws(HTTPClientError) in
                            while true {
                                guard let body = try? demo.link().canonicalBytes else { return }
                                let answer = try await connection.send(
                                    "POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                    body: body)
                                guard answer.status == 201,
                                      let json = try? JSONValue.parse(answer.body),
                                      let entry = json["entries"]?.arrayValue?.first,
                                      let index = entry["index"]?.numberValue,
                                      let leaf = entry["leafHash"]?.stringValue else { continue }
                                FileHandle.standardOutput.write(Data("ACK \(UInt64(index)) \(leaf)\n".utf8))
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The demo departments of a development ledger, signing the load's submissions: demo-bdc (Ed25519), or a
/// benchmark department with an ECDSA P-256 or SM2 key that `prepare` registers through the operator.
struct DemoSigner: Sendable {
    let amr: PrivateKey
    let operatorKey: PrivateKey
    /// Who signs the links, with which key.
    let linker: DepartmentID
    let linkKey: PrivateKey

    init(devFolder: String, algorithm: SignatureAlgorithm = .ed25519) throws {
        func key(_ id: String) throws -> PrivateKey {
            try PrivateKey(pem: String(contentsOfFile: "\(devFolder)/departments/\(id).key", encoding: .utf8))
        }
        amr = try key("demo-amr")
        operatorKey = try key("demo-ledger")
        if algorithm == .ed25519 {
            linker = try DepartmentID(validating: "demo-bdc")
            linkKey = try key("demo-bdc")
        } else {
            linker = try DepartmentID(validating: "bench-" + (algorithm == .sm2SM3 ? "sm2" : "ecdsa") + "-"
                                      + String(UUID().uuidString.prefix(8)).lowercased())
            linkKey = try PrivateKey.generate(algorithm)
        }
    }

    /// Registers the benchmark department (for ECDSA and SM2 keys), signed by the operator.
    func registerLinker(client: LedgerHTTPClient) async throws {
        guard linker.value != "demo-bdc" else { return }
        let record = DepartmentRegisterRecord(id: linker, nameZh: "基准测试部门", nameEn: "Benchmark department",
                                              roles: [.link(.realEstate)], keys: [try KeyRecord(linkKey.publicKey)])
        let submission = try Submission.sign(kind: .departmentRegister, department: DepartmentID(validating: "demo-ledger"),
                                             key: operatorKey, nonce: .random(), record: record)
        let answer = try await client.send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                           body: submission.canonicalBytes)
        guard answer.status == 201 else {
            throw ValidationError("could not register \(linker): \(answer.status) \(answer.text)")
        }
    }

    /// Issues the example license (the holder every link is about) under a fixed nonce: a re-run is a duplicate.
    func issueLicense(client: LedgerHTTPClient, examples: String) async throws {
        let license = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: examples + "/license-issue.json"))))
        let issue = try Submission.sign(kind: .licenseIssue, department: DepartmentID(validating: "demo-amr"),
                                        key: amr, nonce: Nonce(validating: "bench-license-issue-0001"),
                                        recordJSON: license["record"] ?? .null)
        let issued = try await client.send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                           body: issue.canonicalBytes)
        guard issued.status == 201 || issued.status == 200 else {
            throw ValidationError("could not issue the benchmark license: \(issued.status) \(issued.text)")
        }
    }

    /// A fresh link.share about the example holder, signed by demo-bdc.
    func link() throws -> Submission {
        let record: JSONValue = .object([
            "dataDigest": .object(["algorithm": .string("sha256"),
                                   "digest": .string(HashAlgorithm.sha256.hash(Array(UUID().uuidString.utf8)).hex),
                                   "salted": .bool(true)]),
            "holder": .string("91350100MA2YDE7W7J"), "linkKind": .string("real-estate"),
            "purpose": .string("benchmark"), "reference": .string("BENCH-\(UUID().uuidString.prefix(8))"),
            "sharedAt": .string("2026-11-29T01:02:03.456Z"),
            "sourceDepartment": .string("demo-amr"), "targetDepartment": .string(linker.value),
        ])
        return try Submission.sign(kind: .linkShare, department: linker, key: linkKey, nonce: .random(),
                                   recordJSON: record)
    }
}
