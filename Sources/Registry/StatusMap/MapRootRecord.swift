public import LedgerCrypto

/// The payload of a `map.root` entry (docs/records.md): the status map's root after every entry before it, written
/// by the ledger itself to close each batch, so the last entry of every checkpointed tree is a map root.
///
/// It is no department's submission: it carries no department, key or signature. What vouches for it is the
/// checkpoint that covers it (the ledger's checkpoint key, and its witnesses), and anyone holding the entries before
/// it can recompute it (`certledger audit` does). A department cannot send one: a submission of kind `map.root`
/// does not decode (no `SubmissionKind` has that name), so only the sequencer's batch finisher writes it.
///
/// One spelling: exactly `{"kind":"map.root","record":{"root":"<base64 of 32 bytes>"}}`, the RFC 8785 form.
public struct MapRootRecord: Sendable, Equatable {
    /// The kind's name.
    public static let kind = "map.root"
    private static let head = Array(#"{"kind":"map.root","record":{"root":""#.utf8)
    private static let tail = Array(#""}}"#.utf8)

    /// The map root after every entry before this one.
    public let root: Hash256

    /// A map root.
    public init(root: Hash256) {
        self.root = root
    }

    /// Whether `payload` claims to be a `map.root` entry (it may still be malformed): its canonical form starts
    /// with `{"kind":"map.root",`, which no submission's does (a submission's first member is `department`).
    public static func isMapRoot(_ payload: some Collection<UInt8>) -> Bool {
        payload.starts(with: head.prefix(20))
    }

    /// Decodes a payload, which must be exactly the canonical form.
    public init(payload: some Collection<UInt8>) throws(RegistryError) {
        let bytes = Array(payload)
        guard bytes.count == Self.head.count + 44 + Self.tail.count, bytes.starts(with: Self.head),
              bytes.suffix(Self.tail.count).elementsEqual(Self.tail),
              let text = String(validating: bytes[Self.head.count..<(Self.head.count + 44)], as: UTF8.self),
              let root = Hash256(base64: text), root.base64 == text else {
            throw RegistryError(.invalid, field: "submission", "a map.root entry must be exactly "
                                + #"{"kind":"map.root","record":{"root":"<base64 of 32 bytes>"}}"#)
        }
        self.root = root
    }

    /// The canonical payload.
    public var payload: [UInt8] {
        Self.head + Array(root.base64.utf8) + Self.tail
    }
}
