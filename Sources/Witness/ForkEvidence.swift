public import Foundation
public import LedgerCrypto
public import Log
public import SignedNote

/// Two checkpoints signed by one log that cannot both be true, and what shows it: what a witness keeps when it is
/// shown a fork, in a file anyone can check with the log's verifier key alone (`certledger check-fork`).
///
/// What `check(against:hasher:)` proves, given that the log's key signed both notes:
/// - `.sameSize`: two checkpoints of one tree size with different root hashes. A log's tree of that size has one
///   root, so the log signed two histories — a fork on its face.
/// - `.inconsistentProof`: checkpoints of sizes m < n and the consistency proof the log supplied. Run through
///   RFC 9162 §2.1.4.2, the proof's hashes reproduce the larger root, so (SHA-256 being collision resistant) they
///   are nodes of the larger tree; the same hashes give that tree's first m leaves a root other than the smaller
///   checkpoint's. The larger tree therefore does not extend the smaller one: a fork. A proof that fails to
///   reproduce the larger root proves nothing (anyone can send garbage with a public checkpoint) and is not
///   evidence.
public struct ForkEvidence: Sendable, Equatable {
    /// The format line of an evidence file.
    public static let format = "certledger/witness-fork-evidence/v1"

    /// How the evidence shows the fork.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        /// Equal sizes, different roots.
        case sameSize = "same-size"
        /// A consistency proof from the smaller checkpoint that reproduces the larger root but not the smaller.
        case inconsistentProof = "inconsistent-proof"
    }

    /// The log's origin.
    public let origin: String
    /// How the evidence shows the fork.
    public let kind: Kind
    /// The checkpoint the witness cosigned before (the smaller one for `.inconsistentProof`), as kept.
    public let first: Note
    /// The checkpoint that contradicts it, with the log's signatures.
    public let second: Note
    /// For `.inconsistentProof`: the consistency proof from `first`'s size to `second`'s, as the log sent it.
    public let proof: [Hash256]

    /// Evidence from its parts.
    public init(origin: String, kind: Kind, first: Note, second: Note, proof: [Hash256]) {
        self.origin = origin
        self.kind = kind
        self.first = first
        self.second = second
        self.proof = proof
    }

    /// Names the fork, not the request that showed it: SHA-256 over the hashes of the kind, both checkpoint texts
    /// and the proof (signature lines left out, so a re-cosigned checkpoint names the same fork).
    public var identity: Hash256 {
        let parts: [[UInt8]] = [Array(kind.rawValue.utf8), first.textBytes, second.textBytes, proof.flatMap(\.bytes)]
        return HashAlgorithm.sha256.hash(parts.flatMap { HashAlgorithm.sha256.hash($0).bytes })
    }

    /// What checking the evidence found.
    public enum Verdict: Sendable, Equatable {
        /// The log signed both checkpoints and they are inconsistent; the text says why.
        case proven(String)
        /// The file does not prove a fork by this log; the text says what is missing.
        case notProven(String)
    }

    /// Checks the evidence against the log's verifiers: both notes must be signed by one of them (other lines,
    /// e.g. witness cosignatures, are ignored), carry the same origin, and be inconsistent as `kind` says.
    public func check(against verifiers: [any NoteVerifier], hasher: MerkleHasher) -> Verdict {
        let a: Checkpoint, b: Checkpoint
        do {
            a = try Self.open(first, verifiers)
        } catch {
            return .notProven("the first checkpoint is not signed by the log's key: \(error)")
        }
        do {
            b = try Self.open(second, verifiers)
        } catch {
            return .notProven("the second checkpoint is not signed by the log's key: \(error)")
        }
        guard a.origin == b.origin else {
            return .notProven("the checkpoints are of two logs (\(a.origin), \(b.origin))")
        }
        guard a.origin == origin else {
            return .notProven("the checkpoints are of \(a.origin), the file names \(origin)")
        }
        switch kind {
        case .sameSize:
            guard a.size == b.size else {
                return .notProven("same-size evidence with sizes \(a.size) and \(b.size)")
            }
            guard a.rootHash != b.rootHash else {
                return .notProven("both checkpoints of size \(a.size) have the same root: no fork")
            }
            return .proven("\(origin) signed two roots for tree size \(a.size): \(a.rootHash.base64) and "
                + "\(b.rootHash.base64)")
        case .inconsistentProof:
            guard a.size < b.size else {
                return .notProven("proof evidence needs the first checkpoint smaller (sizes \(a.size), \(b.size))")
            }
            let verdict: MerkleVerdict
            do {
                verdict = try hasher.verifyConsistency(size1: a.size, size2: b.size, proof: proof,
                                                       root1: a.rootHash, root2: b.rootHash)
            } catch {
                return .notProven("the proof does not fit sizes \(a.size) to \(b.size): \(error.reason)")
            }
            guard case .mismatch(let mismatchSize, let oldRoot, _) = verdict, mismatchSize == a.size else {
                if verdict.isValid {
                    return .notProven("the proof shows the checkpoints consistent: no fork")
                }
                return .notProven("the proof does not lead to the larger checkpoint's root, so it shows nothing")
            }
            // The proof's hashes are nodes of the larger tree exactly when they reproduce its root.
            let pinned = try? hasher.verifyConsistency(size1: a.size, size2: b.size, proof: proof,
                                                       root1: oldRoot, root2: b.rootHash)
            guard let pinned, pinned.isValid else {
                return .notProven("the proof does not lead to the larger checkpoint's root, so it shows nothing")
            }
            return .proven("\(origin) signed a tree of size \(b.size) whose first \(a.size) entries have root "
                + "\(oldRoot.base64), and a checkpoint of size \(a.size) with root \(a.rootHash.base64)")
        }
    }

    /// Opens a note against the log's verifiers: some verifier must have signed it, and its text must be a
    /// checkpoint.
    private static func open(_ note: Note, _ verifiers: [any NoteVerifier]) throws(NoteError) -> Checkpoint {
        _ = try note.open(verifiers: verifiers)
        return try Checkpoint(parsing: note.text)
    }
}

