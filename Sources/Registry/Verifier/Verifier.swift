import CanonicalJSON
public import LedgerCrypto
public import Log

/// The verifier (DESIGN.md §5 `POST /v1/verify`): decides a question from the Registry's committed state
/// (`RegistryState.decide`), proves every deciding entry and the genesis against one signed checkpoint — the one of
/// exactly the state's size, so that the verdict and the proofs describe the same log —, and signs a receipt with
/// the ledger's receipt key (never the checkpoint key, which signs checkpoints and nothing else).
public struct Verifier: Sendable {
    public let registry: Registry
    public let reader: LogReader
    /// The private half of the genesis's `receiptKey`.
    public let receiptKey: PrivateKey
    /// Proven entries and checkpoints by tree size: immutable facts, read once.
    let cache = ProofCache()
    /// For a ledger with witnesses: the newest witnessed checkpoint (the log's signature and a quorum of
    /// cosignatures), with its size. Answers are then proven against it and never against the store's own
    /// checkpoint: at the state's size when it is witnessed, else at the witnessed size when nothing about the
    /// question's subjects came after it (with a status map that keeps that size); otherwise the question gets
    /// `RegistryError.notFound` ("retry").
    let witnessedCheckpoint: (@Sendable () -> (size: UInt64, note: [UInt8])?)?
    /// The status map's proof of a tree key and its root as the map stood at a tree size; nil when the map holds
    /// no version of that size (yet, or any more). Without it answers carry no `statusMap`, which checkers refuse:
    /// only tests of the answer's other parts build a verifier without one.
    let statusMap: StatusMapProver?

    /// Proves a tree key in the status map at a tree size: the proof and the map root, or nil when the map has no
    /// version of that size.
    public typealias StatusMapProver = @Sendable (Hash256, UInt64) async throws -> (proof: MapProof, root: Hash256)?

    public init(registry: Registry, reader: LogReader, receiptKey: PrivateKey,
                witnessedCheckpoint: (@Sendable () -> (size: UInt64, note: [UInt8])?)? = nil,
                statusMap: StatusMapProver? = nil) {
        self.registry = registry
        self.reader = reader
        self.receiptKey = receiptKey
        self.witnessedCheckpoint = witnessedCheckpoint
        self.statusMap = statusMap
    }

    /// Answers `question` as of `question.asOf` (default: the UTC day of `now`). A verdict other than `authentic`
    /// is an answer; this throws only when no answer can be given (an empty ledger, an ill-formed question, a wrong
    /// receipt key, a store failure).
    public func answer(_ question: VerifierQuestion, now: Timestamp = .now()) async throws -> VerifierAnswer {
        try await signedAnswer(question, now: now).answer
    }

    /// The answer and its canonical JSON (RFC 8785), encoded once: what the HTTP route sends.
    public func answerBytes(_ question: VerifierQuestion, now: Timestamp = .now()) async throws -> [UInt8] {
        try await signedAnswer(question, now: now).bytes
    }

