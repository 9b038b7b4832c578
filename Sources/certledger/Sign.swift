import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerCrypto
import Registry

extension CertLedger {
    /// `certledger sign`: a department signs a record on its own machine; the signed submission can then be sent
    /// alone or assembled with other departments' into a bundle (`submit --bundle`).
    struct Sign: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a record with a department key and print the signed submission (JSON).",
            discussion: """
                FILE (or - for standard input) holds {"kind": "...", "record": {...}} and optionally "nonce"; \
                see Config/examples/ and docs/records.md. The record is checked exactly as the ledger will check \
                it before anything is signed; an error names the field. A fresh random nonce is drawn unless the \
                file or --nonce gives one (re-sending the same signed submission is always safe: the ledger \
                answers with the original entry).

                Example (a development ledger from `certledgerd --dev`):
                  certledger sign --department demo-amr --key dev-ledger/departments/demo-amr.key \\
                      Config/examples/license-issue.json > license.json
                """
        )

        @Option(help: "The signing department's id, as registered in the ledger.")
        var department: String

        @Option(help: "The department's private key (PKCS#8 PEM from `certledger keygen`).")
        var key: String

        @Option(help: "The nonce (16-64 characters of A-Z a-z 0-9 _ -). Default: the file's, else random.")
        var nonce: String?

        @Argument(help: "The unsigned record file, or - for standard input.")
        var file: String

        func run() throws {
            let submission = try signFile(file, department: department, keyPath: key, nonce: nonce)
            print(String(decoding: submission.canonicalBytes, as: UTF8.self))
        }
    }
}

/// Reads `path` (or stdin for `-`) whole.
func readInput(_ path: String) throws -> [UInt8] {
    if path == "-" { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
    guard let data = FileManager.default.contents(atPath: path) else { throw CLIError("cannot read \(path)") }
    return Array(data)
}

/// Signs the unsigned record file `path` as `department` with the key at `keyPath`.
func signFile(_ path: String, department: String, keyPath: String, nonce: String?) throws -> Submission {
    let value: JSONValue
    do { value = try JSONValue.parse(try readInput(path)) } catch let error as JSONError {
        throw CLIError("\(path): not valid JSON: \(error)")
    }
    guard let members = value.objectValue, let kindText = members["kind"]?.stringValue,
          let record = members["record"] else {
        throw CLIError("\(path): expected {\"kind\": …, \"record\": {…}} (see Config/examples/)")
    }
    if let extra = Set(members.keys).subtracting(["kind", "record", "nonce"]).sorted().first {
        throw CLIError("\(path): unknown member \"\(extra)\" (an unsigned record file has kind, record, nonce)")
    }
    let privateKey: PrivateKey
    do {
        guard let pem = try? String(contentsOfFile: keyPath, encoding: .utf8) else { throw CLIError("cannot read") }
        privateKey = try PrivateKey(pem: pem)
    } catch {
        throw CLIError("--key \(keyPath): \(error)")
    }
    do {
        let chosenNonce = try (nonce ?? members["nonce"]?.stringValue).map { try Nonce(validating: $0) } ?? .random()
        return try Submission.sign(kind: SubmissionKind(validating: kindText),
                                   department: DepartmentID(validating: department), key: privateKey,
                                   nonce: chosenNonce, recordJSON: record)
    } catch let error as RegistryError {
        throw CLIError("\(path): \(error)")
    }
}
