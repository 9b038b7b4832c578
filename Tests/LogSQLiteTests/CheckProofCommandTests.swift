import Foundation
import LedgerCrypto
import Log
import LogSQLite
import SignedNote
import Testing

/// `certledger check-proof` driven as a department runs it: a tlog-proof saved from a real ledger (made by
/// `certledger init`) and the entry it proves pass; one changed byte in the entry, the proof or the checkpoint,
/// a proof for another entry, or another ledger's key fail with exit 1; unreadable input is exit 2.
@Suite(.serialized) struct CheckProofCommandTests {
    let cli = AuditCommandTests()

    /// A ledger of 10 entries and, in `folder`, `proof` (for entry `index`), `entry` (its bytes) and the ledger key.
    struct Saved {
        let folder: String
        let proof: [UInt8]
        let entry: [UInt8]
        var proofPath: String { folder + "/entry.tlog-proof" }
        var entryPath: String { folder + "/entry.json" }
        var vkey: String { "@" + folder + "/data/checkpoint.vkey" }
    }

    func saveProof(index: UInt64) async throws -> Saved {
        let folder = cli.temporaryFolder()
        try await InitCommandTests().prepare(folder)
        let (status, _, err) = try await cli.run("certledger", [
            "init", "--data", folder + "/data", "--origin", "ledger.test.gov.cn/certledger",
            "--departments", folder + "/departments.yaml", "--operator-key", folder + "/keys/demo-ledger.key"])
        try #require(status == 0, "\(err)")
        let store = try await SQLiteLogStore.openReadOnly(path: folder + "/data/log.sqlite")
        let head = try #require(try await store.head())
        let hashes = try await LogReader(store: store, hashAlgorithm: .sha256)
            .inclusionProof(index: index, size: head.size, treeSize: head.size)
        let proof = try TlogProof(index: index, inclusionProof: hashes, checkpointNote: try Note(parsing: head.checkpoint))
        let entry = try await store.entries(index..<(index + 1))[0]
        await store.close()
        let saved = Saved(folder: folder, proof: proof.bytes, entry: entry)
        try write(saved.proof, to: saved.proofPath)
        try write(saved.entry, to: saved.entryPath)
        return saved
    }

    func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    func check(_ saved: Saved, json: Bool = false) async throws -> (Int32, String, String) {
        try await cli.run("certledger", ["check-proof", saved.proofPath, "--entry", saved.entryPath,
                                         "--verifier-key", saved.vkey] + (json ? ["--json"] : []))
    }

    /// `bytes` with the byte at `offset` replaced by another character of the same class (digit or base64
    /// letter), so that the file still parses and the check itself must catch it.
    /// `bytes` with the base64 character at `offset` replaced by the next one of the alphabet: still base64 (so the
    /// proof parses), a different hash. The 3rd character of a hash never touches padding bits.
    func nextBase64(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var copy = bytes
        if let position = alphabet.firstIndex(of: copy[offset]) { copy[offset] = alphabet[(position + 1) % 64] }
        return copy
    }

    func flipped(_ bytes: [UInt8], at offset: Int) -> [UInt8] {
        var copy = bytes
        copy[offset] = copy[offset] == UInt8(ascii: "A") ? UInt8(ascii: "B")
            : copy[offset] == UInt8(ascii: "1") ? UInt8(ascii: "2") : (copy[offset] ^ 0x01)
        return copy
    }

    /// The offset of the first byte of the line after the first `count` newlines.
    func lineStart(_ bytes: [UInt8], afterNewlines count: Int) -> Int {
        var seen = 0
        for (offset, byte) in bytes.enumerated() where byte == 0x0A {
            seen += 1
            if seen == count { return offset + 1 }
        }
        return bytes.count
    }

    @Test func savedProofAndEntry_areValid() async throws {
        let saved = try await saveProof(index: 4)
        defer { try? FileManager.default.removeItem(atPath: saved.folder) }
        let (status, out, err) = try await check(saved)
        #expect(status == 0, "\(out) \(err)")
        // The genesis, its map root, 9 departments and theirs: 12 entries.
        #expect(out.contains("VALID: entry 4 is in ledger.test.gov.cn/certledger at tree size 12"), "\(out)")
        let json = try await check(saved, json: true)
        #expect(json.0 == 0 && json.1.contains(#""result":"valid","index":4"#), "\(json.1)")
    }

