public import CanonicalJSON

/// The daemon's answer to `POST /v1/submissions` (DESIGN.md §5): each entry with its RFC 9162 inclusion proof
/// against the signed checkpoint of `treeSize` — enough to check inclusion offline or to write a C2SP tlog-proof.
/// `duplicate` is true when the request re-sent submissions already in the log (the original entries come back).
public struct SubmissionAnswer: Codable, Sendable, Equatable {
    public struct Entry: Codable, Sendable, Equatable {
        public let index: UInt64
        /// The entry's bytes, standard base64.
        public let entry: String
        /// RFC 9162 leaf hash of the entry, standard base64.
        public let leafHash: String
        /// The audit path to `treeSize`, standard base64 hashes.
        public let inclusionProof: [String]

        public init(index: UInt64, entry: String, leafHash: String, inclusionProof: [String]) {
            self.index = index
            self.entry = entry
            self.leafHash = leafHash
            self.inclusionProof = inclusionProof
        }
    }

    /// The C2SP signed checkpoint note the proofs lead to.
    public let checkpoint: String
    public let duplicate: Bool
    public let entries: [Entry]
    public let treeSize: UInt64

    public init(checkpoint: String, duplicate: Bool, entries: [Entry], treeSize: UInt64) {
        self.checkpoint = checkpoint
        self.duplicate = duplicate
        self.entries = entries
        self.treeSize = treeSize
    }
}

extension SubmissionAnswer {
    /// The answer's RFC 8785 bytes, written member by member (what `CanonicalJSONEncoder` writes for it, without
    /// building a tree: this runs once per acknowledged request). `SubmissionAnswerTests` holds the two equal.
    public func canonicalBytes() throws(JSONError) -> [UInt8] {
        try canonicalObject().bytes()
    }

    /// The answer's members, for an answer that adds its own beside them (a line of a bulk answer).
    public func canonicalObject() throws(JSONError) -> CanonicalObject {
        var object = CanonicalObject()
        object.set("checkpoint", string: checkpoint)
        object.set("duplicate", canonical: Array((duplicate ? "true" : "false").utf8))
        try object.set("treeSize", integer: Int64(clamping: treeSize))
        var list: [UInt8] = [UInt8(ascii: "[")]
        for (position, entry) in entries.enumerated() {
            if position > 0 { list.append(UInt8(ascii: ",")) }
            var member = CanonicalObject()
            try member.set("index", integer: Int64(clamping: entry.index))
            member.set("entry", string: entry.entry)
            member.set("leafHash", string: entry.leafHash)
            var proof: [UInt8] = [UInt8(ascii: "[")]
            for (step, hash) in entry.inclusionProof.enumerated() {
                if step > 0 { proof.append(UInt8(ascii: ",")) }
                proof += JSONValue.string(hash).canonicalBytes()
            }
            proof.append(UInt8(ascii: "]"))
            member.set("inclusionProof", canonical: proof)
            list += member.bytes()
        }
        list.append(UInt8(ascii: "]"))
        object.set("entries", canonical: list)
        return object
    }
}

