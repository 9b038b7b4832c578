import LedgerCrypto
import Log
import SignedNote
import Testing
import Witness

/// The add-checkpoint body of C2SP tlog-witness, parsed strictly.
@Suite struct AddCheckpointRequestTests {
    @Test func body_roundTrips() throws {
        let log = try TestLog.make(count: 20)
        let request = try log.request(from: 7, to: 20)
        let parsed = try AddCheckpointRequest(parsing: request.bytes)
        #expect(parsed == request)
        #expect(parsed.oldSize == 7)
        #expect(parsed.proof.count == request.proof.count)
        #expect(String(decoding: request.bytes, as: UTF8.self).hasPrefix("old 7\n"))
    }

    @Test(arguments: [
        "", "old 5", "old 5\n", "old05\n\n", "old 05\n\n", "old -1\n\n", "old +1\n\n", "old 1 \n\n",
        "OLD 1\n\n", "old 18446744073709551616\n\n", "old 1\nnot base64!\n\n", "old 1\nAAAA\n\n",
    ])
    func malformedHead_isRefusedAsMalformed(_ head: String) throws {
        let log = try TestLog.make(count: 3)
        var body = Array(head.utf8)
        if head.hasSuffix("\n\n") { body += try log.checkpoint(3).bytes }
        #expect(throws: WitnessRefusal.self) { try AddCheckpointRequest(parsing: body) }
        do {
            _ = try AddCheckpointRequest(parsing: body)
        } catch {
            #expect(error.reason == .malformed)
            #expect(error.message.count < 200)
        }
    }

    @Test func moreThan63ProofLines_isMalformed() throws {
        let log = try TestLog.make(count: 3)
        let line = MerkleHasher(.sha256).emptyRoot().base64 + "\n"
        let body = Array(("old 1\n" + String(repeating: line, count: 64) + "\n").utf8) + (try log.checkpoint(3).bytes)
        #expect(throws: WitnessRefusal.self) { try AddCheckpointRequest(parsing: body) }
    }

    @Test func noteThatIsNotACheckpoint_isMalformed() throws {
        let log = try TestLog.make(count: 3)
        let note = try Note.sign(text: "hello\n", signers: [log.signer])
        #expect(throws: WitnessRefusal.self) { try AddCheckpointRequest(parsing: Array("old 0\n\n".utf8) + note.bytes) }
    }

    @Test func refusalMessage_echoesOnlyAShortPrefix() throws {
        let junk = "old " + String(repeating: "x", count: 5_000) + "\n\n"
        do {
            _ = try AddCheckpointRequest(parsing: Array(junk.utf8))
            Issue.record("parsed")
        } catch {
            #expect(error.message.count < 120)
        }
    }
}

