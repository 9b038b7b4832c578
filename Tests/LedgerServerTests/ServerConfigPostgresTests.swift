import Foundation
import Testing
@testable import LedgerServer

/// `store.postgres` in the daemon's configuration: strict keys, errors that name the field, and the commented
/// example in Config/certledgerd.yaml kept in step with the code.
@Suite struct ServerConfigPostgresTests {
    static let url = "postgres://certledger@db.example:5433/ledger?schema=city_a&sslmode=disable"

    @Test func postgresSection_decodesWithDefaultsAndNamesItselfAsTheStoreField() throws {
        let config = try ServerConfig(yaml: "store: {postgres: {url: \"\(Self.url)\"}}")
        let postgres = try #require(config.store.postgres)
        #expect(postgres.url == Self.url && postgres.poolSize == 4 && postgres.followIntervalMilliseconds == 200)
        #expect(postgres.followInterval == .milliseconds(200))
        #expect(config.store.field == "store.postgres")
        #expect(ServerConfig().store.field == "store.sqlite")
        let options = try postgres.storeOptions(environment: ["CERTLEDGER_PG_PASSWORD": "s3cret"])
        #expect(options.host == "db.example" && options.port == 5433 && options.database == "ledger")
        #expect(options.schema == "city_a" && options.password == "s3cret" && options.poolSize == 4)
        #expect(!"\(options)".contains("s3cret"), "the password never appears in what is printed")
    }

    @Test func poolSizeAndFollowInterval_areTaken_andZeroTurnsFollowingOff() throws {
        let config = try ServerConfig(yaml: """
            store: {postgres: {url: "\(Self.url)", poolSize: 9, followIntervalMilliseconds: 0}}
            """)
        #expect(config.store.postgres?.poolSize == 9)
        #expect(config.store.postgres?.followInterval == nil)
        #expect(try config.store.postgres?.storeOptions(environment: [:]).poolSize == 9)
    }

    @Test(arguments: [
        // sqlite given explicitly beside postgres: which ledger is served must not be a precedence rule.
        ("store: {sqlite: log.sqlite, postgres: {url: URL}}", "store", "both sqlite and postgres"),
        ("store: {postgres: {poolSize: 2}}", "store.postgres.url", "needs a url"),
        ("store: {postgres: {url: URL, pool: 2}}", "store.postgres.pool", "unknown key"),
        ("store: {postgres: {url: \"mysql://u@h/db\"}}", "store.postgres.url", "postgres://"),
        ("store: {postgres: {url: \"postgres://u:pw@h/db\"}}", "store.postgres.url", "CERTLEDGER_PG_PASSWORD"),
        ("store: {postgres: {url: \"postgres://u@h/db?sslmode=allow\"}}", "store.postgres.url", "sslmode"),
        ("store: {postgres: {url: \"postgres://u@h/db?schema=Bad-Name\"}}", "store.postgres.url", "schema name"),
        ("store: {postgres: {url: \"postgres://u@h:99999/db\"}}", "store.postgres.url", "port"),
        ("store: {postgres: {url: URL, poolSize: 0}}", "store.postgres.poolSize", "1...64"),
        ("store: {postgres: {url: URL, poolSize: 65}}", "store.postgres.poolSize", "1...64"),
        ("store: {postgres: {url: URL, followIntervalMilliseconds: -1}}",
         "store.postgres.followIntervalMilliseconds", "0...60000"),
        ("store: {postgres: {url: [5432]}}", "store.postgres.url", "must be a"),
    ])
    func badPostgresSection_isRejectedNamingTheField(yaml: String, field: String, words: String) throws {
        let text = yaml.replacingOccurrences(of: "URL", with: "\"\(Self.url)\"")
        let error = try #require(throws: LedgerServerError.self) { try ServerConfig(yaml: text) }
        #expect(error.code == .invalidConfig)
        #expect(error.field == field, "\(error)")
        #expect(error.reason.contains(words), "\(error)")
    }

    /// The commented `postgres:` block of the example file, uncommented, is a valid configuration with the values
    /// it documents: the documentation cannot drift from the decoder.
    @Test func exampleFile_commentedPostgresBlock_decodesAsDocumented() throws {
        let text = try String(contentsOfFile: ServerConfigTests.exampleConfigPath, encoding: .utf8)
        var lines: [String] = []
        var inStore = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("store:") { inStore = true; lines.append("store:"); continue }
            guard inStore else { continue }
            if !line.hasPrefix(" ") && !line.isEmpty { break }
            if line.hasPrefix("  # postgres:") || line.hasPrefix("  #   ") {
                // Keep the key and its value, drop the trailing comment and the comment-only continuation lines.
                let body = "  " + line.dropFirst(4)
                let value = body.components(separatedBy: " # ")[0]
                if value.trimmingCharacters(in: .whitespaces).hasPrefix("#") { continue }
                lines.append(value)
            }
        }
        let config = try ServerConfig(yaml: lines.joined(separator: "\n"))
        let postgres = try #require(config.store.postgres, "\(lines.joined(separator: "\n"))")
        #expect(postgres.url.hasPrefix("postgres://certledger@"))
        #expect(postgres.poolSize == ServerConfig.Postgres(url: "").poolSize)
        #expect(postgres.followIntervalMilliseconds == ServerConfig.Postgres(url: "").followIntervalMilliseconds)
        #expect(try postgres.storeOptions(environment: [:]).tls == .require)
    }
}
