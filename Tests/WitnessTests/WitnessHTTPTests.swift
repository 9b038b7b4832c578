import Foundation
import Hummingbird
import HummingbirdTesting
import LedgerCrypto
import Logging
import SignedNote
import Testing
import Witness
import WitnessServer

/// The HTTP face of the witness, in process (`app.test(.router)`): statuses, content types and bodies.
@Suite struct WitnessHTTPTests {
    func withApp(_ log: TestLog, _ body: @Sendable (any TestClientProtocol, Witness) async throws -> Void)
        async throws
    {
        try await withTemporaryDirectory { folder in
            let witness = try await makeWitness(in: folder, following: [log])
            var logger = Logger(label: "witness-http-test")
            logger.logLevel = .critical
            let app = buildWitnessApplication(witness: witness, host: "127.0.0.1", port: 0, logger: logger)
            try await app.test(.router) { client in try await body(client, witness) }
            await witness.close()
        }
    }

    @Test func addCheckpoint_answersEachStatusWithItsBody() async throws {
        let log = try TestLog.make(count: 20)
        try await withApp(log) { client, _ in
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try log.request(from: 0, to: 10).bytes)) { response in
                #expect(response.status == .ok)
                let body = String(buffer: response.body)
                #expect(body.hasPrefix("— example.org/witness "))
                #expect(body.hasSuffix("\n"))
                #expect(body.filter { $0 == "\n" }.count == 1)
            }
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try log.request(from: 0, to: 20).bytes)) { response in
                #expect(response.status == .conflict)
                #expect(response.headers[.contentType] == "text/x.tlog.size")
                #expect(String(buffer: response.body) == "10\n")
            }
            var proof = try log.proof(from: 10, to: 20)
            proof.swapAt(0, proof.count - 1)
            let bad = try AddCheckpointRequest(oldSize: 10, proof: proof, note: log.checkpoint(20))
            try await client.execute(uri: "/add-checkpoint", method: .post, body: ByteBuffer(bytes: bad.bytes)) {
                #expect($0.status == .unprocessableContent)
            }
            let stranger = try TestLog(signer: fixedSigner(TestLog.origin, seed: 77), entries: log.entries)
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try stranger.request(from: 10, to: 20).bytes)) {
                #expect($0.status == .forbidden)
            }
            let other = try TestLog.make(count: 3, seed: 5, origin: "example.org/unknown")
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try other.request(from: 0, to: 3).bytes)) {
                #expect($0.status == .notFound)
            }
            try await client.execute(uri: "/add-checkpoint", method: .post, body: ByteBuffer(string: "old x\n\n")) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: [UInt8](repeating: 0x41, count: 300_000))) {
                #expect($0.status == .contentTooLarge)
            }
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try log.request(from: 10, to: 20).bytes)) {
                #expect($0.status == .ok)
            }
        }
    }

    @Test func monitoringCheckpoint_isTheLastCosignedNote() async throws {
        let log = try TestLog.make(count: 20)
        try await withApp(log) { client, witness in
            let hash = HashAlgorithm.sha256.hash(Array(TestLog.origin.utf8)).hex
            try await client.execute(uri: "/\(hash)/checkpoint", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try log.request(from: 0, to: 12).bytes)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/\(hash)/checkpoint", method: .get) { response in
                #expect(response.status == .ok)
                let opened = try SignedCheckpoint(opening: Array(response.body.readableBytesView),
                                                  logVerifier: log.verifier, witnesses: [witness.cosigner.verifier])
                #expect(opened.checkpoint.size == 12)
                #expect(opened.verifiedSignatures.count == 2)
            }
        }
    }

    @Test func metrics_arePrometheusText() async throws {
        let log = try TestLog.make(count: 5)
        try await withApp(log) { client, _ in
            try await client.execute(uri: "/add-checkpoint", method: .post,
                                     body: ByteBuffer(bytes: try log.request(from: 0, to: 5).bytes)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("certledger_witness_cosigned_total 1\n"))
            }
        }
    }
}
