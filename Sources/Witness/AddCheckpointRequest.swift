public import LedgerCrypto
public import SignedNote

/// The body of a C2SP tlog-witness `add-checkpoint` request (tlog-witness §add-checkpoint): an `old <size>` line,
/// up to 63 consistency-proof lines of one base64 hash each, an empty line, then a signed checkpoint note.
///
/// Parsing checks syntax only (the note's signatures are checked against the log's keys by `WitnessCore`), and is
/// strict: decimals without sign or leading zero, canonical padded base64 of exactly 32 bytes, every line ending
/// in a newline. Anything else is a `.malformed` refusal (HTTP 400).
public struct AddCheckpointRequest: Sendable, Equatable {
    /// Most consistency-proof lines a client may send (tlog-witness: "MUST NOT send more than 63").
    public static let maxProofLines = 63
    /// Most bytes of a request body the witness reads: a checkpoint with many cosignatures fits many times over.
    public static let maxBytes = 256 * 1024

    /// The size of the checkpoint the client believes the witness last cosigned.
    public let oldSize: UInt64
    /// The RFC 9162 consistency proof from `oldSize` to the checkpoint's size.
    public let proof: [Hash256]
    /// The signed checkpoint, every signature line kept, unverified.
    public let note: Note
    /// The checkpoint body of `note`, parsed but unverified.
    public let checkpoint: Checkpoint

    /// A request from its parts (clients and tests build requests this way).
    public init(oldSize: UInt64, proof: [Hash256], note: Note) throws(WitnessRefusal) {
        guard proof.count <= Self.maxProofLines else {
            throw WitnessRefusal(.malformed, "\(proof.count) proof lines exceed the limit of \(Self.maxProofLines)")
        }
        do {
            checkpoint = try Checkpoint(parsing: note.text)
        } catch {
            throw WitnessRefusal(.malformed, "the note is not a checkpoint: \(error)")
        }
        self.oldSize = oldSize
        self.proof = proof
        self.note = note
    }

    /// Parses a request body.
    public init(parsing body: some Collection<UInt8>) throws(WitnessRefusal) {
        guard body.count <= Self.maxBytes else {
            throw WitnessRefusal(.malformed, "body of \(body.count) bytes exceeds the limit of \(Self.maxBytes)")
        }
        let bytes = Array(body)
        var lines = LineReader(bytes)
        guard let oldLine = lines.next() else {
            throw WitnessRefusal(.malformed, "the body does not start with a newline-terminated `old <size>` line")
        }
        let oldPrefix = Array("old ".utf8)
        guard oldLine.starts(with: oldPrefix),
              let old = StrictDecimal.parse(utf8: oldLine.dropFirst(oldPrefix.count)) else {
            throw WitnessRefusal(.malformed, "first line \(Self.quoted(oldLine)) is not `old <decimal size>`")
        }
        var proof: [Hash256] = []
        while true {
            guard let line = lines.next() else {
                throw WitnessRefusal(.malformed, "no empty line separates the proof from the checkpoint")
            }
            if line.isEmpty { break }
            guard proof.count < Self.maxProofLines else {
                throw WitnessRefusal(.malformed, "more than \(Self.maxProofLines) proof lines")
            }
            let text = String(decoding: line, as: UTF8.self)
            guard let decoded = Base64.decode(text), let hash = Hash256(bytes: decoded) else {
                throw WitnessRefusal(.malformed,
                                     "proof line \(proof.count + 1) \(Self.quoted(line)) is not a base64 32-byte hash")
            }
            proof.append(hash)
        }
        let note: Note
        do {
            note = try Note(parsing: bytes[lines.offset...])
        } catch {
            throw WitnessRefusal(.malformed, "the checkpoint is not a signed note: \(error)")
        }
        try self.init(oldSize: old, proof: proof, note: note)
    }

    /// The request body, as a client sends it.
    public var bytes: [UInt8] {
        var out = Array("old \(oldSize)\n".utf8)
        for hash in proof { out += Array((hash.base64 + "\n").utf8) }
        out.append(0x0A)
        return out + note.bytes
    }

    /// A short, printable prefix of untrusted input for a refusal message: never more than 32 characters echoed.
    static func quoted(_ line: some Collection<UInt8>) -> String {
        let printable = line.prefix(32).map { (0x20..<0x7F).contains($0) ? Character(UnicodeScalar($0)) : "?" }
        return "\"" + String(printable) + (line.count > 32 ? "…" : "") + "\""
    }
}

/// Newline-terminated lines of a byte array, front to back; the final unterminated remainder is not a line.
struct LineReader {
    let bytes: [UInt8]
    /// Where the next line starts.
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func next() -> ArraySlice<UInt8>? {
        guard offset < bytes.count, let newline = bytes[offset...].firstIndex(of: 0x0A) else { return nil }
        defer { offset = newline + 1 }
        return bytes[offset..<newline]
    }
}