    private func signedAnswer(_ question: VerifierQuestion,
                              now: Timestamp) async throws -> (answer: VerifierAnswer, bytes: [UInt8]) {
        try Self.validate(question)
        let asOf = try question.asOf ?? CalendarDate(validating: String(now.rfc3339.prefix(10)))
        for _ in 0..<20 {
            let (decision, current, ledger, subjects, lastChange) = try registry.read { state in
                (state.decide(question, asOf: asOf), state.committedSize, state.ledger,
                 Self.mapSubjects(question, in: state), Self.lastChange(question, in: state))
            }
            // The size the answer is proven at: the state's, or with witnesses the newest witnessed one.
            var size = current
            var witnessedNote: [UInt8]?
            if let witnessedCheckpoint {
                // Nothing about the subjects after the witnessed size: the state there decided the same, from the
                // same entries, and the map held the same values for them.
                if let witnessed = witnessedCheckpoint(), witnessed.size > 0, witnessed.size <= current,
                   witnessed.size == current || (statusMap != nil && lastChange.map { $0 < witnessed.size } ?? true) {
                    size = witnessed.size
                    witnessedNote = witnessed.note
                } else {
                    throw RegistryError(.notFound, field: "checkpoint", "no witnessed checkpoint covers the ledger's "
                                        + "state about this question yet (its size is \(current)); retry shortly")
                }
            }
            guard let ledger, size > 0 else {
                throw RegistryError(.notFound, "the ledger has no genesis yet: nothing can be verified")
            }
            guard ledger.receiptKey == receiptKey.publicKey else {
                throw RegistryError(.invalid, field: "receiptKey", "the receipt key is not the genesis's receipt key "
                                    + "\(ledger.genesis.receiptKey.keyId)")
            }
            // The map at the state's size; a map that has not reached it yet (or, kept in memory, moved past it)
            // means asking again.
            var mapProofs: MapProofs?
            if let statusMap {
                guard let proven = try await Self.prove(subjects, in: statusMap, size: size,
                                                  hasher: MapHasher(reader.hashAlgorithm), cache: cache) else {
                    await Task.yield()
                    continue
                }
                mapProofs = proven
            }
            if let note = witnessedNote {
                let text = String(decoding: note, as: UTF8.self)
                return try await answer(question, asOf: asOf, now: now, decision: decision, size: size,
                                        mapProofs: mapProofs, checkpoint: ProofCache.Written(
                                            value: text, canonical: JSONValue.string(text).canonicalBytes()))
            }
            // The state's size ends a batch, which has its own checkpoint; between observed chunks it may not.
            var found = cache.checkpoint(size: size)
            if found == nil, let stored = try await reader.store.checkpoint(size: size) {
                let text = String(decoding: stored, as: UTF8.self)
                let written = ProofCache.Written(value: text, canonical: JSONValue.string(text).canonicalBytes())
                cache.remember(checkpoint: written, size: size)
                found = written
            }
            guard let checkpoint = found else {
                await Task.yield()
                continue
            }
            return try await answer(question, asOf: asOf, now: now, decision: decision, size: size,
                                    mapProofs: mapProofs, checkpoint: checkpoint)
        }
        throw RegistryError(.notFound, "no checkpoint matches the registry's size; retry")
    }

    /// The signed answer to `question`, decided at `size`, its entries proven against `checkpoint` of that size.
    private func answer(_ question: VerifierQuestion, asOf: CalendarDate, now: Timestamp, decision: VerifierDecision,
                        size: UInt64, mapProofs: MapProofs?, checkpoint: ProofCache.Written<String>) async throws
        -> (answer: VerifierAnswer, bytes: [UInt8]) {
        var proven: [ProofCache.Written<VerifierAnswer.ProvenEntry>] = []
        for index in [0] + decision.deciding {
            proven.append(try await provenEntry(index, size: size))
        }
        var statusMap: ProofCache.Written<VerifierAnswer.StatusMapProofs>?
        if let mapProofs {
            let mapRoot = try await provenEntry(size - 1, size: size)
            // The root the proofs are against must be the one the log states at the end of this tree.
            let stated: MapRootRecord
            do {
                // The proven entry's own bytes (cached with its proof): no second read.
                let bytes = Base64.decode(mapRoot.value.entry) ?? []
                stated = try MapRootRecord(payload: try LogEntry(bytes: bytes).payload)
            } catch {
                throw LogError(.storeFailed, "entry \(size - 1), the last of the tree of \(size), is no map.root "
                               + "entry: \(error)")
            }
            guard stated.root == mapProofs.root else {
                throw LogError(.storeFailed, "the status map's root at size \(size) is \(mapProofs.root.base64), the "
                               + "map.root entry \(size - 1) states \(stated.root.base64): the map is damaged")
            }
            let value = VerifierAnswer.StatusMapProofs(mapRoot: mapRoot.value, proofs: mapProofs.proofs)
            var object = CanonicalObject()
            object.set("mapRoot", canonical: mapRoot.canonical)
            object.set("proofs", canonical: Self.array(mapProofs.proofs.map(Self.canonical)))
            statusMap = ProofCache.Written(value: value, canonical: object.bytes())
        }
        let unsigned = VerifierAnswer(
            v: 1, question: question, verdict: decision.verdict, reason: decision.reason, asOf: asOf,
            answeredAt: RecordTime(now), license: decision.license.map(Self.summary),
            seal: decision.seal.map(Self.summary), holder: Self.holder(decision), statusMap: statusMap?.value,
            entries: proven.dropFirst().map(\.value), genesis: proven[0].value, treeSize: size,
            checkpoint: checkpoint.value, receipt: nil)
        return try sign(unsigned, entries: proven.dropFirst().map(\.canonical), genesis: proven[0].canonical,
                        statusMap: statusMap?.canonical, checkpoint: checkpoint.canonical)
    }

