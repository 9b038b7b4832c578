import Foundation
import Log
import LogPostgres
import LogSQLite

/// Where a ledger's log lives, as an operator writes it on the command line: `sqlite:PATH` (or a bare path where
/// the option has always meant a file), or `postgres://USER@HOST[:PORT]/DB?schema=NAME` with the password in
/// `CERTLEDGER_PG_PASSWORD` only (a URL carrying one is refused).
enum StoreAddress: CustomStringConvertible {
    case sqlite(path: String)
    case postgres(PostgresStoreOptions, url: String)

    /// Parses `text` given to `option`. A bare path is an SQLite file only if `barePath` allows it; otherwise a
    /// missing scheme is a usage error naming both accepted forms.
    init(_ text: String, option: String, barePath: Bool = false,
         environment: [String: String] = ProcessInfo.processInfo.environment, poolSize: Int = 4) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            do {
                self = .postgres(try PostgresStoreOptions(url: text, environment: environment, poolSize: poolSize),
                                 url: text)
            } catch {
                throw CLIError("\(option): \(error.reason) [\(error.code.rawValue), \(error.field)]")
            }
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw CLIError("\(option): sqlite: names no file (sqlite:PATH)") }
            self = .sqlite(path: path)
        } else if barePath, !text.isEmpty, !text.contains("://") {
            self = .sqlite(path: text)
        } else {
            throw CLIError("\(option): \"\(text.prefix(60))\" is neither sqlite:PATH nor "
                + "postgres://USER@HOST/DB?schema=…")
        }
    }

    /// `sqlite:PATH`, or the PostgreSQL URL without any password (safe to print).
    var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let options, _): options.description
        }
    }

    /// The `store:` block of a daemon configuration (Config/certledgerd.yaml) that opens this store.
    func daemonYAML(indent: String = "") -> String {
        switch self {
        case .sqlite(let path):
            let absolute = URL(fileURLWithPath: path).standardizedFileURL.path
            return "\(indent)store:\n\(indent)  sqlite: \(yamlQuoted(absolute))\n"
        case .postgres(let options, let url):
            return "\(indent)store:\n\(indent)  postgres:\n\(indent)    url: \(yamlQuoted(url))\n"
                + "\(indent)    poolSize: \(options.poolSize)\n"
        }
    }

    /// Opens an existing store for reading: SQLite read-only, PostgreSQL with the schema checked (any origin).
    func openExisting() async throws -> any ListedLogStore {
        switch self {
        case .sqlite(let path): try await SQLiteLogStore.openReadOnly(path: path)
        case .postgres(let options, _): try await PostgresLogStore.open(options: options, origin: nil)
        }
    }

    /// Creates a new, empty store for the ledger `origin`; an existing file or schema is a `.conflict`.
    func create(origin: String) async throws -> any ListedLogStore {
        switch self {
        case .sqlite(let path): try await SQLiteLogStore.create(path: path)
        case .postgres(let options, _): try await PostgresLogStore.create(options: options, origin: origin)
        }
    }

    /// Opens an existing store for appending (a target that exists but may still be empty).
    func openForWriting(origin: String) async throws -> any ListedLogStore {
        switch self {
        case .sqlite(let path): try await SQLiteLogStore.open(path: path)
        case .postgres(let options, _): try await PostgresLogStore.open(options: options, origin: origin)
        }
    }
}

/// A store that can be closed: what `migrate` reads and writes.
protocol ListedLogStore: LogStore {
    func close() async
}

extension SQLiteLogStore: ListedLogStore {}
extension PostgresLogStore: ListedLogStore {}

/// A store failure as a command-line error with the documented exit code: unreachable or unreadable 3, a store
/// that contradicts itself 1 (an integrity failure), anything else (exists already, another ledger) 2.
func storeFailure(_ error: any Error, _ doing: String) -> any Error {
    guard let error = error as? LogStoreError else { return CLIError("\(doing): \(error)") }
    switch error.code {
    case .unavailable: return CLIError("\(doing): \(error.reason)", code: 3)
    case .corrupt: return IntegrityFailure(index: error.index, reason: "\(doing): \(error.reason)")
    case .conflict, .outOfRange: return CLIError("\(doing): \(error.reason)")
    }
}

/// A YAML double-quoted scalar (YAML 1.2 §7.3.1): safe for any URL or path.
func yamlQuoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += String(format: "\\x%02X", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
