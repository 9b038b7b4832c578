import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A primary and its hot standby, both throw-away clusters of their own (not the shared test server): the standby
/// is made by `pg_basebackup -R` (streaming replication, `standby.signal`), listens on its own port, and takes every
/// write of the primary a moment later while refusing writes itself — what an operator's read replica is. Both are
/// stopped and deleted when the test process ends (the clusters' watchdogs).
public struct PostgresReplicaPair: Sendable {
    /// `postgres://certledger_test@127.0.0.1:PORT/postgres` of the primary (read-write).
    public let primaryURL: String
    /// The same for the standby (read-only).
    public let standbyURL: String

    /// Starts both. Throws `PostgresTestServerError` with the tool's output if either does not come up.
    public static func start() async throws -> PostgresReplicaPair {
        let primary = try await PostgresCluster.start()
        let standby = try await PostgresCluster.startStandby(of: primary)
        return PostgresReplicaPair(primaryURL: primary.url, standbyURL: standby.url)
    }
}
