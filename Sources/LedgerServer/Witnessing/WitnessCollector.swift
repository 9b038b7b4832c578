import Foundation
import LedgerClient
import LedgerCrypto
public import Log
public import Logging
public import ServiceLifecycle
public import SignedNote

/// Collects witness cosignatures for the daemon's checkpoints (DESIGN.md §9, C2SP tlog-witness): a `Service` in the
/// daemon's group beside the sequencer, which it never slows down — submissions are acknowledged after their fsync
/// as without witnesses, and this service looks at the sequencer's durable head on its own schedule.
///
/// Every `intervalMilliseconds` it takes the head; when the head has no quorum yet, or the last quorum is older
/// than `refreshSeconds`, it sends the head's checkpoint to every witness concurrently, each with the consistency
/// proof from the size that witness last cosigned (a witness whose size is unknown gets `old 0` and answers 409
/// with its size, and the request is sent again from there). With at least `quorum` cosignatures the checkpoint,
/// carrying all of them, is recorded durably (`witnesses.witnessedCheckpoint`) and then served.
///
/// Several daemons on one PostgreSQL ledger share one witnessing state: a quorum collected by any of them is also
/// recorded in the store (`WitnessedCheckpointSharing`), and each daemon, before its round, takes a newer one from
/// there — checked with its own log key and witness keys, and against the store's checkpoint at that size — instead
/// of sending the witnesses a tree they have cosigned already.
public struct WitnessCollector: Service {
    /// One witness: its verifier and the client that reaches it.
    struct Target: Sendable {
        let verifier: Ed25519CosignatureVerifier
        let client: LedgerHTTPClient
    }

    let log: LedgerLog
    let targets: [Target]
    let quorum: Int
    let interval: Duration
    let refresh: Duration
    let record: CheckpointRecord
    let state: WitnessingState
    let logger: Logger

    /// A collector for `log` with the configured witnesses; `state` is the one the HTTP routes read
    /// (`log.witnessing`).
    public init(log: LedgerLog, config: ServerConfig, logger: Logger) throws {
        guard let witnesses = config.witnesses else {
            throw LedgerServerError(.invalidConfig, field: "witnesses", "no witnesses are configured")
        }
        let verifiers = try witnesses.verifiers()
        targets = try zip(witnesses.members, verifiers).map { member, verifier in
            do {
                return Target(verifier: verifier,
                              client: try LedgerHTTPClient(url: member.url, timeout: .seconds(witnesses.timeoutSeconds)))
            } catch {
                throw LedgerServerError(.invalidConfig, field: "witnesses.members", "\(member.url): \(error)")
            }
        }
        self.log = log
        quorum = witnesses.quorum
        interval = .milliseconds(witnesses.intervalMilliseconds)
        refresh = .seconds(witnesses.refreshSeconds)
        record = CheckpointRecord(path: config.resolve(witnesses.witnessedCheckpoint))
        state = log.witnessing
        self.logger = logger
    }

