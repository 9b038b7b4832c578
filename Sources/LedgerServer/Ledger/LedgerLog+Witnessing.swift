import Foundation
import LedgerClient
import Log
import Logging
import SignedNote

extension LedgerLog {
    /// The witnessing state of the configured ledger: disabled without `witnesses`; otherwise the record of the
    /// newest witnessed checkpoint (`witnesses.witnessedCheckpoint`) is read back and served again at once.
    ///
    /// The store must extend that checkpoint (DESIGN.md §9: the daemon never signs a checkpoint inconsistent with
    /// one a witness cosigned): a store behind it (a restore from an older backup) or holding another history is
    /// refused, naming the witnessed size, since every checkpoint signed on it would contradict the witnesses.
    ///
    /// The record may have been restored with the store. So the witnesses themselves are asked too
    /// (`refuseIfWitnessesAreAhead`): one that has cosigned a larger tree than the store holds refuses the start.
    static func openWitnessing(config: ServerConfig, head: TreeHead, store: any LogStore, identity: LogIdentity,
                               place: String, logger: Logger) async throws -> WitnessingState {
        guard let witnesses = config.witnesses else { return WitnessingState(quorum: nil) }
        let verifiers = try witnesses.verifiers()
        let members = zip(witnesses.members, verifiers).map { (name: $1.name, url: $0.url) }
        let record = CheckpointRecord(path: config.resolve(witnesses.witnessedCheckpoint))
        let recorded = try await checkRecord(record, field: "witnesses.witnessedCheckpoint",
                                             what: "the checkpoint witnesses cosigned", head: head,
                                             store: store, identity: identity, place: place)
        try await refuseIfWitnessesAreAhead(witnesses, names: verifiers.map(\.name), head: head, store: store,
                                            place: place, logger: logger)
        guard let recorded else {
            return WitnessingState(quorum: witnesses.quorum, members: members)
        }
        let witnessed = WitnessingState.Witnessed(checkpoint: recorded.checkpoint, note: recorded.bytes,
                                                  collectedAt: Self.modificationDate(record.path) ?? Date())
        return WitnessingState(quorum: witnesses.quorum, members: members, witnessed: witnessed)
    }

    /// Asks every witness, at once, where it stands with this log: the head's checkpoint is offered as extending
    /// itself (`old` = its size, no proof). A witness at that size cosigns it again (harmless: it is the head); one
    /// at another size answers 409 with its size (C2SP tlog-witness). A witness that has cosigned a larger tree than
    /// the store holds — the store was restored from an older backup, with or without its records — or another
    /// tree of the same size refuses the start (`refusedStore`, naming the witness and its size): every checkpoint
    /// signed on this store would contradict it. A witness that cannot be reached or answers otherwise is logged
    /// and does not stop the start (the collector keeps asking).
    static func refuseIfWitnessesAreAhead(_ witnesses: ServerConfig.Witnesses, names: [String], head: TreeHead,
                                          store: any LogStore, place: String, logger: Logger) async throws {
        guard head.size > 0 else { return }
        let body = Array("old \(head.size)\n\n".utf8) + head.checkpoint
        let answers = await withTaskGroup(of: (String, Result<HTTPClientResponse, any Error>).self) { group in
            for (member, name) in zip(witnesses.members, names) {
                group.addTask {
                    do {
                        let client = try LedgerHTTPClient(url: member.url,
                                                          timeout: .seconds(witnesses.timeoutSeconds))
                        let answer = try await client.send(
                            "POST", "/add-checkpoint", headers: [("Content-Type", "text/plain; charset=utf-8")],
                            body: body)
                        return (name, .success(answer))
                    } catch {
                        return (name, .failure(error))
                    }
                }
            }
            var answers: [(String, Result<HTTPClientResponse, any Error>)] = []
            for await answer in group { answers.append(answer) }
            return answers
        }
        for (name, result) in answers {
            let answer: HTTPClientResponse
            switch result {
            case .success(let response): answer = response
            case .failure(let error):
                logger.warning("witness not reached at start; its size is checked on its first cosignature",
                               metadata: ["witness": "\(name)", "error": "\(error)"])
                continue
            }
            guard answer.status == 409 else {
                if answer.status != 200 {
                    logger.warning("witness refused the head at start", metadata: [
                        "witness": "\(name)", "status": "\(answer.status)", "answer": "\(answer.text.prefix(200))",
                    ])
                }
                continue
            }
            let text = answer.text.trimmingCharacters(in: .whitespacesAndNewlines)
            guard let witnessed = UInt64(text) else {
                logger.warning("witness answered 409 without a size at start",
                               metadata: ["witness": "\(name)", "answer": "\(text.prefix(200))"])
                continue
            }
            if witnessed < head.size { continue }
            // A shared (PostgreSQL) store may have grown since the head was read, and the witness with it.
            if witnessed > head.size, let now = try? await store.head(), now.size >= witnessed { continue }
            let what = witnessed == head.size
                ? "has cosigned another tree of the same size \(witnessed)"
                : "has cosigned size \(witnessed), but \(place) holds \(head.size) entries"
            throw LedgerServerError(.refusedStore, field: "witnesses.members",
                "refusing to serve \(place): witness \(name) \(what) — acknowledged entries are missing or the "
                + "history differs (a restore from an older backup?); every checkpoint signed on this store would "
                + "contradict the witnesses")
        }
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
