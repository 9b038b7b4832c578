import Foundation
import LedgerCrypto
public import Logging
public import Log
import LogSQLite
import Registry
import SignedNote

/// A development ledger (DESIGN.md §7): created on first run only when `--dev` asks for it, in its own folder —
/// a whole working ledger, so that a new user can submit and verify at once: checkpoint and receipt keys, an
/// operator key, a genesis, and demo departments (one per role and link kind) whose private keys lie in
/// `<folder>/departments/`. Its origin says DEVELOPMENT-ONLY in every checkpoint. Never a side effect of a
/// missing production store.
public enum DevelopmentLedger {
    /// The origin of every development ledger: it says what it is in every checkpoint it signs.
    public static let origin = "dev.certledger.invalid/DEVELOPMENT-ONLY"

    /// The demo departments: (id, Chinese name, English name, roles). The operator is `demo-ledger`.
    public static let departments: [(id: String, nameZh: String, nameEn: String, roles: [String])] = [
        ("demo-amr", "示例市市场监督管理局", "Demo City Administration for Market Regulation", ["license-issuer"]),
        ("demo-psb", "示例市公安局", "Demo City Public Security Bureau", ["seal-issuer"]),
        ("demo-bdc", "示例市不动产登记中心", "Demo City Real Estate Registration Center", ["link:real-estate"]),
        ("demo-gjj", "示例市住房公积金管理中心", "Demo City Housing Provident Fund Center", ["link:housing-fund"]),
        ("demo-ggzy", "示例市公共资源交易中心", "Demo City Public Resource Trading Center",
         ["link:public-resource-trading"]),
        ("demo-tax", "示例市税务局", "Demo City Taxation Bureau", ["link:taxation"]),
        ("demo-hrss", "示例市社会保险事业管理中心", "Demo City Social Insurance Center", ["link:social-insurance"]),
        ("demo-hsa", "示例市医疗保障局", "Demo City Healthcare Security Administration", ["link:medical-insurance"]),
        ("demo-bank", "示例银行示例市分行", "Demo Bank, Demo City Branch", ["link:bank-account"]),
    ]

    /// The operator's department id in a development ledger.
    public static let operatorID = "demo-ledger"

    /// The configuration for a development ledger in `folder`, otherwise `base`.
    public static func config(folder: String, base: ServerConfig = ServerConfig()) -> ServerConfig {
        var config = base
        config.data = folder
        config.store = ServerConfig.Store()
        config.keys = ServerConfig.Keys()
        config.log = ServerConfig.LogSettings()
        return config
    }

    /// The private key file of demo department `id` in the development ledger at `folder`.
    public static func departmentKeyPath(folder: String, id: String) -> String {
        (folder as NSString).appendingPathComponent("departments/\(id).key")
    }