// MARK: The evidence file

extension ForkEvidence {
    /// The JSON form of an evidence file: the format line, the origin, the kind, when and by whom it was detected,
    /// both signed notes in full (text, blank line, signature lines) and the proof hashes in base64.
    struct File: Codable {
        var format: String
        var origin: String
        var kind: Kind
        var detectedAt: String?
        var witness: String?
        var first: String
        var second: String
        var proof: [String]
        var claim: String?
    }

    /// The evidence file's bytes (JSON, pretty-printed, keys sorted), noting when and by which witness it was kept.
    public func fileBytes(detectedAt: Date, witness: String, claim: String) -> [UInt8] {
        let formatter = ISO8601DateFormatter()
        let file = File(format: Self.format, origin: origin, kind: kind,
                        detectedAt: formatter.string(from: detectedAt), witness: witness,
                        first: String(decoding: first.bytes, as: UTF8.self),
                        second: String(decoding: second.bytes, as: UTF8.self),
                        proof: proof.map(\.base64), claim: claim)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding strings and arrays of strings cannot fail.
        return Array((try? encoder.encode(file)) ?? Data()) + [0x0A]
    }

    /// Reads an evidence file; only its notes, kind, origin and proof matter to `check`, the rest is commentary.
    public init(fileBytes: [UInt8]) throws(WitnessError) {
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: Data(fileBytes))
        } catch {
            throw WitnessError(.corrupt, "not a fork evidence file: \(error)")
        }
        guard file.format == Self.format else {
            throw WitnessError(.corrupt, "format is \(file.format.prefix(60)), expected \(Self.format)")
        }
        var proof: [Hash256] = []
        for (i, line) in file.proof.enumerated() {
            guard let bytes = Base64.decode(line), let hash = Hash256(bytes: bytes) else {
                throw WitnessError(.corrupt, "proof[\(i)] is not a base64 32-byte hash")
            }
            proof.append(hash)
        }
        do {
            self.init(origin: file.origin, kind: file.kind, first: try Note(parsing: Array(file.first.utf8)),
                      second: try Note(parsing: Array(file.second.utf8)), proof: proof)
        } catch {
            throw WitnessError(.corrupt, "a checkpoint in the file is not a signed note: \(error)")
        }
    }
}
