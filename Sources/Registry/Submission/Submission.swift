public import CanonicalJSON
import LedgerCrypto
import Log

/// One signed submission (DESIGN.md §3): `{"kind","department","keyId","nonce","record":{…},"signature":"<b64>"}`,
/// decoded strictly and kept with the exact bytes it stands for.
///
/// - `canonicalBytes`: the RFC 8785 (JCS) form of the whole submission, which becomes the `submission` member of
///   the log entry. A department may send the same JSON with other white space or member order; the ledger
///   stores and hashes this one form.
/// - `signingInput`: `"certledger/submission/v1\n"` ‖ JCS(the submission without `signature`): what the
///   signature covers. The prefix separates these signatures from anything else the same key might sign.
///
/// Size: the entry that will hold the submission is at most 65,535 bytes (`LogEntry.maxBytes`); its envelope
/// (`index` up to 2^53, `prev`, `time`, `v`) takes at most 134 bytes, so a submission may use 65,335 bytes of
/// canonical JSON and leaves 200 bytes of headroom for the envelope.
public struct Submission: Sendable, Hashable {
    /// The domain-separation prefix of every submission signature.
    public static let signingPrefix: [UInt8] = Array(UnsafeBufferPointer(start: signingPrefixLiteral.utf8Start,
                                                                         count: signingPrefixLiteral.utf8CodeUnitCount))
    /// `signingPrefix` as a constant the audit's signing-input cutter copies from directly (no lazy global).
    static let signingPrefixLiteral: StaticString = "certledger/submission/v1\n"
    /// Bytes of entry envelope reserved around a submission (at most 134 are used today).
    public static let envelopeHeadroom = 200
    /// Largest canonical submission: 65,535 − 200 = 65,335 bytes.
    public static let maxBytes = LogEntry.maxBytes - envelopeHeadroom
    /// Largest body accepted before canonicalizing: room for pretty-printing and `\u` escapes, still bounded.
    public static let maxInputBytes = 4 * LogEntry.maxBytes
    /// Largest signature accepted: Ed25519 signatures are 64 bytes, DER ECDSA/SM2 ones at most 72.
    public static let maxSignatureBytes = 128

    /// What is recorded; decides the record schema.
    public let kind: SubmissionKind
    /// The department that signed.
    public let department: DepartmentID
    /// The ID of the department key that signed.
    public let keyId: KeyID
    /// Unique per department; makes re-sending idempotent.
    public let nonce: Nonce
    /// The decoded, validated record.
    public let record: Record
    /// The raw signature (64 bytes for Ed25519, DER for ECDSA P-256 and SM2).
    public let signature: [UInt8]
    /// The submission as it goes into the entry: JCS of all six members.
    public let canonicalBytes: [UInt8]
    /// Exactly what the signature covers.
    public let signingInput: [UInt8]
    /// The submission as a JSON value (read again from `canonicalBytes` when asked: an audit decodes every entry's
    /// submission and never needs the tree, so none is kept). The bytes were parsed or written by this type, so
    /// they parse; `.null` would only stand for a broken invariant, never for a submission.
    public var json: JSONValue {
        (try? JSONValue.parse(canonicalBytes, limits: JSONLimits(maxInputBytes: Self.maxInputBytes))) ?? .null
    }

    /// Parses a submission sent as JSON text (any valid spelling; see `init(json:usccExceptions:at:)`).
    public init(bytes: [UInt8], usccExceptions: Set<String> = []) throws(RegistryError) {
        // Stored payloads (and canonical request bodies) of the common kinds are read without a JSON tree.
        if let fast = Submission(canonical: bytes, usccExceptions: usccExceptions) {
            self = fast
            return
        }
        let parsed: (value: JSONValue, isCanonical: Bool)
        do {
            parsed = try JSONValue.parseCheckingCanonical(bytes, limits: JSONLimits(maxInputBytes: Self.maxInputBytes))
        } catch {
            throw RegistryError(error, prefix: "")
        }
        // Bytes already in canonical form (every payload of the log) are their own canonical form.
        try self.init(json: parsed.value, canonical: parsed.isCanonical ? bytes : nil, usccExceptions: usccExceptions,
                      at: "")
    }

