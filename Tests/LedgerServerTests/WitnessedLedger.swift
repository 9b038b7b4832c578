import Foundation
import Hummingbird
import LedgerClient
import LedgerServer
import Logging
import LogStoreContract
import ServiceLifecycle
import SignedNote
import Witness
import WitnessServer

/// A development ledger with witnesses, all over real sockets on 127.0.0.1: `count` in-process C2SP witnesses
/// (`WitnessServer`, each with its own state file), of which those in `down` are configured but never started (their
/// URL is a port nothing listens on), and the daemon's own ServiceGroup with the `WitnessCollector`.
struct WitnessedLedger {
    let server: DevLedgerServer
    /// The verifying side's policy for this ledger and these witnesses.
    let policy: WitnessPolicy
    let folder: String

    /// With `postgres`, that ledger (its folder and configuration) instead of a new SQLite one.
    static func run<T: Sendable>(witnesses count: Int, quorum: Int, down: Set<Int> = [],
                                 postgres: PostgresTestLedger? = nil,
                                 configure: (inout ServerConfig) -> Void = { _ in },
                                 prepare: (Ledger, [Witness]) async throws -> Void = { _, _ in },
                                 _ body: (WitnessedLedger) async throws -> T) async throws -> T {
        let folder = postgres?.folder
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("certledger-wit-\(UUID())").path
        defer { if postgres == nil { try? FileManager.default.removeItem(atPath: folder) } }
        var config = postgres?.config ?? DevelopmentLedger.config(folder: folder)
        config.listen.port = 0
        let logger = quietLogger("test")
        if postgres == nil { try await DevelopmentLedger.createIfMissing(config: config, logger: logger) }
        let (witnesses, policy) = try await makeWitnesses(count, quorum: quorum, folder: folder)
        do {
            let result = try await run(folder: folder, config: config, policy: policy, witnesses: witnesses,
                                       quorum: quorum, down: down, configure: configure, prepare: prepare, body)
            for witness in witnesses { await witness.close() }
            return result
        } catch {
            for witness in witnesses { await witness.close() }
            throw error
        }
    }

    private static func run<T: Sendable>(folder: String, config: ServerConfig, policy: WitnessPolicy,
                                         witnesses: [Witness], quorum: Int, down: Set<Int>,
                                         configure: (inout ServerConfig) -> Void,
                                         prepare: (Ledger, [Witness]) async throws -> Void,
                                         _ body: (WitnessedLedger) async throws -> T) async throws -> T {
        var config = config
        let logger = quietLogger("test")
        return try await withWitnessServers(witnesses.enumerated().filter { !down.contains($0.offset) }.map(\.element))
        { ports in
            config.witnesses = ServerConfig.Witnesses(members: witnesses.indices.map { index in
                let port = down.contains(index) ? 1 : ports[witnesses[index].verifierKey]!
                return .init(url: "http://127.0.0.1:\(port)", verifierKey: witnesses[index].verifierKey)
            })
            config.witnesses?.quorum = quorum
            config.witnesses?.intervalMilliseconds = 50
            config.witnesses?.refreshSeconds = 1
            config.witnesses?.timeoutSeconds = 2
            configure(&config)
            let metrics = ServerMetrics()
            let ledger = try await Ledger.open(config: config, metrics: metrics, logger: logger)
            try await prepare(ledger, witnesses)
            let collector = try WitnessCollector(log: ledger.log, config: config, logger: logger)
            // A PostgreSQL ledger's connections are closed after the run (a SQLite file is left as the tests had it).
            let closesStore = config.store.postgres != nil
            let result: Result<T, any Error>
            do { result = .success(try await withLiveServer({ onRunning in
                try buildApplication(config: config, ledger: ledger, metrics: metrics, logger: logger,
                                     onServerRunning: onRunning)
            }, group: {
                LedgerServices.group(ledger: ledger.log, server: $0, witnesses: collector, signals: [],
                                     mapWriter: ledger.mapWriterService(logger: logger), logger: logger)
            }) { client in
                try await body(WitnessedLedger(server: DevLedgerServer(folder: folder, client: client, ledger: ledger),
                                               policy: policy, folder: folder))
            }) } catch { result = .failure(error) }
            if closesStore { await ledger.log.close() }
            return try result.get()
        }
    }

    /// Polls `/checkpoint` until it carries a witnessed checkpoint of at least `size` (30 s at most: a loaded machine).
    func witnessedCheckpoint(atLeast size: UInt64) async throws -> WitnessedCheckpoint? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let answer = try await server.client.http.send("GET", "/checkpoint")
            if answer.status == 200, case .witnessed(let witnessed) = policy.check(answer.body),
               witnessed.checkpoint.size >= size {
                return witnessed
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return nil
    }
}

/// `count` new C2SP witnesses in `folder/witness-N`, each following the ledger whose checkpoint key is
/// `folder/checkpoint.vkey`, and the verifying side's policy over them with `quorum`. The caller closes them.
func makeWitnesses(_ count: Int, quorum: Int, folder: String) async throws -> ([Witness], WitnessPolicy) {
    let logKey = try String(contentsOfFile: folder + "/checkpoint.vkey", encoding: .utf8)
        .trimmingCharacters(in: .whitespacesAndNewlines)
    let logVerifier = try Ed25519NoteVerifier(verifierKey: logKey)
    var witnesses: [Witness] = []
    var members: [WitnessPolicy.Member] = []
    for index in 0..<count {
        let directory = WitnessDirectory(path: folder + "/witness-\(index)")
        let verifier = try await directory.create(name: "witness-\(index).example")
        let store = try await WitnessStore.open(path: directory.statePath)
        _ = try await store.addLog(origin: logVerifier.name, verifier: logVerifier)
        await store.close()
        witnesses.append(try await Witness.open(directory: directory, logger: quietLogger("witness")))
        members.append(WitnessPolicy.Member(label: "department-\(index)", verifier: verifier))
    }
    return (witnesses, try WitnessPolicy(logVerifier: logVerifier, witnesses: members, quorum: quorum))
}

/// Runs `witnesses` on free ports of 127.0.0.1 for the duration of `body`, which gets each one's port by its
/// verifier key.
func withWitnessServers<T: Sendable>(_ witnesses: [Witness],
                                     _ body: ([String: Int]) async throws -> T) async throws -> T {
    let (reports, continuation) = AsyncStream.makeStream(of: (String, Int?).self)
    let apps = witnesses.map { witness in
        buildWitnessApplication(witness: witness, host: "127.0.0.1", port: 0, logger: quietLogger("witness")) {
            continuation.yield((witness.verifierKey, $0))
        }
    }
    let group = ServiceGroup(configuration: .init(services: apps.map { .init(service: $0) },
                                                  gracefulShutdownSignals: [], logger: quietLogger("witnesses")))
    return try await withThrowingTaskGroup(of: Void.self) { tasks in
        tasks.addTask { try await group.run() }
        var ports: [String: Int] = [:]
        var iterator = reports.makeAsyncIterator()
        while ports.count < witnesses.count, let report = await iterator.next() {
            guard let port = report.1 else { break }
            ports[report.0] = port
        }
        let result: T
        do {
            guard ports.count == witnesses.count else { throw LiveServerError.didNotStart }
            result = try await body(ports)
        } catch {
            await group.triggerGracefulShutdown()
            try? await tasks.waitForAll()
            throw error
        }
        await group.triggerGracefulShutdown()
        try await tasks.waitForAll()
        return result
    }
}
