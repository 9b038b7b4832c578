import Foundation
import LedgerCrypto
public import Logging
public import SignedNote

/// A running C2SP tlog-witness: the key, the state and the evidence directory of one `WitnessDirectory`, and the
/// add-checkpoint call the HTTP layer hands request bodies to.
public final class Witness: Sendable {
    /// The data directory.
    public let directory: WitnessDirectory
    /// The witness key; its verifier key is what clients trust.
    public let cosigner: Ed25519CosignatureSigner
    /// The durable state.
    public let store: WitnessStore
    /// Counters for `/metrics`.
    public let metrics: WitnessMetrics
    private let logger: Logger

    /// Opens the witness in `directory`: loads and checks its key, opens its state. `clock` stamps cosignatures
    /// (the wall clock unless a test fixes it).
    public static func open(directory: WitnessDirectory, logger: Logger, metrics: WitnessMetrics = WitnessMetrics(),
                            clock: (@Sendable () -> UInt64)? = nil) async throws -> Witness {
        let cosigner = try directory.loadCosigner(clock: clock)
        try FileManager.default.createDirectory(atPath: directory.evidencePath, withIntermediateDirectories: true)
        let store = try await WitnessStore.open(path: directory.statePath)
        return Witness(directory: directory, cosigner: cosigner, store: store, metrics: metrics, logger: logger)
    }

    private init(directory: WitnessDirectory, cosigner: Ed25519CosignatureSigner, store: WitnessStore,
                 metrics: WitnessMetrics, logger: Logger) {
        self.directory = directory
        self.cosigner = cosigner
        self.store = store
        self.metrics = metrics
        self.logger = logger
    }

    /// The witness's cosignature verifier key.
    public var verifierKey: String { cosigner.verifier.verifierKey }

    /// Closes the state file.
    public func close() async { await store.close() }

    /// An HTTP answer, independent of the server library.
    public struct Response: Sendable, Equatable {
        public let status: Int
        public let contentType: String
        public let body: [UInt8]

        init(_ status: Int, _ contentType: String, _ body: String) {
            self.status = status
            self.contentType = contentType
            self.body = Array(body.utf8)
        }
    }

    /// C2SP tlog-witness `POST /add-checkpoint`: 200 with the cosignature line (after the state is durable), 409
    /// with the cosigned size as `text/x.tlog.size`, 422, 403, 404 or 400 with a one-line reason, 503 when the
    /// state file cannot answer. A request that proves a fork is kept as evidence before the answer.
    public func addCheckpoint(body: [UInt8]) async -> Response {
        let request: AddCheckpointRequest
        do {
            request = try AddCheckpointRequest(parsing: body)
        } catch {
            return refused(error, origin: nil)
        }
        let result: WitnessStore.AddResult
        do {
            result = try await store.addCheckpoint(request, cosigner: cosigner)
        } catch {
            metrics.recordStoreFailure()
            logger.error("witness state cannot answer", metadata: ["error": "\(error)"])
            return Response(503, "text/plain; charset=utf-8", "the witness state is unavailable\n")
        }
        switch result {
        case .cosigned(let line, let kept):
            metrics.recordCosigned()
            logger.info("cosigned", metadata: [
                "origin": "\(kept.checkpoint.origin)", "size": "\(kept.checkpoint.size)",
            ])
            return Response(200, "text/plain; charset=utf-8", line.line)
        case .refused(let refusal, let fork):
            if let fork { await keep(fork, refusal: refusal) }
            return refused(refusal, origin: request.checkpoint.origin)
        }
    }

    private func refused(_ refusal: WitnessRefusal, origin: String?) -> Response {
        metrics.recordRefusal(refusal.reason)
        logger.notice("refused", metadata: [
            "reason": "\(refusal.reason.rawValue)", "origin": "\(origin.map { String($0.prefix(80)) } ?? "-")",
            "why": "\(refusal.message)",
        ])
        if refusal.reason == .conflict, let size = refusal.witnessSize {
            return Response(409, "text/x.tlog.size", "\(size)\n")
        }
        return Response(refusal.reason.httpStatus, "text/plain; charset=utf-8", refusal.message + "\n")
    }

    /// Writes fork evidence (fsync'd) to the evidence directory and says so as loudly as a log can.
    ///
    /// The file is named after the fork (`ForkEvidence.identity`), not the request: the same fork shown again —
    /// anyone can replay a log's public checkpoints — is counted and logged but kept once, so replays cannot fill
    /// the disk.
    private func keep(_ fork: ForkEvidence, refusal: WitnessRefusal) async {
        metrics.recordFork()
        let originTag = HashAlgorithm.sha256.hash(Array(fork.origin.utf8)).hex.prefix(12)
        let path = directory.evidencePath + "/fork-\(originTag)-\(fork.identity.hex.prefix(24)).json"
        let bytes = fork.fileBytes(detectedAt: Date(), witness: verifierKey, claim: refusal.message)
        do {
            try WitnessDirectory.writeNew(path, bytes, mode: 0o644)
            logger.critical("FORK DETECTED: the log signed two inconsistent checkpoints; evidence kept", metadata: [
                "origin": "\(fork.origin)", "kind": "\(fork.kind.rawValue)", "evidence": "\(path)",
            ])
        } catch let error as WitnessError where error.code == .conflict {
            logger.critical("FORK DETECTED again: the log signed two inconsistent checkpoints; evidence already kept",
                            metadata: [
                                "origin": "\(fork.origin)", "kind": "\(fork.kind.rawValue)", "evidence": "\(path)",
                            ])
        } catch {
            metrics.recordEvidenceFailure()
            logger.critical("FORK DETECTED but the evidence could not be written", metadata: [
                "origin": "\(fork.origin)", "kind": "\(fork.kind.rawValue)", "error": "\(error)",
                "evidence": "\(String(decoding: bytes, as: UTF8.self))",
            ])
        }
    }

    /// The fork evidence files kept so far (names, sorted).
    public func evidenceFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.evidencePath)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    /// Prometheus text for `/metrics`.
    public func metricsText() async -> String {
        let logs = (try? await store.logs().count) ?? 0
        return metrics.render(logs: logs, evidenceFiles: evidenceFiles().count)
    }

    /// tlog-witness §Monitor Retrieval: the latest cosigned checkpoint of the log whose origin hashes (SHA-256,
    /// lower-case hex) to `originHash`, with the log's verified signatures and the witness's cosignature.
    public func latestCheckpoint(originHash: String) async throws -> [UInt8]? {
        for log in try await store.logs() where HashAlgorithm.sha256.hash(Array(log.origin.utf8)).hex == originHash {
            return log.latest?.note.bytes
        }
        return nil
    }
}
