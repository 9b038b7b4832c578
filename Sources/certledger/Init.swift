import LedgerStores
import ArgumentParser
import Foundation
import LedgerCrypto
import Log
import Registry
import SignedNote
import Yams

extension CertLedger {
    /// `certledger init`: create a production ledger — the one deliberate act that makes a store.
    struct Init: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a new ledger: checkpoint and receipt keys, the genesis entry, and the departments.",
            discussion: """
                Makes <data>/log.sqlite (refusing an existing one, or a <data> holding keys), a checkpoint key \
                (<data>/checkpoint.skey, mode 0600, and checkpoint.vkey — the key auditors and departments \
                trust), a receipt key (<data>/receipt.key, 0600, and receipt.pub), then writes entry 0 \
                (ledger.genesis) and one department.register entry per department of the departments file, all signed with the operator's \
                key. The department whose roles include `operator` is the operator itself: its key file must be \
                the public half of --operator-key.

                With --store the log goes elsewhere — a PostgreSQL schema \
                (postgres://USER@HOST:PORT/DB?schema=NAME, created by init and refused if it exists; the \
                password only from CERTLEDGER_PG_PASSWORD) or \
                another SQLite file (sqlite:PATH) — while the keys stay in <data>; init then also writes a daemon \
                configuration pointing at it (<data>/certledgerd.yaml, or --config FILE) and prints its lines.

                Exit codes: 0 created, 2 usage or configuration error (including a ledger or schema that exists \
                already), 3 the database cannot be reached.

                Example:
                  certledger keygen --algorithm ed25519 --out keys/demo-ledger
                  certledger init --data /var/lib/certledger --origin ledger.demo.gov.cn/certledger \\
                      --departments Config/departments.example.yaml --operator-key keys/demo-ledger.key
                  CERTLEDGER_PG_PASSWORD=… certledger init --data /var/lib/certledger \\
                      --store 'postgres://certledger@db.example:5432/ledger?schema=certledger' \\
                      --origin ledger.demo.gov.cn/certledger \\
                      --departments Config/departments.example.yaml --operator-key keys/demo-ledger.key
                """
        )

        @Option(help: "The data folder to create the ledger in (created if missing).")
        var data: String

        @Option(help: "The ledger's origin: the first line of every checkpoint, e.g. ledger.demo.gov.cn/certledger.")
        var origin: String

        @Option(help: "The departments file (see Config/departments.example.yaml); key paths are relative to it.")
        var departments: String

        @Option(help: "The operator's private key (PKCS#8 PEM, from `certledger keygen`).")
        var operatorKey: String

        @Option(help: "Hash suite of the ledger: sha256 or sm3.")
        var hash: String = "sha256"

        @Option(help: ArgumentHelp(
            "Where the log goes instead of <data>/log.sqlite: postgres://USER@HOST:PORT/DB?schema=NAME (password "
                + "from CERTLEDGER_PG_PASSWORD) or sqlite:PATH.",
            valueName: "store"))
        var store: String?

        @Option(help: "The daemon configuration to write with --store (default <data>/certledgerd.yaml).")
        var config: String?

        @Option(help: "Connections per daemon to a PostgreSQL store (1…64), written into the configuration.")
        var poolSize = 4

        func validate() throws {
            guard HashAlgorithm(rawValue: hash) != nil else { throw ValidationError("--hash must be sha256 or sm3") }
            guard !origin.isEmpty, !origin.contains(where: \.isWhitespace), !origin.contains("+") else {
                throw ValidationError("--origin must be a non-empty name without spaces or '+'")
            }
            guard (1...64).contains(poolSize) else { throw ValidationError("--pool-size must be in 1…64") }
            guard config == nil || store != nil else { throw ValidationError("--config is written only with --store") }
        }

        func run() async throws {
            let hashAlgorithm = HashAlgorithm(rawValue: hash)!
            let operatorPrivate: PrivateKey
            do {
                operatorPrivate = try PrivateKey(pem: try String(contentsOfFile: operatorKey, encoding: .utf8))
            } catch {
                throw CLIError("--operator-key \(operatorKey): \(error)")
            }
            let file = try DepartmentsFile.load(departments)
            let (operatorID, registrations) = try file.records(operatorKey: operatorPrivate.publicKey,
                                                               relativeTo: departments)
            let address = try store.map { try StoreAddress($0, option: "--store", poolSize: poolSize) }
                ?? .sqlite(path: data + "/log.sqlite")
            let configPath = store == nil ? nil : config ?? data + "/certledgerd.yaml"
            let fm = FileManager.default
            try fm.createDirectory(atPath: data, withIntermediateDirectories: true)
            for existing in [data + "/log.sqlite", data + "/checkpoint.skey", configPath].compactMap({ $0 })
            where fm.fileExists(atPath: existing) {
                throw CLIError("\(existing) exists: a ledger is created once (refusing to touch it)")
            }
            // The store first: an unreachable server or an existing schema stops init before any key is written.
            let logStore: any ClosableLogStore
            do { logStore = try await address.create(origin: origin) } catch {
                throw storeFailure(error, "cannot create the ledger's store \(address)")
            }

            let checkpointSigner = try Ed25519NoteSigner.generate(name: origin)
            let receipt = try PrivateKey.generate(.ed25519)
            try writeFile(data + "/checkpoint.skey", contents: try checkpointSigner.signerKey, mode: 0o600)
            try writeFile(data + "/checkpoint.vkey", contents: checkpointSigner.verifier.verifierKey + "\n", mode: 0o644)
            try writeFile(data + "/receipt.key", contents: try receipt.pkcs8PEM(), mode: 0o600)
            try writeFile(data + "/receipt.pub", contents: receipt.publicKey.pem, mode: 0o644)

            let genesis = try LedgerBootstrap.genesisRecord(
                checkpointKey: checkpointSigner.verifier, hashSuite: hashAlgorithm,
                operatorKey: operatorPrivate.publicKey, receiptKey: receipt.publicKey)
            let bootstrap = try LedgerBootstrap(operatorDepartment: operatorID, operatorKey: operatorPrivate,
                                                genesis: genesis, departments: registrations)

            let identity = LogIdentity(origin: origin, hashAlgorithm: hashAlgorithm,
                                       verifier: checkpointSigner.verifier)
            let groups: [SequencedGroup]
            do {
                groups = try await bootstrap.write(to: logStore, identity: identity, signer: checkpointSigner,
                                                   verifierKey: checkpointSigner.verifier.verifierKey)
            } catch {
                await logStore.close()
                throw error
            }
            await logStore.close()
            let size = groups.last?.treeSize ?? 0
            print("created ledger \(origin) in \(store == nil ? data : "\(address) (keys in \(data))")")
            print("  entries     \(size) (genesis + \(registrations.count) departments)")
            print("  operator    \(operatorID) (key \(operatorPrivate.publicKey.keyID))")
            print("  checkpoint  verifier key (give it to auditors and departments):")
            print("              \(checkpointSigner.verifier.verifierKey)")
            print("  keys        \(data)/checkpoint.skey and \(data)/receipt.key are secret (mode 0600)")
            if let configPath {
                let yaml = DaemonConfigFile(data: data, address: address, origin: origin, hash: hashAlgorithm).text
                try writeFile(configPath, contents: yaml, mode: 0o644)
                print("  config      \(configPath) (start: certledgerd --config \(configPath)):")
                print(address.daemonYAML(indent: "                "), terminator: "")
            }
        }
    }
}

