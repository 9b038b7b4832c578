import Foundation

/// A PostgreSQL server for tests that `swift test` can run on its own (CI runs the PostgreSQL tests
/// against a real server, never a mock).
///
/// - If `CERTLEDGER_TEST_POSTGRES_URL` is set (`postgres://user@host:port/db`), that server is used as it is;
///   tests must then use schemas of their own and drop them.
/// - Otherwise one throw-away cluster per test process is made on first use (`PostgresCluster`): `initdb` into a
///   temporary folder, `pg_ctl start` on 127.0.0.1 with a free port, trust authentication for the user
///   `certledger_test`; it is stopped and deleted when the test process ends, even if it is killed.
/// - If neither is possible, `shared()` throws a `PostgresTestServerError` that says why (no binaries, initdb
///   failed, …): a test that needs PostgreSQL fails loudly instead of being skipped, so CI cannot pass without it.
public struct PostgresTestServer: Sendable {
    /// The variable naming an already running server to use instead of a throw-away cluster.
    public static let urlVariable = "CERTLEDGER_TEST_POSTGRES_URL"

    /// `postgres://user@host:port/database`, no password (a password for an external server comes from
    /// `CERTLEDGER_PG_PASSWORD`, as for the daemon).
    public let url: String
    /// True for the throw-away cluster, false for a server from `CERTLEDGER_TEST_POSTGRES_URL`.
    public let isThrowAway: Bool

    /// The server for this test process: started on the first call, the same value on every later one. A failed
    /// start is remembered and thrown again (with its reason) rather than retried by every test.
    public static func shared() async throws -> PostgresTestServer {
        try await SharedServer.instance.get()
    }

    /// A fresh schema name (`<prefix>_<random>`) so that tests running in parallel never share tables.
    public static func uniqueSchema(_ prefix: String = "t") -> String {
        let suffix = UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        return "\(prefix)_\(suffix)"
    }
}

/// Why no test server could be had.
public struct PostgresTestServerError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// Starts the server once per process; callers arriving during the start wait for the same attempt.
private actor SharedServer {
    static let instance = SharedServer()
    private var attempt: Task<Result<PostgresTestServer, PostgresTestServerError>, Never>?

    func get() async throws -> PostgresTestServer {
        if attempt == nil { attempt = Task { await Self.start() } }
        return try await attempt!.value.get()
    }

    private static func start() async -> Result<PostgresTestServer, PostgresTestServerError> {
        if let url = ProcessInfo.processInfo.environment[PostgresTestServer.urlVariable], !url.isEmpty {
            return .success(PostgresTestServer(url: url, isThrowAway: false))
        }
        do {
            let cluster = try await PostgresCluster.start()
            return .success(PostgresTestServer(url: cluster.url, isThrowAway: true))
        } catch let error as PostgresTestServerError {
            return .failure(error)
        } catch {
            return .failure(PostgresTestServerError("\(error)"))
        }
    }
}