    @Test func flippedByteInTheEntry_isInvalid() async throws {
        let saved = try await saveProof(index: 4)
        defer { try? FileManager.default.removeItem(atPath: saved.folder) }
        for offset in [12, saved.entry.count / 2, saved.entry.count - 3] {
            try write(flipped(saved.entry, at: offset), to: saved.entryPath)
            let (status, _, err) = try await check(saved)
            #expect(status == 1, "entry byte \(offset): \(err)")
            #expect(err.contains("INVALID") && err.contains("not entry 4"), "\(err)")
        }
    }

    @Test func flippedByteInTheProofHashes_isInvalid() async throws {
        let saved = try await saveProof(index: 4)
        defer { try? FileManager.default.removeItem(atPath: saved.folder) }
        // Lines: header, "index 4", then the proof hashes: change the first hash's 3rd character.
        let offset = lineStart(saved.proof, afterNewlines: 2) + 2
        try write(nextBase64(saved.proof, at: offset), to: saved.proofPath)
        let (status, _, err) = try await check(saved)
        #expect(status == 1, "\(err)")
        #expect(err.contains("root mismatch"), "\(err)")
        // A proof for another index of the same tree does not prove this entry either.
        try write(Array("c2sp.org/tlog-proof@v1\nindex 5\n".utf8)
                  + saved.proof[lineStart(saved.proof, afterNewlines: 2)...], to: saved.proofPath)
        #expect(try await check(saved).0 == 1)
    }

    @Test func flippedByteInTheCheckpoint_isInvalid() async throws {
        let saved = try await saveProof(index: 4)
        defer { try? FileManager.default.removeItem(atPath: saved.folder) }
        let blank = try #require(saved.proof.indices.first { saved.proof[$0] == 0x0A && saved.proof[$0 + 1] == 0x0A })
        let checkpoint = blank + 2
        // Checkpoint lines: origin, size, root, blank, signature. Change the size's digit, then a root character.
        for target in [lineStart(Array(saved.proof[checkpoint...]), afterNewlines: 1),
                       lineStart(Array(saved.proof[checkpoint...]), afterNewlines: 2) + 5] {
            // A digit stays a digit, a base64 character stays base64: the note still parses, the signature fails.
            try write(nextBase64(saved.proof, at: checkpoint + target), to: saved.proofPath)
            let (status, _, err) = try await check(saved)
            #expect(status == 1, "\(err)")
            #expect(err.contains("checkpoint is not signed"), "\(err)")
        }
        // The signature line's last base64 character.
        let end = saved.proof.count - 3
        try write(flipped(saved.proof, at: end), to: saved.proofPath)
        #expect(try await check(saved).0 == 1)
    }

    @Test func anotherLedgersKey_isInvalid_unreadableInputIsUsage() async throws {
        let saved = try await saveProof(index: 0)
        defer { try? FileManager.default.removeItem(atPath: saved.folder) }
        let stranger = try Ed25519NoteSigner.generate(name: "ledger.test.gov.cn/certledger").verifier.verifierKey
        let wrong = try await cli.run("certledger", ["check-proof", saved.proofPath, "--entry", saved.entryPath,
                                                     "--verifier-key", stranger])
        #expect(wrong.0 == 1, "\(wrong.2)")
        let missing = try await cli.run("certledger", ["check-proof", saved.proofPath, "--entry",
                                                       saved.folder + "/nope",
                                                       "--verifier-key", saved.vkey])
        #expect(missing.0 == 2)
        #expect(try await cli.run("certledger", ["check-proof", saved.proofPath, "--entry", saved.entryPath,
                                                 "--verifier-key", "not-a-key"]).0 == 2)
        #expect(try await cli.run("certledger", ["check-proof", "--entry", saved.entryPath,
                                                 "--verifier-key", saved.vkey]).0 == 2)
    }
}