    /// Entry `index` with its inclusion proof in the tree of `size`, from the cache or the store.
    private func provenEntry(_ index: UInt64,
                             size: UInt64) async throws -> ProofCache.Written<VerifierAnswer.ProvenEntry> {
        if let known = cache.proven(index: index, size: size) { return known }
        let entry = try await reader.entry(at: index, treeSize: size)
        let proof = try await reader.inclusionProof(index: index, size: size, treeSize: size)
        let fresh = VerifierAnswer.ProvenEntry(index: index, entry: Base64.encode(entry.bytes),
                                               inclusionProof: proof.map(\.base64))
        let written = ProofCache.Written(value: fresh, canonical: try Self.canonical(fresh, "entries"))
        cache.remember(written, size: size)
        return written
    }

    /// The keys a question's verdict reads, in the answer's order (docs/verifier.md), with their values in `state`:
    /// the subject's key, then for a document its license, for a seal its holder's license (when the first key is
    /// present).
    static func mapSubjects(_ question: VerifierQuestion,
                            in state: RegistryState) -> [(key: StatusMapKey, value: [UInt8]?)] {
        func subject(_ key: StatusMapKey) -> (key: StatusMapKey, value: [UInt8]?) {
            (key, state.statusMapValue(for: key))
        }
        switch question.subject {
        case .license:
            guard let uscc = question.uscc else { return [] }
            return [subject(.license(uscc))]
        case .document:
            guard let digest = question.document else { return [] }
            guard let ref = state.document(digest) else { return [subject(.document(digest))] }
            return [subject(.document(digest)), subject(.license(ref.uscc))]
        case .seal:
            guard let sealId = question.sealId else { return [] }
            guard let seal = state.seal(sealId) else { return [subject(.seal(sealId))] }
            return [subject(.seal(sealId)), subject(.license(seal.holder))]
        }
    }

    /// The newest entry about any subject the question reads (its history's last entry), nil when none exists.
    static func lastChange(_ question: VerifierQuestion, in state: RegistryState) -> UInt64? {
        var indices: [UInt64] = []
        func license(_ uscc: USCC) {
            if let license = state.license(uscc) { indices.append(license.lastIndex) }
        }
        switch question.subject {
        case .license:
            if let uscc = question.uscc { license(uscc) }
        case .document:
            if let digest = question.document, let ref = state.document(digest) {
                indices.append(ref.index)
                license(ref.uscc)
            }
        case .seal:
            if let sealId = question.sealId, let seal = state.seal(sealId) {
                indices.append(seal.lastIndex)
                license(seal.holder)
            }
        }
        return indices.max()
    }

    /// The map proofs of `subjects` at `size`, all against one root; nil when the map has no version `size`.
    struct MapProofs {
        let root: Hash256
        let proofs: [VerifierAnswer.StatusMapProofs.KeyProof]
    }

    static func prove(_ subjects: [(key: StatusMapKey, value: [UInt8]?)], in statusMap: StatusMapProver,
                      size: UInt64, hasher: MapHasher, cache: ProofCache) async throws -> MapProofs? {
        var root: Hash256?
        var proofs: [VerifierAnswer.StatusMapProofs.KeyProof] = []
        for (key, value) in subjects {
            // A proof at a size never changes: remembered, it costs no map read (an older size is read from the
            // map's store).
            let treeKey = hasher.treeKey(key.string)
            let proof: MapProof, at: Hash256
            if let known = cache.mapProof(key: treeKey, size: size) {
                (proof, at) = (known.proof, known.root)
            } else {
                guard let fresh = try await statusMap(treeKey, size) else { return nil }
                (proof, at) = fresh
                cache.remember(mapProof: .init(proof: proof, root: at), key: treeKey, size: size)
            }
            // A map that moved between two keys (kept in memory, newest version only) answers for another size.
            if let root, root != at { return nil }
            root = at
            proofs.append(.init(key: key.string, proof: proof, value: value.map { String(decoding: $0, as: UTF8.self) }))
        }
        guard let root else { return nil }
        return MapProofs(root: root, proofs: proofs)
    }

    static func canonical(_ proof: VerifierAnswer.StatusMapProofs.KeyProof) -> [UInt8] {
        var object = CanonicalObject()
        object.set("key", string: proof.key)
        object.set("proof", canonical: Array(proof.proof.canonicalJSON.utf8))
        if let value = proof.value { object.set("value", string: value) }
        return object.bytes()
    }

