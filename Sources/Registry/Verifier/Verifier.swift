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
    /// Its key id, computed once (nil for an id that is no valid `KeyID`: signing then throws why).
    let receiptKeyID: KeyID?
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
        receiptKeyID = try? KeyID(validating: receiptKey.publicKey.keyID)
        self.witnessedCheckpoint = witnessedCheckpoint
        self.statusMap = statusMap
    }

    /// Answers `question` as of `question.asOf` (default: the UTC day of `now`). A verdict other than `authentic`
    /// is an answer; this throws only when no answer can be given (an empty ledger, an ill-formed question, a wrong
    /// receipt key, a store failure).
    ///
    /// `receipt`: false answers without the receipt (docs/verifier.md: a checker does not need it, the verdict
    /// follows from the proofs), which spares the signature over the whole answer.
    public func answer(_ question: VerifierQuestion, now: Timestamp = .now(),
                       receipt: Bool = true) async throws -> VerifierAnswer {
        let (template, answeredAt) = try await template(question, now: now)
        return try written(template, answeredAt: answeredAt, receipt: receipt).answer
    }

    /// The answer and its canonical JSON (RFC 8785), encoded once: what the HTTP route sends.
    public func answerBytes(_ question: VerifierQuestion, now: Timestamp = .now(),
                            receipt: Bool = true) async throws -> [UInt8] {
        let (template, answeredAt) = try await template(question, now: now)
        return try written(template, answeredAt: answeredAt, receipt: receipt).bytes
    }

    /// The answer decided at one tree size and written, but for `answeredAt` and `receipt`: what every answer to
    /// the same question about the same day at that size shares (the verdict, its reason, the proofs, the
    /// checkpoint). Kept by question, day and size, so a question asked again at the same size is answered by
    /// stamping and signing it: nothing is decided, proven or encoded again.
    struct AnswerTemplate: Sendable {
        /// The answer, its `answeredAt` the first asking's and without `receipt`.
        let unsigned: VerifierAnswer
        /// Its canonical JSON with places for `answeredAt` and `receipt`.
        let object: CanonicalTemplate
    }

    /// Which answers share a template: the question, the day it is about and the size it is proven at.
    struct AnswerKey: Hashable, Sendable {
        let question: VerifierQuestion
        let asOf: CalendarDate
        let size: UInt64
    }

    /// The template answering `question`, with the time of the answer.
    private func template(_ question: VerifierQuestion,
                          now: Timestamp) async throws -> (template: AnswerTemplate, answeredAt: RecordTime) {
        try Self.validate(question)
        let asOf = try question.asOf ?? CalendarDate(validating: String(now.rfc3339.prefix(10)))
        for _ in 0..<20 {
            // The size the answer is proven at, from what the state says about the question's subjects; a template
            // of that size (and, with witnesses, of the same witnessed note) is the answer.
            let (current, ledger, lastChange) = try registry.read { state in
                (state.committedSize, state.ledger, Self.lastChange(question, in: state))
            }
            let (size, witnessedNote) = try provenSize(current: current, lastChange: lastChange)
            guard let ledger, size > 0 else {
                throw RegistryError(.notFound, "the ledger has no genesis yet: nothing can be verified")
            }
            guard ledger.receiptKey == receiptKey.publicKey else {
                throw RegistryError(.invalid, field: "receiptKey", "the receipt key is not the genesis's receipt key "
                                    + "\(ledger.genesis.receiptKey.keyId)")
            }
            let key = AnswerKey(question: question, asOf: asOf, size: size)
            if let known = cache.answer(key),
               witnessedNote.map({ known.unsigned.checkpoint.utf8.elementsEqual($0) }) ?? true {
                return (known, RecordTime(now))
            }
            guard let fresh = try await decide(question, asOf: asOf, now: now) else {
                await Task.yield()
                continue
            }
            cache.remember(answer: fresh.template, for: fresh.key)
            return (fresh.template, RecordTime(now))
        }
        throw RegistryError(.notFound, "no checkpoint matches the registry's size; retry")
    }

    /// The size an answer is proven at, given the state's size and the newest entry about the question's subjects:
    /// the state's, or with witnesses the newest witnessed one (with its note).
    private func provenSize(current: UInt64,
                            lastChange: UInt64?) throws(RegistryError) -> (size: UInt64, witnessedNote: [UInt8]?) {
        guard let witnessedCheckpoint else { return (current, nil) }
        // Nothing about the subjects after the witnessed size: the state there decided the same, from the same
        // entries, and the map held the same values for them.
        if let witnessed = witnessedCheckpoint(), witnessed.size > 0, witnessed.size <= current,
           witnessed.size == current || (statusMap != nil && lastChange.map { $0 < witnessed.size } ?? true) {
            return (witnessed.size, witnessed.note)
        }
        throw RegistryError(.notFound, field: "checkpoint", "no witnessed checkpoint covers the ledger's state about "
                            + "this question yet (its size is \(current)); retry shortly")
    }

    /// Decides `question` from the state as it stands and proves it: the template and its key, or nil when the map
    /// or the checkpoint of the state's size is not there yet (ask again).
    private func decide(_ question: VerifierQuestion, asOf: CalendarDate,
                        now: Timestamp) async throws -> (key: AnswerKey, template: AnswerTemplate)? {
        let (decision, current, subjects, lastChange) = try registry.read { state in
            (state.decide(question, asOf: asOf), state.committedSize, Self.mapSubjects(question, in: state),
             Self.lastChange(question, in: state))
        }
        let (size, witnessedNote) = try provenSize(current: current, lastChange: lastChange)
        guard size > 0 else { return nil }
        // The map at the state's size; a map that has not reached it yet (or, kept in memory, moved past it)
        // means asking again.
        var mapProofs: MapProofs?
        if let statusMap {
            guard let proven = try await Self.prove(subjects, in: statusMap, size: size,
                                                    hasher: MapHasher(reader.hashAlgorithm), cache: cache) else {
                return nil
            }
            mapProofs = proven
        }
        let checkpoint: ProofCache.Written<String>
        if let note = witnessedNote {
            let text = String(decoding: note, as: UTF8.self)
            checkpoint = ProofCache.Written(value: text, canonical: JSONValue.string(text).canonicalBytes())
        } else if let known = cache.checkpoint(size: size) {
            checkpoint = known
        } else if let stored = try await reader.store.checkpoint(size: size) {
            // The state's size ends a batch, which has its own checkpoint; between observed chunks it may not.
            let text = String(decoding: stored, as: UTF8.self)
            checkpoint = ProofCache.Written(value: text, canonical: JSONValue.string(text).canonicalBytes())
            cache.remember(checkpoint: checkpoint, size: size)
        } else {
            return nil
        }
        let template = try await template(question, asOf: asOf, now: now, decision: decision, size: size,
                                          mapProofs: mapProofs, checkpoint: checkpoint)
        return (AnswerKey(question: question, asOf: asOf, size: size), template)
    }

    /// The answer to `question`, decided at `size`, its entries proven against `checkpoint` of that size, written
    /// but for `answeredAt` and `receipt`.
    private func template(_ question: VerifierQuestion, asOf: CalendarDate, now: Timestamp,
                          decision: VerifierDecision, size: UInt64, mapProofs: MapProofs?,
                          checkpoint: ProofCache.Written<String>) async throws -> AnswerTemplate {
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
        let answer = VerifierAnswer(
            v: 1, question: question, verdict: decision.verdict, reason: decision.reason, asOf: asOf,
            answeredAt: RecordTime(now), license: decision.license.map(Self.summary),
            seal: decision.seal.map(Self.summary), holder: Self.holder(decision), statusMap: statusMap?.value,
            entries: proven.dropFirst().map(\.value), genesis: proven[0].value, treeSize: size,
            checkpoint: checkpoint.value, receipt: nil)
        var object = CanonicalObject()
        do {
            try object.set("v", integer: Int64(answer.v))
            try object.set("question", answer.question)
            object.set("verdict", string: answer.verdict.rawValue)
            object.set("reason", string: answer.reason)
            object.set("asOf", string: answer.asOf.value)
            try object.setIfPresent("license", answer.license)
            try object.setIfPresent("seal", answer.seal)
            try object.setIfPresent("holder", answer.holder)
            try object.set("treeSize", integer: Int64(clamping: answer.treeSize))
        } catch {
            throw RegistryError(error, prefix: "answer")
        }
        object.set("entries", canonical: Self.array(proven.dropFirst().map(\.canonical)))
        object.set("genesis", canonical: proven[0].canonical)
        if let statusMap { object.set("statusMap", canonical: statusMap.canonical) }
        object.set("checkpoint", canonical: checkpoint.canonical)
        return AnswerTemplate(unsigned: answer, object: object.template(holes: ["answeredAt", "receipt"]))
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

    /// Stamps the template with `answeredAt`, signs its canonical JSON and adds the receipt (unless `receipt` is
    /// false). The template's members were written once; the object is assembled twice from them: without
    /// `receipt` for the signing input, with it for the body. `VerifierTests` checks the bytes against the plain
    /// `Codable` encoding of the answer.
    private func written(_ template: AnswerTemplate, answeredAt: RecordTime,
                         receipt wanted: Bool) throws -> (answer: VerifierAnswer, bytes: [UInt8]) {
        let stamp = (name: "answeredAt", value: JSONValue.string(answeredAt.value).canonicalBytes())
        guard wanted else {
            return (template.unsigned.with(answeredAt: answeredAt, receipt: nil),
                    template.object.bytes(filling: [stamp]))
        }
        let keyId = try receiptKeyID ?? KeyID(validating: receiptKey.publicKey.keyID)
        let signature = try receiptKey.sign(template.object.bytes(prefix: VerifierAnswer.receiptPrefix,
                                                                  filling: [stamp]))
        let receipt = VerifierAnswer.Receipt(keyId: keyId, algorithm: receiptKey.algorithm,
                                             signature: Base64.encode(signature))
        var written = CanonicalObject()
        written.set("algorithm", string: receipt.algorithm.rawValue)
        written.set("keyId", string: receipt.keyId.value)
        written.set("signature", string: receipt.signature)
        let bytes = template.object.bytes(filling: [stamp, (name: "receipt", value: written.bytes())])
        return (template.unsigned.with(answeredAt: answeredAt, receipt: receipt), bytes)
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
