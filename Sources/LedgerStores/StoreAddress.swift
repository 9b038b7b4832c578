public import Foundation
public import Log
public import LogPostgres
public import LogSQLite
public import Logging

/// Where a ledger's log lives, as an operator writes it on the command line: `sqlite:PATH` (or a bare path where
/// the option has always meant a file), or `postgres://USER@HOST[:PORT]/DB?schema=NAME` with the password in
/// `CERTLEDGER_PG_PASSWORD` only (a URL carrying one is refused).
public enum StoreAddress: CustomStringConvertible, Sendable {
    case sqlite(path: String)
    case postgres(PostgresStoreOptions, url: String)

    /// Parses `text` given to `option`. A bare path is an SQLite file only if `barePath` allows it; otherwise a
    /// missing scheme is a usage error naming both accepted forms.
    public init(_ text: String, option: String, barePath: Bool = false,
         environment: [String: String] = ProcessInfo.processInfo.environment, poolSize: Int = 4) throws {
        if text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") {
            do {
                self = .postgres(try PostgresStoreOptions(url: text, environment: environment, poolSize: poolSize),
                                 url: text)
            } catch {
                throw StoreAddressError("\(option): \(error.reason) [\(error.code.rawValue), \(error.field)]")
            }
        } else if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw StoreAddressError("\(option): sqlite: names no file (sqlite:PATH)") }
            self = .sqlite(path: path)
        } else if barePath, !text.isEmpty, !text.contains("://") {
            self = .sqlite(path: text)
        } else {
            throw StoreAddressError("\(option): \"\(text.prefix(60))\" is neither sqlite:PATH nor "
                + "postgres://USER@HOST/DB?schema=…")
        }
    }

    /// `sqlite:PATH`, or the PostgreSQL URL without any password (safe to print).
    public var description: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let options, _): options.description
        }
    }

    /// The `store:` block of a daemon configuration (Config/certledgerd.yaml) that opens this store.
    public func daemonYAML(indent: String = "") -> String {
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
    public func openExisting() async throws -> any ClosableLogStore {
        switch self {
        case .sqlite(let path): try await SQLiteLogStore.openReadOnly(path: path)
        case .postgres(let options, _): try await PostgresLogStore.open(options: options, origin: nil)
        }
    }

    /// Creates a new, empty store for the ledger `origin`; an existing file or schema is a `.conflict`.
    public func create(origin: String) async throws -> any ClosableLogStore {
        switch self {
        case .sqlite(let path): try await SQLiteLogStore.create(path: path)
        case .postgres(let options, _): try await PostgresLogStore.create(options: options, origin: origin)
        }
    }

    /// Opens an existing store for appending (a target that exists but may still be empty): what `migrate` writes
    /// into and what the daemon serves.
    public func openForWriting(origin: String,
                               logger: Logger = Logger(label: "certledger.postgres")) async throws -> any ClosableLogStore {
        switch self {
        case .sqlite(let path): try await SQLiteLogStore.open(path: path)
        case .postgres(let options, _): try await PostgresLogStore.open(options: options, origin: origin, logger: logger)
        }
    }
}

/// A store opened by address: it can be closed (its connections or file handles), and says whether other processes
/// may append to it (then a sequencer must follow them).
public protocol ClosableLogStore: LogStore {
    func close() async
    var isShared: Bool { get }
}

extension SQLiteLogStore: ClosableLogStore {
    /// One process writes a SQLite file.
    public var isShared: Bool { false }
}

extension PostgresLogStore: ClosableLogStore {
    /// Several daemons may append to one PostgreSQL ledger.
    public var isShared: Bool { true }
}

/// A store address that cannot be used as written (a usage error: the option, what is wrong, the accepted forms).
public struct StoreAddressError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A YAML double-quoted scalar (YAML 1.2 §7.3.1): safe for any URL or path.
public func yamlQuoted(_ text: String) -> String {
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
