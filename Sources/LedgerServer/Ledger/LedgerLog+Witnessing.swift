import Foundation
import Log
import SignedNote

extension LedgerLog {
    /// The witnessing state of the configured ledger: disabled without `witnesses`; otherwise the record of the
    /// newest witnessed checkpoint (`witnesses.witnessedCheckpoint`) is read back and served again at once.
    ///
    /// The store must extend that checkpoint (DESIGN.md §9: the daemon never signs a checkpoint inconsistent with
    /// one a witness cosigned): a store behind it (a restore from an older backup) or holding another history is
    /// refused, naming the witnessed size, since every checkpoint signed on it would contradict the witnesses.
    static func openWitnessing(config: ServerConfig, head: TreeHead, store: any LogStore, identity: LogIdentity,
                               place: String) async throws -> WitnessingState {
        guard let witnesses = config.witnesses else { return WitnessingState(quorum: nil) }
        let members = zip(witnesses.members, try witnesses.verifiers()).map { (name: $1.name, url: $0.url) }
        let field = "witnesses.witnessedCheckpoint"
        let record = CheckpointRecord(path: config.resolve(witnesses.witnessedCheckpoint))
        let recorded: SignedCheckpoint?
        do { recorded = try record.read(verifier: identity.verifier) } catch {
            throw LedgerServerError(.refusedStore, field: field,
                "refusing to serve \(place): the record of the witnessed checkpoint is unusable: \(error)")
        }
        guard let recorded else { return WitnessingState(quorum: witnesses.quorum, members: members) }
        let relation: CheckpointRecord.Relation
        do {
            relation = try await CheckpointRecord.relation(of: recorded.checkpoint, toTreeOf: head.size,
                                                           root: head.root, in: store,
                                                           hashAlgorithm: identity.hashAlgorithm)
        } catch {
            throw LedgerServerError(.refusedStore, field: field,
                "refusing to serve \(place): its tree cannot be compared with the witnessed checkpoint: \(error)")
        }
        switch relation {
        case .extends:
            let witnessed = WitnessingState.Witnessed(checkpoint: recorded.checkpoint, note: recorded.bytes,
                                                      collectedAt: Self.modificationDate(record.path) ?? Date())
            return WitnessingState(quorum: witnesses.quorum, members: members, witnessed: witnessed)
        case .shrank(let recordedSize, let storedSize):
            throw LedgerServerError(.refusedStore, field: field, """
                refusing to serve \(place): it holds \(storedSize) entries, but witnesses cosigned this ledger's \
                checkpoint of size \(recordedSize) (\(record.path)). Any checkpoint signed on this store would \
                contradict what the witnesses cosigned: restore a copy of the store holding at least \
                \(recordedSize) entries
                """)
        case .forked(let recordedSize, let storedSize, let why):
            throw LedgerServerError(.refusedStore, field: field, """
                refusing to serve \(place): its tree of \(storedSize) entries does not extend the checkpoint of size \
                \(recordedSize) that witnesses cosigned (\(record.path)): \(why)
                """)
        }
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
