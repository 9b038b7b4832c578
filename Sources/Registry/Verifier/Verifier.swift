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
    /// For a ledger with witnesses: the witnessed checkpoint (the log's signature and a quorum of cosignatures) of
    /// exactly a size, when one is known. Answers are then proven against it and never against the store's own
    /// checkpoint; with none of the state's size the question gets `RegistryError.notFound` ("retry").
    let witnessedCheckpoint: (@Sendable (UInt64) -> [UInt8]?)?

    public init(registry: Registry, reader: LogReader, receiptKey: PrivateKey,
                witnessedCheckpoint: (@Sendable (UInt64) -> [UInt8]?)? = nil) {
        self.registry = registry
        self.reader = reader
        self.receiptKey = receiptKey
        self.witnessedCheckpoint = witnessedCheckpoint
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
            let (decision, size, ledger) = try registry.read { state in
                (state.decide(question, asOf: asOf), state.committedSize, state.ledger)
            }
            guard let ledger, size > 0 else {
                throw RegistryError(.notFound, "the ledger has no genesis yet: nothing can be verified")
            }
            guard ledger.receiptKey == receiptKey.publicKey else {
                throw RegistryError(.invalid, field: "receiptKey", "the receipt key is not the genesis's receipt key "
                                    + "\(ledger.genesis.receiptKey.keyId)")
            }
            if let witnessedCheckpoint {
                guard let note = witnessedCheckpoint(size) else {
                    throw RegistryError(.notFound, field: "checkpoint", "no witnessed checkpoint of the ledger's "
                                        + "current size \(size) yet; retry shortly")
                }
                let text = String(decoding: note, as: UTF8.self)
                return try await answer(question, asOf: asOf, now: now, decision: decision, size: size,
                                              checkpoint: ProofCache.Written(
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
                                    checkpoint: checkpoint)
        }
        throw RegistryError(.notFound, "no checkpoint matches the registry's size; retry")
    }

    /// The signed answer to `question`, decided at `size`, its entries proven against `checkpoint` of that size.
    private func answer(_ question: VerifierQuestion, asOf: CalendarDate, now: Timestamp, decision: VerifierDecision,
                        size: UInt64, checkpoint: ProofCache.Written<String>) async throws
        -> (answer: VerifierAnswer, bytes: [UInt8]) {
        var proven: [ProofCache.Written<VerifierAnswer.ProvenEntry>] = []
        for index in [0] + decision.deciding {
            if let known = cache.proven(index: index, size: size) {
                proven.append(known)
                continue
            }
            let entry = try await reader.entry(at: index, treeSize: size)
            let proof = try await reader.inclusionProof(index: index, size: size, treeSize: size)
            let fresh = VerifierAnswer.ProvenEntry(index: index, entry: Base64.encode(entry.bytes),
                                                   inclusionProof: proof.map(\.base64))
            let written = ProofCache.Written(value: fresh, canonical: try Self.canonical(fresh, "entries"))
            cache.remember(written, size: size)
            proven.append(written)
        }
        let unsigned = VerifierAnswer(
            v: 1, question: question, verdict: decision.verdict, reason: decision.reason, asOf: asOf,
            answeredAt: RecordTime(now), license: decision.license.map(Self.summary),
            seal: decision.seal.map(Self.summary), holder: Self.holder(decision),
            entries: proven.dropFirst().map(\.value), genesis: proven[0].value, treeSize: size,
            checkpoint: checkpoint.value, receipt: nil)
        return try sign(unsigned, entries: proven.dropFirst().map(\.canonical), genesis: proven[0].canonical,
                        checkpoint: checkpoint.canonical)
    }

    /// Signs the answer's canonical JSON and adds the receipt. The members are written once each — the proven
    /// entries and the checkpoint come already written from the cache — and the object is assembled twice from
    /// them: without `receipt` for the signing input, with it for the body. (Encoding, not the signature, was
    /// most of a verification's CPU when the answer was canonicalized as a whole, twice.) `VerifierTests` checks
    /// the bytes against the plain `Codable` encoding of the answer.
    private func sign(_ answer: VerifierAnswer, entries: [[UInt8]], genesis: [UInt8],
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
