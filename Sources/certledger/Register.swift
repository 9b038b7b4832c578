import ArgumentParser
import Foundation
import LedgerCrypto
import Registry

extension CertLedger {
    /// `certledger register`: the operator registers a department — its id, names, roles and public keys — as a
    /// `department.register` entry signed with the operator key. From that entry on, the department's
    /// submissions verify against these keys (DESIGN.md §3: the key history lives in the log).
    struct Register: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a department in the ledger (operator only).",
            discussion: """
                Builds the department.register record from the options, checks it as the ledger will, signs it \
                with the operator's key and submits it. Roles: license-issuer, seal-issuer, or link:<kind> with \
                kind one of real-estate, housing-fund, public-resource-trading, taxation, social-insurance, \
                medical-insurance, bank-account.

                Example (a development ledger, whose operator is demo-ledger):
                  certledger keygen --out keys/xm-ggzy
                  certledger register --id xm-ggzy --name-zh 厦门市公共资源交易中心 \\
                      --name-en "Xiamen Public Resource Trading Center" --role link:public-resource-trading \\
                      --public-key keys/xm-ggzy.pub \\
                      --operator demo-ledger --operator-key dev-ledger/departments/demo-ledger.key
                """
        )

        @OptionGroup var server: ServerOptions

        @Option(help: "The new department's id (2-40 characters of a-z 0-9 -).") var id: String
        @Option(help: "Its Chinese name.") var nameZh: String
        @Option(help: "Its English name.") var nameEn: String
        @Option(help: "A role (repeat for several).") var role: [String]
        @Option(help: "A public key file (SPKI PEM from `certledger keygen`; repeat for several).") var publicKey: [String]
        @Option(help: "The operator's department id.") var `operator`: String
        @Option(help: "The operator's private key.") var operatorKey: String
        @Option(help: "Folder for the saved entry and proof.") var proofs: String = "proofs"
        @Option(help: "The trusted checkpoint verifier key (name+id+key, or @FILE).") var verifierKey: String?

        func run() async throws {
            let record: DepartmentRegisterRecord
            do {
                let keys = try publicKey.map { path -> KeyRecord in
                    guard let pem = try? String(contentsOfFile: path, encoding: .utf8) else {
                        throw CLIError("--public-key: cannot read \(path)")
                    }
                    do { return try KeyRecord(try PublicKey(pem: pem)) } catch {
                        throw CLIError("--public-key \(path): \(error)")
                    }
                }
                record = DepartmentRegisterRecord(
                    id: try DepartmentID(validating: id), nameZh: nameZh, nameEn: nameEn,
                    roles: try role.map { try Role(validating: $0) }, keys: keys)
                try record.validate(as: .departmentRegister, at: "record")
            } catch let error as RegistryError {
                throw CLIError("\(error)")
            }
            let key: PrivateKey
            do {
                guard let pem = try? String(contentsOfFile: operatorKey, encoding: .utf8) else {
                    throw CLIError("cannot read")
                }
                key = try PrivateKey(pem: pem)
            } catch {
                throw CLIError("--operator-key \(operatorKey): \(error)")
            }
            let submission: Submission
            do {
                submission = try Submission.sign(kind: .departmentRegister, department: DepartmentID(validating: `operator`),
                                                 key: key, nonce: .random(), record: record)
            } catch {
                throw CLIError("\(error)")
            }
            let sender = SubmissionSender(client: try server.client(), proofs: proofs,
                                          verifier: try verifierKey.map { try trustedVerifier($0) }, json: false)
            guard try await sender.send(submission.canonicalBytes, label: "department.register \(id)") else {
                throw CLIExit.notAuthentic
            }
        }
    }
}
