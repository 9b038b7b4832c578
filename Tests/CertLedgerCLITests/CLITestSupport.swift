import ChildProcessSupport
import LedgerStores
import CSQLite
import Foundation
@testable import certledger
@testable import LogPostgres
import PostgresTestSupport

/// Runs a built product of this package to completion, on a thread of its own (`onOwnThread`): (exit status,
/// stdout, stderr). SwiftPM puts the executables next to the test bundle.
func runProduct(_ product: String, _ arguments: [String], environment: [String: String]? = nil) async throws
    -> (status: Int32, out: String, err: String) {
    let program = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent(product).path
    return try await onOwnThread {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // stderr is read on another thread beside stdout, so that neither pipe fills up and blocks the child.
        let errData = ErrorReader(err)
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self),
                String(decoding: errData.wait(), as: UTF8.self))
    }
}

/// A pipe read to its end on a thread of its own.
private final class ErrorReader: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var data = Data()

    init(_ pipe: Pipe) {
        Thread { [self] in
            data = pipe.fileHandleForReading.readDataToEndOfFile()
            done.signal()
        }.start()
    }

    /// Everything read, once the pipe reached its end; the semaphore orders the write before this read.
    func wait() -> Data {
        done.wait()
        return data
    }
}

/// The exit code and message `certledger` would end with after `body` threw (0 and "" if it did not throw), as
/// `Main` maps them.
func exitStatus(_ body: () async throws -> Void) async -> (code: Int32, message: String) {
    do {
        try await body()
        return (0, "")
    } catch let failure as IntegrityFailure {
        return (1, failure.description)
    } catch let error as CLIError {
        return (error.code, error.description)
    } catch let exit as CLIExit {
        return (exit.code, "")
    } catch let error as StoreAddressError {
        return (2, error.description)
    } catch {
        return (-1, "unexpected \(type(of: error)): \(error)")
    }
}

/// A fresh folder under the temporary directory.
func temporaryFolder(_ name: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-\(name)-\(UUID())").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Direct libsqlite3 access, to damage a source store behind its back (or make a foreign SQLite file).
func rawSQLite(_ path: String, _ sql: String, create: Bool = false) throws {
    var db: OpaquePointer?
    let flags = SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0)
    guard sqlite3_open_v2(path, &db, flags, nil) == SQLITE_OK else {
        sqlite3_close_v2(db)
        throw TestFailure("cannot open \(path)")
    }
    defer { sqlite3_close_v2(db) }
    guard sqlite3_exec(db, sql, nil, nil, nil) == SQLITE_OK else {
        throw TestFailure(String(cString: sqlite3_errmsg(db)))
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A schema on the test PostgreSQL server (`PostgresTestServer`), addressed as the CLI takes it.
struct TestSchema {
    let options: PostgresStoreOptions
    let url: String

    /// A new, unique schema name on the shared test server; nothing is created.
    static func make(_ prefix: String = "cli") async throws -> TestSchema {
        let server = try await PostgresTestServer.shared()
        let name = PostgresTestServer.uniqueSchema(prefix)
        let url = server.url + (server.url.contains("?") ? "&" : "?") + "schema=\(name)"
        let options = try PostgresStoreOptions(url: url, environment: ProcessInfo.processInfo.environment)
        return TestSchema(options: options, url: url)
    }

    /// Runs `body` with a new schema name, then drops the schema whatever happened.
    static func with<T>(_ prefix: String, _ body: (TestSchema) async throws -> T) async throws -> T {
        let schema = try await make(prefix)
        do {
            let result = try await body(schema)
            await schema.drop()
            return result
        } catch {
            await schema.drop()
            throw error
        }
    }

    /// Opens the ledger in the schema (any origin).
    func open() async throws -> PostgresLogStore {
        try await PostgresLogStore.open(options: options, origin: nil)
    }

    /// Removes the schema and everything in it (no error if it was never made).
    func drop() async {
        guard let store = try? await PostgresLogStore.connectForMaintenance(options: options) else { return }
        try? await store.dropSchema()
        await store.close()
    }
}
