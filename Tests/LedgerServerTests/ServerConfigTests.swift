import Foundation
import Testing
@testable import LedgerServer

@Suite struct ServerConfigTests {
    static var exampleConfigPath: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/certledgerd.yaml").path
    }

    @Test func exampleConfigFile_decodesToTheDocumentedDefaults() throws {
        let config = try ServerConfig.load(path: Self.exampleConfigPath)
        var expected = ServerConfig()
        expected.log.hash = "sha256"
        #expect(config == expected)
        #expect(config.listen.host == "127.0.0.1" && config.listen.port == 8080)
        #expect(config.http.bodyLimitBytes == 1_048_576)
        #expect(config.readAccess == .public)
    }

    @Test func emptyDocument_isEveryDefault() throws {
        #expect(try ServerConfig(yaml: "") == ServerConfig())
        #expect(try ServerConfig(yaml: "# only a comment\n") == ServerConfig())
    }

    @Test func givenValues_overrideOnlyTheirKeys() throws {
        let config = try ServerConfig(yaml: """
            listen: {port: 9090}
            data: /var/lib/certledger
            sequencer: {maxBatchEntries: 32, maxBatchDelayMilliseconds: 5}
            http: {bodyLimitBytes: 2048, bulkMaxLines: 50}
            readAccess: departments
            """)
        #expect(config.listen.port == 9090 && config.listen.host == "127.0.0.1")
        #expect(config.sequencer.maxBatchEntries == 32 && config.sequencer.queueLimit == 8_192)
        #expect(config.sequencer.sequencerConfig.maxBatchDelay == .milliseconds(5))
        #expect(config.http.bodyLimitBytes == 2048 && config.http.requestTimeoutSeconds == 10)
        #expect(config.http.bulkMaxLines == 50 && ServerConfig().http.bulkMaxLines == 1_000)
        #expect(config.readAccess == .departments)
        #expect(config.resolve("log.sqlite") == "/var/lib/certledger/log.sqlite")
        #expect(config.resolve("/etc/key") == "/etc/key")
    }

    @Test(arguments: [
        ("bodyLimit: 5", "bodyLimit"),
        ("http: {bodyLimt: 5}", "http.bodyLimt"),
        ("listen: {host: 0.0.0.0, prot: 1}", "listen.prot"),
        ("sequencer: {maxBatch: 1}", "sequencer.maxBatch"),
    ])
    func unknownKey_isRejectedWithItsPath(yaml: String, key: String) throws {
        let error = try #require(throws: LedgerServerError.self) { try ServerConfig(yaml: yaml) }
        #expect(error.code == .invalidConfig)
        #expect(error.field == key)
        #expect(error.reason.contains("unknown key \"\(key)\""))
    }

    @Test(arguments: [
        ("listen: {port: 70000}", "listen.port"),
        ("http: {bodyLimitBytes: 0}", "http.bodyLimitBytes"),
        ("http: {bulkMaxLines: 0}", "http.bulkMaxLines"),
        ("sequencer: {queueLimit: 10, maxGroupEntries: 64}", "sequencer.queueLimit"),
        ("log: {hash: md5}", "log.hash"),
        ("store: {snapshotEveryEntries: -1}", "store.snapshotEveryEntries"),
        ("store: {registrySnapshot: \"\"}", "store.registrySnapshot"),
    ])
    func outOfRangeValue_isRejectedWithItsKey(yaml: String, key: String) throws {
        let error = try #require(throws: LedgerServerError.self) { try ServerConfig(yaml: yaml) }
        #expect(error.code == .invalidConfig)
        #expect(error.field == key)
    }

    @Test func wrongType_andUnknownReadAccess_areConfigErrors() throws {
        let port = try #require(throws: LedgerServerError.self) { try ServerConfig(yaml: "listen: {port: eighty}") }
        #expect(port.field == "listen.port")
        let access = try #require(throws: LedgerServerError.self) { try ServerConfig(yaml: "readAccess: everyone") }
        #expect(access.code == .invalidConfig)
        #expect(access.field == "readAccess")
    }

    @Test func missingFile_isReportedWithItsPath() throws {
        let error = try #require(throws: LedgerServerError.self) { try ServerConfig.load(path: "/nonexistent/x.yaml") }
        #expect(error.code == .fileUnreadable && error.field == "/nonexistent/x.yaml")
    }
}