    public func run() async throws {
        try await cancelWhenGracefulShutdown {
            var lastQuorum: (size: UInt64, at: ContinuousClock.Instant)?
            while !Task.isCancelled {
                let (head, note) = log.snapshot
                if let shared = log.store as? any WitnessedCheckpointSharing,
                   let taken = await takeShared(from: shared, headSize: head.size, lastQuorum: lastQuorum?.at) {
                    lastQuorum = (taken, .now)
                }
                let due = head.size > 0
                    && (lastQuorum?.size != head.size || ContinuousClock.now - lastQuorum!.at >= refresh)
                if due, await collect(size: head.size, note: note) {
                    lastQuorum = (head.size, .now)
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One round: the checkpoint of `size` to every witness at once. True when a quorum cosigned it.
    func collect(size: UInt64, note bytes: [UInt8]) async -> Bool {
        state.countRound()
        let note: Note
        do { note = try Note(parsing: bytes) } catch {
            logger.error("the head's checkpoint is not a note", metadata: ["error": "\(error)"])
            return false
        }
        let lines = await withTaskGroup(of: NoteSignature?.self) { group in
            for index in targets.indices {
                group.addTask { await cosignature(from: index, size: size, note: note) }
            }
            var lines: [NoteSignature] = []
            for await line in group { if let line { lines.append(line) } }
            return lines
        }
        guard lines.count >= quorum else {
            logger.warning("no quorum of cosignatures", metadata: [
                "size": "\(size)", "cosignatures": "\(lines.count)", "quorum": "\(quorum)",
            ])
            return false
        }
        // Cosignatures in configuration order, after the log's own line(s).
        let ordered = targets.compactMap { target in
            lines.first { $0.isBy(name: target.verifier.name, keyID: target.verifier.keyID) }
        }
        do {
            let cosigned = try Note(text: note.text, signatures: note.signatures + ordered)
            let checkpoint = try Checkpoint(parsing: note.text)
            try await record.writeInBackground(cosigned.bytes)
            state.publish(.init(checkpoint: checkpoint, note: cosigned.bytes, collectedAt: Date()))
            logger.debug("witnessed", metadata: ["size": "\(size)", "cosignatures": "\(ordered.count)"])
            if let shared = log.store as? any WitnessedCheckpointSharing {
                do { try await shared.shareWitnessedCheckpoint(cosigned.bytes, size: size) } catch {
                    logger.warning("cannot record the witnessed checkpoint in the shared store",
                                   metadata: ["size": "\(size)", "error": "\(error)"])
                }
            }
            return true
        } catch {
            logger.error("cannot record the witnessed checkpoint", metadata: [
                "file": "\(record.path)", "size": "\(size)", "error": "\(error)",
            ])
            return false
        }
    }

    /// The newest witnessed checkpoint another daemon recorded in the shared store, served here too when it is newer
    /// than the one this daemon serves, or of the same size while this daemon's own quorum (`lastQuorum`) is older
    /// than half the refresh interval (the other daemon refreshed it). It must carry the log's signature and a quorum
    /// of valid cosignatures by the configured witnesses, be no larger than this daemon's head, and have the root the
    /// store's own checkpoint of that size has. Returns its size when taken.
    func takeShared(from shared: any WitnessedCheckpointSharing, headSize: UInt64,
                    lastQuorum: ContinuousClock.Instant?) async -> UInt64? {
        let bytes: [UInt8]
        do {
            guard let found = try await shared.sharedWitnessedCheckpoint() else { return nil }
            bytes = found
        } catch {
            logger.warning("cannot read the shared witnessed checkpoint", metadata: ["error": "\(error)"])
            return nil
        }
        let current = state.witnessed
        if let current, current.note == bytes { return nil }
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(opening: bytes, logVerifier: log.identity.verifier,
                                          witnesses: targets.map(\.verifier))
        } catch {
            logger.warning("the shared witnessed checkpoint does not verify with this daemon's keys; not served",
                           metadata: ["error": "\(error)"])
            return nil
        }
        let size = signed.checkpoint.size
        let currentSize = current?.checkpoint.size ?? 0
        let refreshedElsewhere = size == currentSize
            && lastQuorum.map { ContinuousClock.now - $0 >= refresh / 2 } ?? true
        guard size <= headSize, size > currentSize || refreshedElsewhere else { return nil }
        let cosigners = targets.indices.filter { index in
            signed.verifiedSignatures.contains { $0.isBy(name: targets[index].verifier.name,
                                                         keyID: targets[index].verifier.keyID) }
        }
        guard cosigners.count >= quorum else {
            logger.warning("the shared witnessed checkpoint has no quorum of valid cosignatures; not served",
                           metadata: ["size": "\(size)", "cosignatures": "\(cosigners.count)", "quorum": "\(quorum)"])
            return nil
        }
        do {
            guard let stored = try await log.store.checkpoint(size: size),
                  try Checkpoint(parsing: Note(parsing: stored).text).rootHash == signed.checkpoint.rootHash else {
                logger.error("the shared witnessed checkpoint is not the store's tree at its size; not served",
                             metadata: ["size": "\(size)"])
                return nil
            }
            try await record.writeInBackground(bytes)
        } catch {
            logger.warning("cannot take the shared witnessed checkpoint", metadata: [
                "size": "\(size)", "error": "\(error)",
            ])
            return nil
        }
        for index in cosigners where (state.cosignedSize(index) ?? 0) < size {
            state.recordReportedSize(index, size: size)
        }
        state.publish(.init(checkpoint: signed.checkpoint, note: bytes, collectedAt: Date()))
        logger.debug("witnessed checkpoint taken from the shared store", metadata: ["size": "\(size)"])
        return size
    }

    /// Asks witness `index` to cosign; re-sends once from the size a 409 names. Failures are recorded, not thrown.
    func cosignature(from index: Int, size: UInt64, note: Note) async -> NoteSignature? {
        let target = targets[index]
        var old = state.cosignedSize(index) ?? 0
        do {
            for _ in 0..<2 {
                guard old <= size else {
                    // On a shared store another daemon may have had a larger tree cosigned: this one lags behind the
                    // store, and its next round sends a newer head. Only a store smaller than the witness is alarming.
                    if let stored = try? await log.store.head(), stored.size >= old {
                        throw WitnessFailure(reason: .conflict, message: "witness \(target.verifier.name) has "
                            + "cosigned size \(old), beyond this daemon's head \(size) of the shared store")
                    }
                    throw WitnessFailure(reason: .ahead, message: "witness \(target.verifier.name) has cosigned "
                        + "size \(old), but this ledger's tree has \(size) entries")
                }
                switch try await send(target, old: old, size: size, note: note) {
                case .cosigned(let line):
                    state.recordCosignature(index, size: size)
                    return line
                case .conflict(let witnessSize):
                    state.recordReportedSize(index, size: witnessSize)
                    old = witnessSize
                }
            }
            throw WitnessFailure(reason: .conflict, message: "witness \(target.verifier.name) answered 409 again "
                + "(its size \(old))")
        } catch let failure as WitnessFailure {
            state.recordFailure(index, failure)
            if failure.reason == .ahead {
                logger.critical("a witness has cosigned a larger tree than this ledger holds", metadata: [
                    "witness": "\(target.verifier.name)", "witnessedSize": "\(old)", "size": "\(size)",
                ])
            } else {
                logger.warning("witness did not cosign", metadata: [
                    "witness": "\(target.verifier.name)", "size": "\(size)", "reason": "\(failure)",
                ])
            }
            return nil
        } catch {
            let failure = WitnessFailure(reason: .local, message: "\(error)")
            state.recordFailure(index, failure)
            logger.warning("witness request not sent", metadata: ["witness": "\(target.verifier.name)",
                                                                  "reason": "\(failure)"])
            return nil
        }
    }

    enum Answer {
        case cosigned(NoteSignature)
        case conflict(UInt64)
    }

    /// One `POST /add-checkpoint` (tlog-witness): `old`, the proof from `old` to `size`, a blank line, the note.
    func send(_ target: Target, old: UInt64, size: UInt64, note: Note) async throws -> Answer {
        let proof = old == 0 || old == size
            ? [] : try await log.reader.consistencyProof(size1: old, size2: size, treeSize: size)
        var body = Array("old \(old)\n".utf8)
        for hash in proof { body += Array("\(hash.base64)\n".utf8) }
        body.append(0x0A)
        body += note.bytes
        let response: HTTPClientResponse
        do {
            response = try await target.client.send("POST", "/add-checkpoint",
                                                    headers: [("Content-Type", "text/plain; charset=utf-8")],
                                                    body: body)
        } catch {
            throw WitnessFailure(reason: .unreachable, message: error.message)
        }
        let reason = String(response.text.prefix(300)).trimmingCharacters(in: .whitespacesAndNewlines)
        switch response.status {
        case 200:
            return .cosigned(try cosignatureLine(response.body, target: target, note: note))
        case 409:
            guard let witnessSize = UInt64(reason) else {
                throw WitnessFailure(reason: .badAnswer, message: "409 without a size: \(reason)")
            }
            return .conflict(witnessSize)
        case 403, 404:
            throw WitnessFailure(reason: .unknownLog, message: "\(response.status): \(reason)")
        case 422:
            throw WitnessFailure(reason: .inconsistent, message: "422: \(reason)")
        default:
            throw WitnessFailure(reason: .badAnswer, message: "\(response.status): \(reason)")
        }
    }

    /// The witness's cosignature line from a 200 body, verified against its key over our checkpoint.
    func cosignatureLine(_ body: [UInt8], target: Target, note: Note) throws -> NoteSignature {
        do {
            let signed = try SignedCheckpoint(opening: note.bytes + body, logVerifier: log.identity.verifier,
                                              witnesses: [target.verifier])
            guard let line = signed.verifiedSignatures.first(where: {
                $0.isBy(name: target.verifier.name, keyID: target.verifier.keyID)
            }) else {
                throw WitnessFailure(reason: .badAnswer, message: "200 without a cosignature by its key")
            }
            return line
        } catch let failure as WitnessFailure {
            throw failure
        } catch {
            throw WitnessFailure(reason: .badAnswer, message: "its cosignature does not verify: \(error)")
        }
    }
}
