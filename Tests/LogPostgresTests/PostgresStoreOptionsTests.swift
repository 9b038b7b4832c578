import Testing
import LogPostgres

/// URL parsing and option checks: pure, no server.
@Suite struct PostgresStoreOptionsTests {
    @Test func fullURL_setsEveryPartAndPasswordComesFromEnvironment() throws {
        let options = try PostgresStoreOptions(
            url: "postgres://ledger%40city@db.example.gov.cn:6543/ledger_prod?schema=city_a&sslmode=verify-full"
                + "&connect_timeout=7",
            environment: ["CERTLEDGER_PG_PASSWORD": "s3cret", "OTHER": "x"], poolSize: 9)
        #expect(options.user == "ledger@city")
        #expect(options.host == "db.example.gov.cn")
        #expect(options.port == 6543)
        #expect(options.database == "ledger_prod")
        #expect(options.schema == "city_a")
        #expect(options.tls == .require)
        #expect(options.connectTimeout == .seconds(7))
        #expect(options.password == "s3cret")
        #expect(options.poolSize == 9)
        #expect(!options.description.contains("s3cret"), "the password never appears in the description")
    }

    @Test func minimalURL_takesLibpqDefaults() throws {
        let options = try PostgresStoreOptions(url: "postgresql://certledger@localhost")
        #expect(options.port == 5432)
        #expect(options.database == "certledger", "the database defaults to the user's name")
        #expect(options.schema == "certledger")
        #expect(options.tls == .prefer)
        #expect(options.password == nil)
        #expect(options.poolSize == 4)
    }

    @Test func ipv6Host_inBrackets() throws {
        let options = try PostgresStoreOptions(url: "postgres://u@[::1]:5433/db")
        #expect(options.host == "::1")
        #expect(options.port == 5433)
        #expect(options.description.hasPrefix("postgres://u@[::1]:5433/db"))
    }

    @Test(arguments: [
        ("mysql://u@h/db", PostgresConfigError.Code.invalidURL, "url"),
        ("postgres://h:5432/db", .invalidURL, "user"),
        ("postgres://@h/db", .invalidURL, "user"),
        ("postgres://u@/db", .invalidURL, "host"),
        ("postgres://u:pw@h/db", .passwordInURL, "url"),
        ("postgres://u@h:0/db", .invalidPort, "port"),
        ("postgres://u@h:65536/db", .invalidPort, "port"),
        ("postgres://u@h:54x/db", .invalidPort, "port"),
        ("postgres://u@h/db?sslmode=requir", .invalidParameter, "sslmode"),
        ("postgres://u@h/db?sslmod=require", .invalidParameter, "sslmod"),
        ("postgres://u@h/db?connect_timeout=0", .invalidParameter, "connect_timeout"),
        ("postgres://u@h/db?schema", .invalidParameter, "url"),
        ("postgres://u@h/db?schema=Ledger", .invalidSchema, "schema"),
        ("postgres://u@h/db?schema=pg_catalog", .invalidSchema, "schema"),
        ("postgres://u@h/db?schema=a%22b", .invalidSchema, "schema"),
        ("postgres://u@h/a/b", .invalidURL, "database"),
        ("postgres://u%zz@h/db", .invalidURL, "user"),
        ("postgres://u@[::1/db", .invalidURL, "host"),
    ])
    func badURL_isRefusedWithCodeAndField(_ url: String, _ code: PostgresConfigError.Code, _ field: String) {
        let error = #expect(throws: PostgresConfigError.self) { _ = try PostgresStoreOptions(url: url) }
        #expect(error?.code == code, "\(url): \(String(describing: error))")
        #expect(error?.field == field, "\(url): \(String(describing: error))")
    }

    @Test func passwordInURL_errorPointsAtTheEnvironmentVariable() {
        let error = #expect(throws: PostgresConfigError.self) {
            _ = try PostgresStoreOptions(url: "postgres://u:hunter2@h/db")
        }
        #expect(error?.reason.contains("CERTLEDGER_PG_PASSWORD") == true)
        #expect(error?.reason.contains("hunter2") == false, "the refused password is not echoed")
    }

    @Test(arguments: [0, -1, 65])
    func poolSizeOutOfRange_isRefused(_ size: Int) {
        let error = #expect(throws: PostgresConfigError.self) {
            _ = try PostgresStoreOptions(url: "postgres://u@h/db", poolSize: size)
        }
        #expect(error?.code == .invalidPoolSize)
        #expect(error?.reason.contains("\(size)") == true)
    }

    @Test func schemaNameLimits_63BytesAcceptedAnd64Refused() throws {
        let base = try PostgresStoreOptions(url: "postgres://u@h/db")
        #expect(try base.with(schema: String(repeating: "a", count: 63)).schema.count == 63)
        #expect(throws: PostgresConfigError.self) { _ = try base.with(schema: String(repeating: "a", count: 64)) }
        #expect(throws: PostgresConfigError.self) { _ = try base.with(schema: "1abc") }
    }
}
