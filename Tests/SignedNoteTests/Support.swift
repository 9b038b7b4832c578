import Foundation
import LedgerCrypto
import SignedNote
import Testing

/// Loads a vector file from `Tests/Vectors` (public test data copied from shared/vectors).
func loadVector(_ name: String) throws -> [String: Any] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors").appendingPathComponent(name)
    let object = try JSONSerialization.jsonObject(with: Data(contentsOf: url))
    return try #require(object as? [String: Any])
}

/// Expects `body` to throw a `NoteError` with `code` (and, when given, at `line`).
func expectNoteError(
    _ code: NoteError.Code,
    line: Int? = nil,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () throws -> Void
) {
    let error = #expect(throws: NoteError.self, sourceLocation: sourceLocation) { try body() }
    #expect(error?.code == code, "got \(String(describing: error))", sourceLocation: sourceLocation)
    if let line {
        #expect(error?.line == line, "got \(String(describing: error))", sourceLocation: sourceLocation)
    }
}

/// A deterministic Ed25519 note signer: seed = 32 copies of `byte`.
func fixedSigner(_ name: String, seedByte byte: UInt8) throws -> Ed25519NoteSigner {
    try Ed25519NoteSigner(name: name, privateKey: PrivateKey(ed25519Seed: [UInt8](repeating: byte, count: 32)))
}

/// A deterministic Ed25519 witness cosigner (type 0x04) with a fixed clock.
func fixedCosigner(_ name: String, seedByte byte: UInt8, time: UInt64 = 1_700_000_000) throws
    -> Ed25519CosignatureSigner
{
    try Ed25519CosignatureSigner(name: name, privateKey: PrivateKey(ed25519Seed: [UInt8](repeating: byte, count: 32)),
                                 clock: { time })
}

func utf8(_ s: String) -> [UInt8] { Array(s.utf8) }

/// The C2SP signed-note example (Tests/Vectors/c2sp-signed-note.json).
struct SignedNoteVector {
    let vkey: String
    let note: String

    init() throws {
        let file = try loadVector("c2sp-signed-note.json")
        vkey = try #require(file["vkey"] as? String)
        note = try #require(file["note"] as? String)
    }
}

/// golang.org/x/mod/sumdb/note's documented example (a public test vector): the key, the text and the note
/// that Ed25519's determinism makes any correct implementation reproduce byte for byte.
enum GoNoteExample {
    static let signerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
    static let verifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
    static let text = "If you think cryptography is the answer to your problem,\n"
        + "then you don't know what your problem is.\n"
    static let note = text + "\n"
        + "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdng"
        + "otpRZb6KE6RyyBwJnAM=\n"
}

/// A real checkpoint of the public log arche2025h1.staging.ct.transparency.dev with witness cosignatures:
/// line 5 is the log's RFC 6962 signature (type 0x05, unknown here), line 6 its Ed25519 note signature (0x01),
/// line 9 remora.n621.de's tlog-cosignature Ed25519 cosignature (0x04); the other witnesses are unknown here.
enum RealCosignedCheckpoint {
    static let logKey =
        "arche2025h1.staging.ct.transparency.dev+ba2f06c0+AU0vHmlGCS/PdN8b2OaGmKprLI8HKM+dJ472xgFYh15f"
    static let witnessKey = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2"
    static let witnessTimestamp: UInt64 = 1_779_573_024
    static let text = [
        "arche2025h1.staging.ct.transparency.dev\n",
        "1432088532\n",
        "U7WM79jrzyhGZ5/GUBTpM7NzwdyfFx61t3RovgcC4Ro=\n",
        "\n",
        "— arche2025h1.staging.ct.transparency.dev zTM8sQAAAZ5W0WdjBAMARjBEAiBjW5IQf9pvsYLfQFX6hoGR"
            + "EPMHbdQ3urbllzalApkptQIgIpwtEroeW2BXaHAI4kJXFbon5Ch9MNL5zRNZ55lvGt0=\n",
        "— arche2025h1.staging.ct.transparency.dev ui8GwCF1+kWqZrxGdhj4aX3gcw7XUlXQQabg/27lefwhUkzb"
            + "C3NygNI75MdhL1bfTW9g8Ei59RA23oHP7Ry1k3ZFWwQ=\n",
        "— transparency.dev/DEV:witness-little-garden 2AQqhwAAAABqEiEgzgFIqqhbUoDwjMWE6UP8nd8/KYTzw"
            + "Z2rhIgcqoXHAwVkjZr4AscylP3v7sEodkRAErumC2q44vdgJY096st5BQ==\n",
        "— witness1.smartit.nu/witness1 pIyCDwAAAABqEiEghIp82KWebrw7/oHQwlTAm3g2RKS4+eebl8eO0WH+/iE"
            + "cxZ75W3u5hNI7TOQtmJbqmNWVuE0tgh0XwzdZsDsUAQ==\n",
        "— remora.n621.de 2net5wAAAABqEiEgPlfF3V06o0Y+fHM+J5J9s27wgxxcOVSpZ/2g/KSiXCg9DEZI+aVCIobWX"
            + "9sXTynk5XeU/zZ0WBxtqB0DrAWfBw==\n",
        "— witness.stagemole.eu Z/euoAAAAABqEiEgw0i+7g2ENfDAWHmtRzCfKTHSDwYDJA2NmKeGi9Y8FtEyOUvVr+A"
            + "JmIY/2TUFucgKi7lI7cUiOvKFYe/TmN9DAg==\n",
    ].joined()
}