    /// Signs the answer's canonical JSON and adds the receipt. The members are written once each — the proven
    /// entries and the checkpoint come already written from the cache — and the object is assembled twice from
    /// them: without `receipt` for the signing input, with it for the body. (Encoding, not the signature, was
    /// most of a verification's CPU when the answer was canonicalized as a whole, twice.) `VerifierTests` checks
    /// the bytes against the plain `Codable` encoding of the answer.
    private func sign(_ answer: VerifierAnswer, entries: [[UInt8]], genesis: [UInt8], statusMap: [UInt8]?,
                      checkpoint: [UInt8]) throws -> (answer: VerifierAnswer, bytes: [UInt8]) {
        var object = CanonicalObject()
        do {
            try object.set("v", integer: Int64(answer.v))
            try object.set("question", answer.question)
            object.set("verdict", string: answer.verdict.rawValue)
            object.set("reason", string: answer.reason)
            object.set("asOf", string: answer.asOf.value)
            object.set("answeredAt", string: answer.answeredAt.value)
            try object.setIfPresent("license", answer.license)
            try object.setIfPresent("seal", answer.seal)
            try object.setIfPresent("holder", answer.holder)
            try object.set("treeSize", integer: Int64(clamping: answer.treeSize))
        } catch {
            throw RegistryError(error, prefix: "answer")
        }
        object.set("entries", canonical: Self.array(entries))
        object.set("genesis", canonical: genesis)
        if let statusMap { object.set("statusMap", canonical: statusMap) }
        object.set("checkpoint", canonical: checkpoint)
        let signature = try receiptKey.sign(object.bytes(prefix: VerifierAnswer.receiptPrefix))
        let receipt = VerifierAnswer.Receipt(
            keyId: try KeyID(validating: receiptKey.publicKey.keyID), algorithm: receiptKey.algorithm,
            signature: Base64.encode(signature))
        object.set("receipt", canonical: try Self.canonical(receipt, "receipt"))
        return (answer.with(receipt: receipt), object.bytes())
    }

    static func canonical<T: Encodable>(_ value: T, _ field: String) throws(RegistryError) -> [UInt8] {
        do { return try CanonicalJSONEncoder().encode(value) } catch {
            throw RegistryError(error, prefix: field)
        }
    }

    /// A JSON array of canonical values.
    static func array(_ elements: [[UInt8]]) -> [UInt8] {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(2 + elements.reduce(0) { $0 + $1.count + 1 })
        for (index, element) in elements.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes += element
        }
        bytes.append(UInt8(ascii: "]"))
        return bytes
    }

    /// A question names exactly what its subject needs.
    static func validate(_ question: VerifierQuestion) throws(RegistryError) {
        let ok: Bool
        switch question.subject {
        case .license: ok = question.uscc != nil && question.sealId == nil && question.holder == nil
        case .seal: ok = question.sealId != nil && question.uscc == nil && question.document == nil
        case .document: ok = question.document != nil && question.uscc == nil && question.sealId == nil
                && question.holder == nil
        }
        guard ok else {
            throw RegistryError(.invalid, field: "question", "a license question names uscc (and optionally "
                                + "document), a seal question sealId (and optionally holder), a document question "
                                + "document; asOf is optional")
        }
    }

    static func summary(_ license: LicenseState) -> VerifierAnswer.LicenseSummary {
        VerifierAnswer.LicenseSummary(uscc: license.uscc, status: license.status, version: license.version,
                                      currentIndex: license.currentIndex, endIndex: license.endIndex,
                                      endEffectiveOn: license.endEffectiveOn)
    }

    static func summary(_ seal: SealState) -> VerifierAnswer.SealSummary {
        VerifierAnswer.SealSummary(sealId: seal.sealId, holder: seal.holder, sealType: seal.sealType,
                                   validFrom: seal.validFrom, validTo: seal.validTo, revoked: seal.isRevoked,
                                   issueIndex: seal.issueIndex, revokeIndex: seal.revokeIndex)
    }

    static func holder(_ decision: VerifierDecision) -> VerifierAnswer.HolderStatus? {
        guard let seal = decision.seal else { return nil }
        guard let license = decision.holderLicense else {
            return VerifierAnswer.HolderStatus(uscc: seal.holder, status: "unknown", index: nil)
        }
        return VerifierAnswer.HolderStatus(uscc: seal.holder, status: license.status.rawValue,
                                           index: license.endIndex ?? license.currentIndex)
    }
}
