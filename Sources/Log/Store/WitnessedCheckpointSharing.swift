/// A store several daemons share (PostgreSQL) that also keeps, for all of them, the newest checkpoint a quorum of
/// witnesses cosigned: the note with the log's signature and the cosignatures. A daemon that collected a quorum
/// records it here; the others take it from here instead of asking the witnesses for the same tree again. What is
/// read is only a candidate: the reader checks the signatures against its own keys and the tree against its own
/// store before it serves it.
public protocol WitnessedCheckpointSharing: Sendable {
    /// The newest witnessed checkpoint any daemon recorded, nil before the first.
    func sharedWitnessedCheckpoint() async throws -> [UInt8]?

    /// Records `note`, a witnessed checkpoint of tree size `size`, unless one of a larger size is recorded already;
    /// one of the same size replaces it (a later round's fresher cosignatures).
    func shareWitnessedCheckpoint(_ note: [UInt8], size: UInt64) async throws
}
