import Foundation
import LedgerServer
import Logging
import ServiceLifecycle
import SignedNote
import Witness
import WitnessServer

/// Two demonstration witnesses for a development ledger (`certledgerd --dev --dev-witnesses`): real C2SP
/// tlog-witnesses (`Witness`, `WitnessServer`, each with its own key and state file under
/// `<dev folder>/demo-witnesses/`), served on free ports of 127.0.0.1 inside the daemon's own process, so that a new
/// user sees cosigned checkpoints, `?wait=witnessed` answers and the page's witness names at once.
///
/// They prove nothing: their keys lie beside the operator's, in the same folder, and they run in the operator's
/// process — one trust domain. Real witnesses are separate processes run by other departments
/// (`certledger witness serve`, README). Their names say `demo-witness`, the daemon logs a warning at start, and
/// `/healthz` carries `witnessNote`.
enum DemoWitnesses {
    /// The folder (inside the development ledger's) holding the demo witnesses' data.
    static let folderName = "demo-witnesses"
    /// The verifying side's policy for the dev ledger and its demo witnesses, written next to the ledger.
    static let policyFileName = "demo-witness-policy.txt"
    /// How many demo witnesses run; all must cosign.
    static let count = 2
    /// The note `/healthz` carries while they run.
    static let note = "demo witnesses in this process (certledgerd --dev --dev-witnesses): they share the operator's "
        + "trust domain and prove nothing; real witnesses are run by other departments"

    /// The cosignature name of demo witness `number` (1-based): says what it is in every cosignature line.
    static func name(_ number: Int) -> String { "demo-witness-\(number).dev.certledger.invalid" }

    /// Opens (on first use creates) the demo witnesses of the development ledger in `folder`, following its
    /// checkpoint key; writes the policy file; serves them on 127.0.0.1 while `body` runs with the `witnesses:`
    /// configuration that names them; then stops them.
    static func run<T: Sendable>(folder: String, logger: Logger,
                                 _ body: (ServerConfig.Witnesses) async throws -> T) async throws -> T {
        let (witnesses, policy) = try await open(folder: folder, logger: logger)
        let policyPath = (folder as NSString).appendingPathComponent(policyFileName)
        let header = """
            # DEMO witness policy of a DEVELOPMENT ledger: its witnesses run inside certledgerd --dev --dev-witnesses,
            # with keys in the same folder as the operator's. It shows how a policy is used; it proves nothing.

            """
        guard FileManager.default.createFile(atPath: policyPath, contents: Data((header + policy.text).utf8),
                                             attributes: [.posixPermissions: 0o644]) else {
            for witness in witnesses { await witness.close() }
            throw LedgerServerError(.fileUnreadable, field: "data", "cannot write \(policyPath)")
        }
        do {
            let result = try await serve(witnesses, logger: logger) { ports in
                var config = ServerConfig.Witnesses(members: witnesses.map { witness in
                    .init(url: "http://127.0.0.1:\(ports[witness.verifierKey] ?? 0)", verifierKey: witness.verifierKey)
                })
                config.quorum = count
                config.note = note
                logger.warning("""
                    DEMO WITNESSES \(witnesses.map(\.cosigner.name).joined(separator: ", ")) serve in this process \
                    on \(config.members.map(\.url).joined(separator: ", ")): they share the operator's trust domain \
                    (keys in \(folder)/\(folderName)) and prove nothing; check with --witness-policy \(policyPath)
                    """)
                return try await body(config)
            }
            for witness in witnesses { await witness.close() }
            return result
        } catch {
            for witness in witnesses { await witness.close() }
            throw error
        }
    }

    /// The demo witnesses, created on first use, each following the development ledger's checkpoint key; and the
    /// policy over them (quorum: all of them).
    private static func open(folder: String, logger: Logger) async throws -> ([Witness], WitnessPolicy) {
        let vkeyPath = (folder as NSString).appendingPathComponent("checkpoint.vkey")
        let logVerifier: Ed25519NoteVerifier
        do {
            let text = try String(contentsOfFile: vkeyPath, encoding: .utf8)
            logVerifier = try Ed25519NoteVerifier(verifierKey: text.trimmingCharacters(in: .whitespacesAndNewlines))
        } catch {
            throw LedgerServerError(.fileUnreadable, field: "data",
                                    "the development ledger's checkpoint key \(vkeyPath) cannot be read: \(error)")
        }
        var witnesses: [Witness] = []
        var members: [WitnessPolicy.Member] = []
        do {
            for number in 1...count {
                let directory = WitnessDirectory(path: "\(folder)/\(folderName)/demo-witness-\(number)")
                if !FileManager.default.fileExists(atPath: directory.keyPath) {
                    _ = try await directory.create(name: name(number))
                }
                let store = try await WitnessStore.open(path: directory.statePath)
                do {
                    _ = try await store.addLog(origin: DevelopmentLedger.origin, verifier: logVerifier)
                } catch {
                    await store.close()
                    throw error
                }
                await store.close()
                let witness = try await Witness.open(directory: directory, logger: logger)
                witnesses.append(witness)
                members.append(.init(label: "demo-witness-\(number)",
                                     verifier: try Ed25519CosignatureVerifier(verifierKey: witness.verifierKey)))
            }
            return (witnesses, try WitnessPolicy(logVerifier: logVerifier, witnesses: members, quorum: count))
        } catch {
            for witness in witnesses { await witness.close() }
            if let error = error as? LedgerServerError { throw error }
            throw LedgerServerError(.fileUnreadable, field: "data",
                                    "cannot open the demo witnesses in \(folder)/\(folderName): \(error)")
        }
    }

    /// Serves `witnesses` on free ports of 127.0.0.1 while `body` runs with each one's port by its verifier key.
    private static func serve<T: Sendable>(_ witnesses: [Witness], logger: Logger,
                                           _ body: ([String: Int]) async throws -> T) async throws -> T {
        let (reports, continuation) = AsyncStream.makeStream(of: (String, Int?).self)
        var quiet = logger
        quiet.logLevel = .warning
        let apps = witnesses.map { witness in
            buildWitnessApplication(witness: witness, host: "127.0.0.1", port: 0, logger: quiet) {
                continuation.yield((witness.verifierKey, $0))
            }
        }
        let group = ServiceGroup(configuration: .init(services: apps.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [], logger: quiet))
        return try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                defer { continuation.finish() }
                try await group.run()
            }
            var ports: [String: Int] = [:]
            var iterator = reports.makeAsyncIterator()
            while ports.count < witnesses.count, let report = await iterator.next() {
                guard let port = report.1 else { break }
                ports[report.0] = port
            }
            let result: Result<T, any Error>
            if ports.count == witnesses.count {
                do { result = .success(try await body(ports)) } catch { result = .failure(error) }
            } else {
                result = .failure(LedgerServerError(.fileUnreadable, field: "listen",
                                                    "the demo witnesses could not listen on 127.0.0.1"))
            }
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            return try result.get()
        }
    }
}
