import Foundation
import LedgerClient
import LedgerCrypto
import LedgerServer
import Registry
import Testing

/// `readAccess: departments`: look-ups and verification answer signed requests of registered departments only;
/// the log itself (checkpoint, tiles, entries) stays public.
@Suite struct ReadAccessTests {
    static let question = Array(#"{"subject":"license","uscc":"91350100MA2YDE7W7J"}"#.utf8)

    func signedVerify(_ server: DevLedgerServer, as department: String, key: PrivateKey,
                      time: Int64 = Int64(Date().timeIntervalSince1970),
                      body: [UInt8] = question) async throws -> HTTPClientResponse {
        var headers = try ReadSignature.headers(department: DepartmentID(validating: department), key: key,
                                                method: "POST", target: "/v1/verify", time: time, body: Self.question)
        headers.append(("Content-Type", "application/json"))
        return try await server.client.http.send("POST", "/v1/verify", headers: headers, body: body)
    }

    @Test func departmentsOnly_answersSignedRequests_andRefusesEverythingElseWith401() async throws {
        try await DevLedgerServer.run(configure: { $0.readAccess = .departments }) { server in
            #expect(try await server.post("/v1/submissions",
                                          try server.signExample("license-issue", as: "demo-amr").canonicalBytes)
                        .status == 201)
            let ggzy = try server.key("demo-ggzy")
            let signed = try await signedVerify(server, as: "demo-ggzy", key: ggzy)
            #expect(signed.status == 200, "\(signed.text)")

            let unsigned = try await server.post("/v1/verify", Self.question)
            #expect(unsigned.status == 401)
            #expect(try ErrorBody(bytes: unsigned.body).error.field == ReadSignature.signatureHeader)
            // Another department's key under this department's name, a stale time, a body other than the signed one.
            let forged = try await signedVerify(server, as: "demo-ggzy", key: server.key("demo-bdc"))
            #expect(forged.status == 401)
            let stale = try await signedVerify(server, as: "demo-ggzy", key: ggzy,
                                               time: Int64(Date().timeIntervalSince1970) - 3600)
            #expect(stale.status == 401)
            #expect(try ErrorBody(bytes: stale.body).error.field == ReadSignature.timeHeader)
            let swapped = Array(#"{"subject":"seal","sealId":"35010020260001"}"#.utf8)
            #expect(try await signedVerify(server, as: "demo-ggzy", key: ggzy, body: swapped).status == 401)
            #expect(try await server.client.http.send("GET", "/v1/licenses/91350100MA2YDE7W7J").status == 401)

            // The log stays public.
            #expect(try await server.client.http.send("GET", "/checkpoint").status == 200)
            #expect(try await server.client.http.send("GET", "/v1/entries/0").status == 200)
            // So does the operator's witness policy (none published here: 404, not 401).
            #expect(try await server.client.http.send("GET", "/v1/witness-policy").status == 404)
        }
    }

    @Test func publicLedger_stillRefusesABadSignatureWhenOneIsSent() async throws {
        try await DevLedgerServer.run { server in
            #expect(try await server.post("/v1/verify", Self.question).status == 200)
            let forged = try await signedVerify(server, as: "demo-ggzy", key: server.key("demo-bdc"))
            #expect(forged.status == 401)
        }
    }
}
