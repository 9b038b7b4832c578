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
        let record = CheckpointRecord(path: config.resolve(witnesses.witnessedCheckpoint))
        guard let recorded = try await checkRecord(record, field: "witnesses.witnessedCheckpoint",
                                                   what: "the checkpoint witnesses cosigned", head: head,
                                                   store: store, identity: identity, place: place) else {
            return WitnessingState(quorum: witnesses.quorum, members: members)
        }
        let witnessed = WitnessingState.Witnessed(checkpoint: recorded.checkpoint, note: recorded.bytes,
                                                  collectedAt: Self.modificationDate(record.path) ?? Date())
        return WitnessingState(quorum: witnesses.quorum, members: members, witnessed: witnessed)
    }

    private static func modificationDate(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