/// The departments file (Config/departments.example.yaml).
struct DepartmentsFile: Decodable {
    struct Department: Decodable {
        let id: String
        let nameZh: String
        let nameEn: String
        let roles: [String]
        let keys: [String]
    }

    let departments: [Department]

    static func load(_ path: String) throws -> DepartmentsFile {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw CLIError("cannot read the departments file \(path)")
        }
        do { return try YAMLDecoder().decode(DepartmentsFile.self, from: text) } catch {
            throw CLIError("\(path): \(error)")
        }
    }

    /// The operator's department id and the registration records of all the others, validated.
    func records(operatorKey: PublicKey, relativeTo path: String) throws -> (DepartmentID, [DepartmentRegisterRecord]) {
        let base = (path as NSString).deletingLastPathComponent
        var operatorID: DepartmentID?
        var records: [DepartmentRegisterRecord] = []
        for (i, department) in departments.enumerated() {
            let field = "departments[\(i)]"
            do {
                let id = try DepartmentID(validating: department.id)
                let keys = try department.keys.map { file -> PublicKey in
                    let full = file.hasPrefix("/") ? file : (base as NSString).appendingPathComponent(file)
                    guard let pem = try? String(contentsOfFile: full, encoding: .utf8) else {
                        throw CLIError("\(field).keys: cannot read \(full)")
                    }
                    return try PublicKey(pem: pem)
                }
                if department.roles.contains(Role.operator.value) {
                    guard operatorID == nil else { throw CLIError("\(field): a second department with role operator") }
                    guard keys.contains(operatorKey) else {
                        throw CLIError("\(field) (\(department.id)) is the operator, but none of its keys is the "
                            + "public half of --operator-key (\(operatorKey.keyID))")
                    }
                    operatorID = id
                    continue
                }
                let roles = try department.roles.map { name throws(RegistryError) -> Role in
                    try Role(validating: name)
                }
                let record = DepartmentRegisterRecord(id: id, nameZh: department.nameZh, nameEn: department.nameEn,
                                                      roles: roles, keys: try keys.map { try KeyRecord($0) })
                try record.validate(as: SubmissionKind.departmentRegister, at: field)
                records.append(record)
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("\(path): \(field): \(error)")
            }
        }
        guard let operatorID else { throw CLIError("\(path): no department has the role operator") }
        return (operatorID, records)
    }
}