    /// `init(bytes:usccExceptions:)` for bytes already canonical in `CanonicalTape`'s plain subset whose record the
    /// fast readers take (`Record.decodeDirect`): the same checks, without a JSON tree. Nil for anything else,
    /// including anything the strict path would refuse; that path then decides and names the problem.
    init?(canonical bytes: [UInt8], usccExceptions: Set<String>) {
        guard bytes.count <= Self.maxBytes,
              let tape = CanonicalTape(bytes, limits: JSONLimits(maxInputBytes: Self.maxInputBytes)),
              let envelope = Envelope.members(of: tape.root),
              let signature = envelope.signature.withStringUTF8({ Base64.decode(utf8: $0) }) ?? nil,
              (1...Self.maxSignatureBytes).contains(signature.count),
              let record = Record.decodeDirect(kind: envelope.kind, from: envelope.record,
                                               usccExceptions: usccExceptions),
              let signingInput = Self.signingInput(canonical: bytes, signatureAt: envelope.signature.byteRange)
        else { return nil }
        kind = envelope.kind
        department = envelope.department
        keyId = envelope.keyId
        nonce = envelope.nonce
        self.record = record
        self.signature = signature
        canonicalBytes = bytes
        self.signingInput = signingInput
    }

    /// Checks a parsed submission, in the order a server wants to refuse it: size (413), then the envelope's
    /// members, then the record of its kind. `path` prefixes every field an error names (`bundle[2]`). The
    /// signature is decoded but not verified: that needs the key history (`verifySignature(with:)`).
    public init(json: JSONValue, usccExceptions: Set<String> = [], at path: String = "") throws(RegistryError) {
        try self.init(json: json, canonical: nil, usccExceptions: usccExceptions, at: path)
    }

