/// What the verifying side requires of a checkpoint before it believes one (DESIGN.md §1, §9): the log's own
/// signature and valid `cosignature/v1` cosignatures by at least `quorum` of the named witnesses. The policy belongs
/// to the checker, pinned like the checkpoint key; a server's word about its witnesses counts for nothing.
///
/// File format (UTF-8 text, one directive a line, `#` starts a comment line, blank lines ignored):
///
/// ```
/// log example.org/ledger+1a2b3c4d+AXa…       # the ledger's checkpoint verifier key (type 0x01)
/// witness market-regulation wit.a+5e6f…+BKs… # a label, then the witness's cosignature verifier key (type 0x04)
/// witness housing-fund wit.b+90ab…+BPq…
/// quorum 2
/// ```
///
/// Exactly one `log` line and one `quorum` line; 1 ≤ quorum ≤ the number of witnesses; labels and keys unique.
public struct WitnessPolicy: Sendable {
    /// One witness the policy names.
    public struct Member: Sendable {
        /// The label the policy gives it (a department, a neighbouring city), for messages.
        public let label: String
        /// Its cosignature verifier.
        public let verifier: Ed25519CosignatureVerifier

        public init(label: String, verifier: Ed25519CosignatureVerifier) {
            self.label = label
            self.verifier = verifier
        }
    }

    /// The ledger's checkpoint key.
    public let logVerifier: Ed25519NoteVerifier
    /// The witnesses, in file order.
    public let witnesses: [Member]
    /// How many distinct witnesses must have cosigned.
    public let quorum: Int

    public init(logVerifier: Ed25519NoteVerifier, witnesses: [Member], quorum: Int) throws(NoteError) {
        guard quorum >= 1, quorum <= witnesses.count else {
            throw NoteError(.invalidKey, field: "quorum",
                            "quorum \(quorum) must be between 1 and the \(witnesses.count) witnesses named")
        }
        var labels = Set<String>(), keys = Set<KeyRef>()
        for member in witnesses {
            guard labels.insert(member.label).inserted else {
                throw NoteError(.invalidKey, field: "witness", "witness \(member.label) is named twice")
            }
            guard keys.insert(KeyRef(name: member.verifier.name, keyID: member.verifier.keyID)).inserted,
                  !(member.verifier.name == logVerifier.name && member.verifier.keyID == logVerifier.keyID)
            else {
                throw NoteError(.ambiguousVerifier, field: "witness",
                                "the key of witness \(member.label) appears twice in the policy")
            }
        }
        self.logVerifier = logVerifier
        self.witnesses = witnesses
        self.quorum = quorum
    }

    /// Parses a policy file's text (format above); errors name the line.
    public init(parsing text: String) throws(NoteError) {
        var log: Ed25519NoteVerifier?
        var quorum: Int?
        var members: [Member] = []
        for (offset, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = offset + 1
            let words = raw.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = words.first, !keyword.hasPrefix("#") else { continue }
            switch (keyword, words.count) {
            case ("log", 2):
                guard log == nil else { throw NoteError(.invalidKey, line: line, field: "log", "a second log line") }
                do { log = try Ed25519NoteVerifier(verifierKey: words[1]) } catch {
                    throw NoteError(.invalidKey, line: line, field: "log",
                                    "not a checkpoint verifier key: \(error.reason)")
                }
            case ("witness", 3):
                do {
                    members.append(Member(label: words[1],
                                          verifier: try Ed25519CosignatureVerifier(verifierKey: words[2])))
                } catch {
                    throw NoteError(.invalidKey, line: line, field: "witness",
                                    "witness \(words[1]): not a cosignature verifier key: \(error.reason)")
                }
            case ("quorum", 2):
                guard quorum == nil else {
                    throw NoteError(.invalidKey, line: line, field: "quorum", "a second quorum line")
                }
                guard let k = Int(words[1]), k > 0 else {
                    throw NoteError(.invalidKey, line: line, field: "quorum", "quorum \(words[1]) is not a number ≥ 1")
                }
                quorum = k
            default:
                throw NoteError(.invalidKey, line: line,
                                "expected `log VKEY`, `witness LABEL VKEY` or `quorum K`, found \"\(raw)\"")
            }
        }
        guard let log else { throw NoteError(.invalidKey, field: "log", "the policy has no `log VKEY` line") }
        guard let quorum else { throw NoteError(.invalidKey, field: "quorum", "the policy has no `quorum K` line") }
        try self.init(logVerifier: log, witnesses: members, quorum: quorum)
    }

