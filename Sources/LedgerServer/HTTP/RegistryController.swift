import CanonicalJSON
public import Hummingbird
import LedgerCrypto
import Log
import Registry

/// The Registry's read and verify routes (DESIGN.md §5): `GET /v1/licenses/{uscc}`, `GET /v1/seals/{sealId}` — the
/// committed state of a subject and the indices of its history, so a client can fetch and prove each entry — and
/// `POST /v1/verify`, the cross-department check whose answer carries its own proofs and a signed receipt.
public struct RegistryController<Context: RequestContext>: Sendable {
    let ledger: Ledger

    /// Largest verify question: a few hundred bytes are enough; 16 KiB leaves room for white space.
    static var maxQuestionBytes: Int { 16 << 10 }

    let readAccess: ServerConfig.ReadAccess

    public init(ledger: Ledger, readAccess: ServerConfig.ReadAccess = .public) {
        self.ledger = ledger
        self.readAccess = readAccess
    }

    public func addRoutes(to router: Router<Context>) {
        let group = router.group().add(middleware: ReadAccessMiddleware(
            registry: ledger.registry, required: readAccess == .departments, bodyLimit: Self.maxQuestionBytes))
        group.get("/v1/licenses/{uscc}") { _, context in try license(context.parameters.get("uscc") ?? "") }
        group.get("/v1/seals/{sealId}") { _, context in try seal(context.parameters.get("sealId") ?? "") }
        group.post("/v1/verify") { request, _ in try await verify(request) }
        group.get("/v1/map/proof") { request, _ in try await mapProof(request) }
        // Public like the checkpoint and the entries (with `readAccess: departments` too): the witnesses' keys are no
        // secret, and every checker with a policy file asks for it.
        router.get("/v1/witness-policy") { _, _ in try await witnessPolicy() }
    }

    func license(_ text: String) throws -> Response {
        let uscc = try USCC(text, exceptions: ledger.registry.usccExceptions)
        let answer = try ledger.registry.read { state throws(RegistryError) -> LicenseAnswer in
            guard let license = state.license(uscc) else {
                throw RegistryError(.notFound, field: "uscc", "no license was ever issued to \(uscc)")
            }
            return LicenseAnswer(
                uscc: license.uscc.value, status: license.status.rawValue, version: license.version,
                currentIndex: license.currentIndex, document: license.document, termEnd: license.termEnd?.value,
                endIndex: license.endIndex, endEffectiveOn: license.endEffectiveOn?.value, history: license.history,
                links: state.links(about: uscc), seals: state.seals(heldBy: uscc).map(\.value),
                treeSize: state.committedSize)
        }
        return try SubmissionController<Context>.json(.ok, answer)
    }

    func seal(_ text: String) throws -> Response {
        let sealId = try SealID(validating: text)
        let answer = try ledger.registry.read { state throws(RegistryError) -> SealAnswer in
            guard let seal = state.seal(sealId) else {
                throw RegistryError(.notFound, field: "sealId", "no seal \(sealId) was ever issued")
            }
            return SealAnswer(
                sealId: seal.sealId.value, holder: seal.holder.value, sealType: seal.sealType.value,
                validFrom: seal.validFrom.value, validTo: seal.validTo.value, revoked: seal.isRevoked,
                issueIndex: seal.issueIndex, revokeIndex: seal.revokeIndex, revokedOn: seal.revokedOn?.value,
                history: seal.history, treeSize: state.committedSize)
        }
        return try SubmissionController<Context>.json(.ok, answer)
    }

    func verify(_ request: Request) async throws -> Response {
        let receipt = try Self.wantsReceipt(request)
        try JSONBody.requireJSON(request)
        let bytes = try await JSONBody.collect(request, limit: Self.maxQuestionBytes)
        let value = try JSONBody.parse(bytes, limit: Self.maxQuestionBytes)
        let question: VerifierQuestion
        do {
            question = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(VerifierQuestion.self, from: value)
        } catch {
            throw APIError(jsonError: error)
        }
        let witnessing = ledger.log.witnessing
        let answer: [UInt8]
        do {
            answer = try await ledger.verifier.answerBytes(question, receipt: receipt)
        } catch let error as RegistryError where witnessing.isEnabled && error.code == .notFound
                    && error.field == "checkpoint" {
            // Answers are proven against a witnessed checkpoint; this question's subjects changed after the newest
            // one: give the witnesses a moment to cosign the state's size, then ask once more.
            let size = try ledger.registry.read { $0.committedSize }
            _ = await witnessing.waitForWitnessed(atLeast: size, timeout: .seconds(2))
            answer = try await ledger.verifier.answerBytes(question, receipt: receipt)
        }
        return Response(status: .ok,
                        headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: answer)))
    }
}

extension RegistryController {
    /// `?receipt=false` asks for the answer without its receipt (docs/verifier.md): the verdict follows from the
    /// proofs, and the signature over the whole answer is much of what an answer costs. Absent or `true`: with it.
    static func wantsReceipt(_ request: Request) throws -> Bool {
        let values = request.uri.queryParameters[values: "receipt"]
        guard let value = values.first else { return true }
        guard values.count == 1 else {
            throw APIError.badParameter("receipt", "receipt is given \(values.count) times")
        }
        switch value {
        case "true": return true
        case "false": return false
        default: throw APIError.badParameter("receipt", "receipt is true or false, not \"\(value)\"")
        }
    }
}

/// `GET /v1/licenses/{uscc}`: absent optional members are omitted (canonical JSON).
struct LicenseAnswer: Encodable {
    let uscc: String
    let status: String
    let version: Int
    let currentIndex: UInt64
    let document: ContentDigest
    let termEnd: String?
    let endIndex: UInt64?
    let endEffectiveOn: String?
    /// Every entry about the license, in log order.
    let history: [UInt64]
    /// The `link.share` entries about the holder.
    let links: [UInt64]
    /// The ids of the seals ever issued to the holder, in the order of first issue (each looked up or verified
    /// by its id: a reissued id may have another holder now).
    let seals: [String]
    /// The committed size the state describes.
    let treeSize: UInt64
}

/// `GET /v1/seals/{sealId}`.
struct SealAnswer: Encodable {
    let sealId: String
    let holder: String
    let sealType: String
    let validFrom: String
    let validTo: String
    let revoked: Bool
    let issueIndex: UInt64
    let revokeIndex: UInt64?
    let revokedOn: String?
    let history: [UInt64]
    let treeSize: UInt64
}