    /// Creates the development ledger described by `config` if its store does not exist yet; returns whether it
    /// created one. An existing store is left alone (and opened, and checked, like any other). A failure
    /// removes what it wrote: half a ledger is worse than none.
    @discardableResult
    public static func createIfMissing(config: ServerConfig, logger: Logger) async throws -> Bool {
        let fm = FileManager.default
        let storePath = config.resolve(config.store.sqlite)
        guard !fm.fileExists(atPath: storePath) else { return false }
        try checkNoKey(config: config, store: storePath)
        do {
            try fm.createDirectory(atPath: config.data, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerServerError(.fileUnreadable, field: "data", "cannot create \(config.data): \(error)")
        }
        let store: SQLiteLogStore
        do { store = try await SQLiteLogStore.create(path: storePath) } catch {
            throw LedgerServerError(.fileUnreadable, field: "store.sqlite",
                                    "cannot create the development ledger in \(config.data): \(error)")
        }
        do {
            try await create(config: config, in: store, logger: logger)
        } catch {
            await store.close()
            for file in [storePath, storePath + "-wal", storePath + "-shm"] { try? fm.removeItem(atPath: file) }
            throw error
        }
        await store.close()
        return true
    }

    /// Writes a development ledger's key files into `config.data` (which must not hold a checkpoint key yet) and
    /// its genesis and demo departments into `store`, an empty store just created by the caller — SQLite for
    /// `--dev`, or a PostgreSQL schema for tests and benchmarks of several daemons sharing one ledger. Goes
    /// through the same `LedgerBootstrap.write` as `certledger init`. On failure the key files are removed; the
    /// store is the caller's to drop. The store is left open.
    public static func create(config: ServerConfig, in store: any LogStore, logger: Logger) async throws {
        let fm = FileManager.default
        try checkNoKey(config: config, store: "\(config.store.field) of this ledger")
        let keyPath = config.resolve(config.keys.checkpoint)
        let departmentsFolder = (config.data as NSString).appendingPathComponent("departments")
        do {
            try fm.createDirectory(atPath: departmentsFolder, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerServerError(.fileUnreadable, field: "data", "cannot create \(config.data): \(error)")
        }
        var written: [String] = []
        do {
            let signer = try Ed25519NoteSigner.generate(name: origin)
            try write(keyPath, try signer.signerKey + "\n", mode: 0o600, into: &written)
            try write(config.resolve("checkpoint.vkey"), signer.verifier.verifierKey + "\n", mode: 0o644,
                      into: &written)
            let receipt = try PrivateKey.generate(.ed25519)
            try write(config.resolve(config.keys.receipt), try receipt.pkcs8PEM(), mode: 0o600, into: &written)
            try write(config.resolve("receipt.pub"), receipt.publicKey.pem, mode: 0o644, into: &written)

            let operatorKey = try PrivateKey.generate(.ed25519)
            try write(departmentKeyPath(folder: config.data, id: operatorID), try operatorKey.pkcs8PEM(),
                      mode: 0o600, into: &written)
            var registrations: [DepartmentRegisterRecord] = []
            for department in departments {
                let key = try PrivateKey.generate(.ed25519)
                let path = departmentKeyPath(folder: config.data, id: department.id)
                try write(path, try key.pkcs8PEM(), mode: 0o600, into: &written)
                try write(String(path.dropLast(4)) + ".pub", key.publicKey.pem, mode: 0o644, into: &written)
                registrations.append(DepartmentRegisterRecord(
                    id: try DepartmentID(validating: department.id), nameZh: department.nameZh,
                    nameEn: department.nameEn, roles: try department.roles.map { try Role(validating: $0) },
                    keys: [try KeyRecord(key.publicKey)]))
            }
            let genesis = try LedgerBootstrap.genesisRecord(checkpointKey: signer.verifier,
                                                            operatorKey: operatorKey.publicKey,
                                                            receiptKey: receipt.publicKey)
            let bootstrap = try LedgerBootstrap(operatorDepartment: try DepartmentID(validating: operatorID),
                                                operatorKey: operatorKey, genesis: genesis,
                                                departments: registrations)
            let identity = LogIdentity(origin: origin, hashAlgorithm: .sha256, verifier: signer.verifier)
            _ = try await bootstrap.write(to: store, identity: identity, signer: signer,
                                          verifierKey: signer.verifier.verifierKey, logger: logger)
        } catch {
            for file in written { try? fm.removeItem(atPath: file) }
            if let error = error as? LedgerServerError { throw error }
            throw LedgerServerError(.fileUnreadable, field: config.store.field,
                                    "cannot create the development ledger in \(config.data): \(error)")
        }
        logger.warning("""
            created a DEVELOPMENT ledger in \(config.data) — origin \(origin), genesis and \(departments.count) demo \
            departments (\(departments.map(\.id).joined(separator: ", "))) whose PRIVATE keys are in \
            \(departmentsFolder); its checkpoint key lies next to it. Never use it for real records.
            """)
    }

    /// A new ledger never pairs with an old checkpoint key.
    private static func checkNoKey(config: ServerConfig, store: String) throws {
        let keyPath = config.resolve(config.keys.checkpoint)
        guard !FileManager.default.fileExists(atPath: keyPath) else {
            throw LedgerServerError(.refusedStore, field: "keys.checkpoint",
                "\(keyPath) exists but \(store) does not; refusing to pair an old key with a new ledger")
        }
    }

    private static func write(_ path: String, _ text: String, mode: Int, into written: inout [String]) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8),
                                             attributes: [.posixPermissions: mode]) else {
            throw LedgerServerError(.fileUnreadable, field: "data", "cannot write \(path)")
        }
        written.append(path)
    }
}
