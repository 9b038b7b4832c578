/// A note whose signatures have been checked against a set of known keys (C2SP signed-note §Signatures): at
/// least one known key verified it, no known key failed, and lines by unknown keys were set aside unchecked.
public struct VerifiedNote: Sendable, Hashable {
    /// The note as received; its bytes still hold every line, unknown ones included.
    public let note: Note
    /// Lines by known keys, each of which verified, in note order.
    public let verifiedSignatures: [NoteSignature]
    /// Lines by keys the caller did not know: ignored (as the spec requires) but kept.
    public let unverifiedSignatures: [NoteSignature]

    /// The verified text.
    public var text: String { note.text }

    /// Whether the key (name, key ID) is among those that verified.
    public func isVerified(name: String, keyID: UInt32) -> Bool {
        verifiedSignatures.contains { $0.isBy(name: name, keyID: keyID) }
    }
}

extension Note {
    /// Verifies the note against known keys, as C2SP signed-note §Signatures lays down:
    /// - a line whose (name, key ID) matches no verifier is ignored but kept (even if it shares one of the two);
    /// - a line by a known key is verified, and if it fails the whole note is rejected (`.badSignature`);
    /// - a known key that signs twice is rejected (`.duplicateSignature`): the pair identifies one key, and a
    ///   second line by it can only be a copy or a forgery, neither of which may count twice towards a quorum;
    /// - at least one known key must have verified (`.noVerifiedSignature`).
    /// Two verifiers with one (name, key ID) are refused (`.ambiguousVerifier`).
    public func open(verifiers: [any NoteVerifier]) throws(NoteError) -> VerifiedNote {
        var known: [KeyRef: any NoteVerifier] = [:]
        for verifier in verifiers {
            let ref = KeyRef(name: verifier.name, keyID: verifier.keyID)
            guard known[ref] == nil else {
                throw NoteError(.ambiguousVerifier, field: "verifiers",
                                "two verifiers for \(verifier.name)+\(NoteKeyID.hex(verifier.keyID))")
            }
            known[ref] = verifier
        }
        let firstSignatureLine = text.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + 2
        let message = textBytes
        var verified: [NoteSignature] = []
        var unverified: [NoteSignature] = []
        var seen: Set<KeyRef> = []
        for (offset, line) in signatures.enumerated() {
            let ref = KeyRef(name: line.name, keyID: line.keyID)
            guard let verifier = known[ref] else {
                unverified.append(line)
                continue
            }
            let lineNumber = firstSignatureLine + offset
            guard seen.insert(ref).inserted else {
                throw NoteError(.duplicateSignature, line: lineNumber, field: "signature",
                                "key \(line.name)+\(NoteKeyID.hex(line.keyID)) signed the note more than once")
            }
            guard verifier.verify(message, signature: line.signature) else {
                throw NoteError(.badSignature, line: lineNumber, field: "signature",
                                "signature by \(line.name)+\(NoteKeyID.hex(line.keyID)) does not verify")
            }
            verified.append(line)
        }
        guard !verified.isEmpty else {
            let names = verifiers.map { "\($0.name)+\(NoteKeyID.hex($0.keyID))" }.joined(separator: ", ")
            throw NoteError(.noVerifiedSignature,
                            "none of \(signatures.count) signature lines is by a known key (\(names))")
        }
        return VerifiedNote(note: self, verifiedSignatures: verified, unverifiedSignatures: unverified)
    }

    /// Opens serialized note bytes: `Note(parsing:)` then `open(verifiers:)`.
    public static func open(_ bytes: some Collection<UInt8>, verifiers: [any NoteVerifier]) throws(NoteError)
        -> VerifiedNote
    {
        try Note(parsing: bytes).open(verifiers: verifiers)
    }
}

/// The (name, key ID) pair that identifies a key in signed-note.
struct KeyRef: Hashable {
    let name: String
    let keyID: UInt32
}
