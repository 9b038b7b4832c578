import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry

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
        let submission = try Submission.sign(kind: .departmentRegister,
                                             department: DepartmentID(validating: "demo-ledger"),
                                             key: operatorKey, nonce: .random(), record: record)
        let answer = try await client.send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                           body: submission.canonicalBytes)
        guard answer.status == 201 else {
            throw ValidationError("could not register \(linker): \(answer.status) \(answer.text)")
        }
    }

    /// Issues the example license (the holder every link is about) under a fixed nonce: a re-run is a duplicate.
    func issueLicense(client: LedgerHTTPClient, examples: String) async throws {
        let file = URL(fileURLWithPath: examples + "/license-issue.json")
        let license = try JSONValue.parse(Array(try Data(contentsOf: file)))
        let issue = try Submission.sign(kind: .licenseIssue, department: DepartmentID(validating: "demo-amr"),
                                        key: amr, nonce: Nonce(validating: "bench-license-issue-0001"),
                                        recordJSON: license["record"] ?? .null)
        let issued = try await client.send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                           body: issue.canonicalBytes)
        guard issued.status == 201 || issued.status == 200 else {
            throw ValidationError("could not issue the benchmark license: \(issued.status) \(issued.text)")
        }
    }

    /// Issues the example seal (`seal-issue.json`) to the example holder, signed by demo-psb under a fixed nonce, so
    /// that the verification load can ask a seal question; a re-run is a duplicate. Needs the license first.
    func issueSeal(client: LedgerHTTPClient, examples: String, devFolder: String) async throws {
        let psb = try PrivateKey(pem: String(contentsOfFile: "\(devFolder)/departments/demo-psb.key", encoding: .utf8))
        let seal = try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: examples + "/seal-issue.json"))))
        let issue = try Submission.sign(kind: .sealIssue, department: DepartmentID(validating: "demo-psb"),
                                        key: psb, nonce: Nonce(validating: "bench-seal-issue-0001"),
                                        recordJSON: seal["record"] ?? .null)
        let issued = try await client.send("POST", "/v1/submissions", headers: [("Content-Type", "application/json")],
                                           body: issue.canonicalBytes)
        guard issued.status == 201 || issued.status == 200 else {
            throw ValidationError("could not issue the benchmark seal: \(issued.status) \(issued.text)")
        }
    }

    /// The verification questions the benchmark rotates among, each answered `authentic` once `issueLicense` and
    /// `issueSeal` ran: the license by USCC, the license with its document's digest, the bare document digest and
    /// the seal with its expected holder. Canonical JSON, one question per element.
    static func verifyQuestions(examples: String) throws -> [[UInt8]] {
        func record(_ file: String) throws -> JSONValue {
            try JSONValue.parse(Array(try Data(contentsOf: URL(fileURLWithPath: examples + "/" + file))))["record"]
                ?? .null
        }
        let license = try record("license-issue.json")
        let seal = try record("seal-issue.json")
        guard let uscc = license["uscc"], let document = license["document"], let sealId = seal["sealId"] else {
            throw ValidationError("\(examples): license-issue.json or seal-issue.json lacks uscc, document or sealId")
        }
        let questions: [JSONValue] = [
            .object(["subject": .string("license"), "uscc": uscc]),
            .object(["subject": .string("license"), "uscc": uscc, "document": document]),
            .object(["subject": .string("document"), "document": document]),
            .object(["subject": .string("seal"), "sealId": sealId, "holder": uscc]),
        ]
        return questions.map { $0.canonicalBytes() }
    }

    /// A license.issue of the example license (`license-issue.json`'s record) to a new holder, signed by demo-amr:
    /// USCC `BenchLedger.uscc(serial)` (distinct serials give distinct holders, none the example's own) and a
    /// document digest of its own, so each one adds two status-map keys (the license and its document).
    func license(_ serial: Int, example: JSONValue) throws -> Submission {
        guard case .object(var record) = example else {
            throw ValidationError("license-issue.json's record is not an object")
        }
        record["uscc"] = .string(BenchLedger.uscc(serial))
        record["name"] = .string("基准云链科技有限公司\(serial)")
        record["document"] = .object([
            "algorithm": .string("sha256"),
            "digest": .string(HashAlgorithm.sha256.hash(Array("bench license document \(serial)".utf8)).hex),
        ])
        return try Submission.sign(kind: .licenseIssue, department: DepartmentID(validating: "demo-amr"), key: amr,
                                   nonce: .random(), recordJSON: .object(record))
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