    /// `init(json:usccExceptions:at:)` with `json`'s canonical bytes, when the caller has them, not written again.
    private init(json: JSONValue, canonical known: [UInt8]?, usccExceptions: Set<String>,
                 at path: String) throws(RegistryError) {
        let canonical = known ?? json.canonicalBytes()
        guard canonical.count <= Self.maxBytes else {
            throw RegistryError(.tooLarge, field: path.isEmpty ? nil : path,
                                "the submission is \(canonical.count) bytes of canonical JSON; at most "
                                + "\(Self.maxBytes) fit in a \(LogEntry.maxBytes)-byte entry with its envelope")
        }
        let envelope: Envelope
        if let direct = Envelope(wellFormed: json) {
            envelope = direct
        } else {
            do {
                envelope = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Envelope.self, from: json)
            } catch {
                throw RegistryError(error, prefix: path)
            }
        }
        guard let signature = Base64.decode(envelope.signature),
              (1...Self.maxSignatureBytes).contains(signature.count) else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "signature"),
                                "a signature is standard padded base64 of 1–\(Self.maxSignatureBytes) bytes")
        }
        record = try Record.decode(kind: envelope.kind, from: envelope.record, usccExceptions: usccExceptions,
                                   at: FieldCheck.join(path, "record"))
        kind = envelope.kind
        department = envelope.department
        keyId = envelope.keyId
        nonce = envelope.nonce
        self.signature = signature
        canonicalBytes = canonical
        signingInput = Self.signingInput(canonical: canonical, signature: envelope.signature)
            ?? Self.signingInput(Envelope.unsigned(json))
    }

    /// The signing input cut out of the canonical bytes, without a second canonicalization (a fifth of the cost
    /// of decoding a submission in an audit). JCS sorts `signature` after the five other members (the only ones
    /// the envelope allows), and a base64 value needs no escaping, so the canonical form ends with exactly
    /// `,"signature":"<b64>"}` and what precedes it, closed with `}`, is JCS(the submission without
    /// `signature`). Nil if the bytes do not end that way (then the caller canonicalizes).
    static func signingInput(canonical: [UInt8], signature: String) -> [UInt8]? {
        var signature = signature
        return signature.withUTF8 { signature in
            guard signature.allSatisfy({ $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") && $0 >= 0x20 }) else {
                return nil
            }
            return canonical.withUnsafeBufferPointer { bytes in
                let start = bytes.count - 2 - signature.count
                guard start > signatureHead.utf8CodeUnitCount, bytes[start..<(start + signature.count)]
                    .elementsEqual(signature) else { return nil }
                return signingInput(bytes, signatureAt: start..<(start + signature.count))
            }
        }
    }

    /// `signingInput(canonical:signature:)` for the signature string found at `range` of the canonical bytes by a
    /// reader that has already checked it holds no quote, backslash or control character (`CanonicalTape`).
    static func signingInput(canonical: [UInt8], signatureAt range: Range<Int>) -> [UInt8]? {
        canonical.withUnsafeBufferPointer { signingInput($0, signatureAt: range) }
    }

    /// `,"signature":"`: what precedes the signature in canonical form.
    private static let signatureHead: StaticString = #","signature":""#

    /// The signing input when `bytes` end with `,"signature":"`, the string at `range`, then `"}`; nil otherwise.
    private static func signingInput(_ bytes: UnsafeBufferPointer<UInt8>, signatureAt range: Range<Int>) -> [UInt8]? {
        let head = signatureHead.utf8CodeUnitCount
        let unsignedEnd = range.lowerBound - head
        guard unsignedEnd > 0, range.upperBound == bytes.count - 2, bytes[bytes.count - 2] == UInt8(ascii: "\""),
              bytes[bytes.count - 1] == UInt8(ascii: "}"),
              (0..<head).allSatisfy({ bytes[unsignedEnd + $0] == signatureHead.utf8Start[$0] }) else { return nil }
        let prefix = signingPrefixLiteral
        let prefixCount = prefix.utf8CodeUnitCount
        return [UInt8](unsafeUninitializedCapacity: prefixCount + unsignedEnd + 1) { out, written in
            let base = out.baseAddress!
            base.initialize(from: prefix.utf8Start, count: prefixCount)
            (base + prefixCount).initialize(from: bytes.baseAddress!, count: unsignedEnd)
            base[prefixCount + unsignedEnd] = UInt8(ascii: "}")
            written = prefixCount + unsignedEnd + 1
        }
    }

    /// `"certledger/submission/v1\n"` ‖ JCS(`unsigned`).
    static func signingInput(_ unsigned: JSONValue) -> [UInt8] {
        signingPrefix + unsigned.canonicalBytes()
    }

    public static func == (lhs: Submission, rhs: Submission) -> Bool { lhs.canonicalBytes == rhs.canonicalBytes }

    public func hash(into hasher: inout Hasher) { hasher.combine(canonicalBytes) }

    /// The six members, decoded with unknown members refused; the record stays raw until its kind is known.
    struct Envelope: Decodable {
        let kind: SubmissionKind
        let department: DepartmentID
        let keyId: KeyID
        let nonce: Nonce
        let record: JSONValue
        let signature: String

        /// The envelope read straight from the members when it is well-formed — exactly the six members, five
        /// valid strings and a record — which is what the strict decoder would return for it, without its
        /// machinery (every submission of an audit goes through here). Nil otherwise: the strict decoder then
        /// names what is wrong.
        init?(wellFormed json: JSONValue) {
            guard let members = Self.members(of: json), let signature = members.signature.stringValue else {
                return nil
            }
            kind = members.kind
            department = members.department
            keyId = members.keyId
            nonce = members.nonce
            record = members.record
            self.signature = signature
        }

        /// The six members of a well-formed envelope (see `init?(wellFormed:)`), from a tree or a tape; the
        /// signature is a string value, left for the caller to read (a tape's reader decodes it in place).
        static func members<Value: DirectJSON>(of json: Value) -> (kind: SubmissionKind, department: DepartmentID,
                                                                  keyId: KeyID, nonce: Nonce, record: Value,
                                                                  signature: Value)? {
            guard var members = DirectMembers(json, count: 6),
                  let department = members.validated("department", as: DepartmentID.self),
                  let keyId = members.validated("keyId", as: KeyID.self),
                  let kind = members.member("kind")?.withDirectUTF8({ SubmissionKind.names.value(utf8: $0) }),
                  let nonce = members.validated("nonce", as: Nonce.self), let record = members.member("record"),
                  let signature = members.member("signature"), signature.withDirectUTF8({ _ in true }) == true
            else { return nil }
            return (kind, department, keyId, nonce, record, signature)
        }

        /// `json` without its `signature` member.
        static func unsigned(_ json: JSONValue) -> JSONValue {
            var members = json.objectValue ?? [:]
            members["signature"] = nil
            return .object(members)
        }
    }
}
