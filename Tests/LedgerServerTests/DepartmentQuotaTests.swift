import CanonicalJSON
import LedgerClient
import LedgerServer
import Testing

/// One department's share of the sequencer queue (`sequencer.departmentQueueLimit`): beyond it that department
/// gets 429 with Retry-After, while other departments still get through and the share comes back once answered.
@Suite struct DepartmentQuotaTests {
    @Test func departmentOverItsShare_gets429WithRetryAfter_whileAnotherDepartmentIsSequenced() async throws {
        try await DevLedgerServer.run(configure: { config in
            // Batches linger 800 ms, so the first two links are still waiting when the third arrives.
            config.sequencer.maxBatchDelayMilliseconds = 800
            config.sequencer.maxGroupEntries = 2
            config.sequencer.departmentQueueLimit = 2
            config.sequencer.retryAfterSeconds = 3
        }) { server in
            let license = try await server.post("/v1/submissions",
                                                try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
            #expect(license.status == 201, "\(String(decoding: license.body, as: UTF8.self))")
            let links = try (0..<3).map { _ in try server.signExample("link-real-estate", as: "demo-bdc") }
            let seal = try server.signExample("seal-issue", as: "demo-psb")
            let answers = try await withThrowingTaskGroup(of: (String, HTTPClientResponse).self) { group in
                for link in links { group.addTask { ("link", try await server.post("/v1/submissions", link.canonicalBytes)) } }
                group.addTask { ("seal", try await server.post("/v1/submissions", seal.canonicalBytes)) }
                var all: [(String, HTTPClientResponse)] = []
                for try await answer in group { all.append(answer) }
                return all
            }
            let linkStatuses = answers.filter { $0.0 == "link" }.map(\.1.status).sorted()
            #expect(linkStatuses == [201, 201, 429])
            #expect(answers.first { $0.0 == "seal" }?.1.status == 201)
            let refused = try #require(answers.first { $0.1.status == 429 }?.1)
            #expect(refused.headers.first { $0.0.lowercased() == "retry-after" }?.1 == "3")
            let error = try JSONValue.parse(refused.body)["error"]
            #expect(error?["code"]?.stringValue == "department_busy")
            #expect(error?["message"]?.stringValue?.contains("demo-bdc") == true)

            // Answered entries give their share back: the department is served again.
            let again = try await server.post("/v1/submissions",
                                              try server.signExample("link-real-estate", as: "demo-bdc").canonicalBytes)
            #expect(again.status == 201)
        }
    }

    @Test func departmentQueueLimit_belowABundle_isAConfigurationError() throws {
        #expect(throws: LedgerServerError.self) {
            _ = try ServerConfig(yaml: "sequencer: {maxGroupEntries: 64, departmentQueueLimit: 10}")
        }
        let config = try ServerConfig(yaml: "sequencer: {departmentQueueLimit: 100}")
        #expect(config.sequencer.departmentQueueLimit == 100)
        #expect(ServerConfig().sequencer.departmentQueueLimit == 2_048)
    }
}
