import Foundation
public import Logging
import Log
import LogSQLite
import SignedNote

/// A development ledger (DESIGN.md §7): created on first run only when `--dev` asks for it, in its own folder,
/// with a generated checkpoint key (mode 0600) and the log identity recorded in the store. Never a side effect of
/// a missing production store.
public enum DevelopmentLedger {
    /// The origin of every development ledger: it says what it is in every checkpoint it signs.
    public static let origin = "dev.certledger.invalid/DEVELOPMENT-ONLY"

    /// The configuration for a development ledger in `folder`, otherwise `base`.
    public static func config(folder: String, base: ServerConfig = ServerConfig()) -> ServerConfig {
        var config = base
        config.data = folder
        config.store = ServerConfig.Store()
        config.keys = ServerConfig.Keys()
        config.log = ServerConfig.LogSettings()
        return config
    }

    /// Creates the development ledger described by `config` if its store does not exist yet; returns whether it
    /// created one. An existing store is left alone (and opened, and checked, like any other).
    @discardableResult
    public static func createIfMissing(config: ServerConfig, logger: Logger) async throws -> Bool {
        let fm = FileManager.default
        let storePath = config.resolve(config.store.sqlite)
        let keyPath = config.resolve(config.keys.checkpoint)
        guard !fm.fileExists(atPath: storePath) else { return false }
        guard !fm.fileExists(atPath: keyPath) else {
            throw LedgerServerError(.refusedStore, field: "keys.checkpoint",
                "\(keyPath) exists but \(storePath) does not; refusing to pair an old key with a new ledger")
        }
        do {
            try fm.createDirectory(atPath: config.data, withIntermediateDirectories: true,
                                   attributes: [.posixPermissions: 0o700])
        } catch {
            throw LedgerServerError(.fileUnreadable, field: "data", "cannot create \(config.data): \(error)")
        }
        let signer = try Ed25519NoteSigner.generate(name: origin)
        guard fm.createFile(atPath: keyPath, contents: Data((try signer.signerKey + "\n").utf8),
                            attributes: [.posixPermissions: 0o600]) else {
            throw LedgerServerError(.fileUnreadable, field: "keys.checkpoint", "cannot write \(keyPath)")
        }
        do {
            let store = try await SQLiteLogStore.create(path: storePath)
            let identity = LogIdentity(origin: origin, hashAlgorithm: .sha256, verifier: signer.verifier)
            do {
                try await identity.record(in: store, verifierKey: signer.verifier.verifierKey)
            } catch {
                await store.close()
                for file in [storePath, storePath + "-wal", storePath + "-shm"] { try? fm.removeItem(atPath: file) }
                throw error
            }
            await store.close()
        } catch {
            // Half a ledger is worse than none: the next `--dev` run would refuse the lone key.
            try? fm.removeItem(atPath: keyPath)
            throw LedgerServerError(.fileUnreadable, field: "store.sqlite", "cannot create \(storePath): \(error)")
        }
        logger.warning("""
            created a DEVELOPMENT ledger in \(config.data) — its checkpoint key lies next to it and its origin is \
            \(origin); never use it for real records
            """)
        return true
    }
}