    /// The policy as file text (what `init(parsing:)` reads).
    public var text: String {
        var out = "log \(logVerifier.verifierKey)\n"
        for member in witnesses { out += "witness \(member.label) \(member.verifier.verifierKey)\n" }
        return out + "quorum \(quorum)\n"
    }

    /// Checks a signed checkpoint note against the policy: the log's signature, every cosignature by a named
    /// witness valid, at least `quorum` of them. A refusal is an answer (`.refused` with the reason), not a throw.
    public func check(_ bytes: some Collection<UInt8>) -> WitnessVerdict {
        let signed: SignedCheckpoint
        do {
            signed = try SignedCheckpoint(opening: bytes, logVerifier: logVerifier,
                                          witnesses: witnesses.map(\.verifier))
        } catch {
            return .refused("the checkpoint does not verify under the witness policy: \(error)")
        }
        var cosigners: [WitnessedCheckpoint.Cosigner] = []
        for member in witnesses {
            guard let line = signed.verifiedSignatures.first(where: {
                $0.isBy(name: member.verifier.name, keyID: member.verifier.keyID)
            }), let time = Ed25519CosignatureVerifier.timestamp(of: line) else { continue }
            cosigners.append(.init(label: member.label, verifierKey: member.verifier.verifierKey, time: time))
        }
        guard cosigners.count >= quorum else {
            let named = cosigners.map(\.label).joined(separator: ", ")
            return .refused("checkpoint of size \(signed.checkpoint.size) carries \(cosigners.count) valid "
                + "cosignature\(cosigners.count == 1 ? "" : "s") of the policy's witnesses"
                + (named.isEmpty ? "" : " (\(named))") + ", the quorum is \(quorum)")
        }
        return .witnessed(WitnessedCheckpoint(signed: signed, cosigners: cosigners, quorum: quorum))
    }
}

/// A checkpoint that met a witness policy: the log's signature and a quorum of cosignatures.
public struct WitnessedCheckpoint: Sendable {
    /// One witness of the policy that cosigned, and when (its cosignature's timestamp, POSIX seconds).
    public struct Cosigner: Sendable, Equatable {
        public let label: String
        public let verifierKey: String
        public let time: UInt64
    }

    public let signed: SignedCheckpoint
    /// The policy's witnesses that cosigned, in policy order.
    public let cosigners: [Cosigner]
    /// The policy's quorum.
    public let quorum: Int

    public var checkpoint: Checkpoint { signed.checkpoint }

    /// The time by which a quorum had cosigned: the quorum-th newest cosignature time. An answer is as fresh as
    /// this, since fewer than a quorum may have seen it any later.
    public var quorumTime: UInt64 {
        cosigners.map(\.time).sorted(by: >)[quorum - 1]
    }

    /// Nil when the quorum's cosignatures are at most `maxAge` seconds older than `now`; else the reason to refuse.
    public func staleness(now: UInt64, maxAge: UInt64) -> String? {
        let time = quorumTime
        guard time < now, now - time > maxAge else { return nil }
        return "the quorum's newest cosignatures of checkpoint size \(checkpoint.size) are \(now - time) s old, "
            + "more than the allowed \(maxAge) s: the answer may be replayed from before a change"
    }
}

/// What a witness policy says of a checkpoint.
public enum WitnessVerdict: Sendable {
    case witnessed(WitnessedCheckpoint)
    case refused(String)
}
