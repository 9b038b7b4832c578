import HTTPTypes
public import Hummingbird
import SignedNote

/// The clerk's verification page: `GET /` and its three assets under `GET /page/{asset}`. Everything is
/// compiled into the daemon (no bundle, no CDN, nothing fetched from elsewhere), so the page a browser gets is the
/// page this build was tested with.
///
/// The ledger's checkpoint verifier key is pinned into the HTML when the controller is built: the page's script
/// checks every checkpoint signature against that key with WebCrypto, never against a key an answer brings. With
/// `witnesses:` configured, the operator's witness policy (each witness labelled by its key's name, the configured
/// quorum) is pinned too, and the page checks the cosignatures of every checkpoint against it. A page served by the
/// ledger it checks proves only that answers agree with what the same server pinned; the page remembers the key and
/// policy in the browser and warns when they change, and `certledger page` writes a page whose pins are the
/// verifying side's own. Served
/// with a Content-Security-Policy that allows scripts, styles and requests from this origin only, so a response
/// tampered in transit cannot inject code into the page that does the checking.
public struct VerificationPageController<Context: RequestContext>: Sendable {
    /// The rendered HTML, or nil when the ledger's checkpoint key is not an Ed25519 note key (nothing to pin).
    let page: ByteBuffer?

    /// The page for `ledger`, pinning its checkpoint verifier key and, with `witnesses`, the operator's policy.
    public init(ledger: LedgerLog, witnesses: ServerConfig.Witnesses? = nil) {
        let key = ledger.identity.verifier as? Ed25519NoteVerifier
        self.init(pins: key.map { VerificationPage.Pins(verifierKey: $0.verifierKey,
                                                        policy: Self.policy(log: $0, witnesses: witnesses)?.text) })
    }

    /// The page pinning `verifierKey` (`name+hexid+base64(0x01 ‖ key)`); nil serves a 503 explaining why.
    init(verifierKey: String?) {
        self.init(pins: verifierKey.map { VerificationPage.Pins(verifierKey: $0) })
    }

    init(pins: VerificationPage.Pins?) {
        page = pins.map { ByteBuffer(string: VerificationPage.html($0)) }
    }

    /// The daemon's own witnesses as a policy: each labelled by its key's name, the configured quorum. Nil without
    /// witnesses (or with a key the configuration check would already have refused).
    static func policy(log: Ed25519NoteVerifier, witnesses: ServerConfig.Witnesses?) -> WitnessPolicy? {
        guard let witnesses else { return nil }
        let members = witnesses.members.compactMap { member -> WitnessPolicy.Member? in
            guard let verifier = try? Ed25519CosignatureVerifier(verifierKey: member.verifierKey) else { return nil }
            return WitnessPolicy.Member(label: verifier.name, verifier: verifier)
        }
        return try? WitnessPolicy(logVerifier: log, witnesses: members, quorum: witnesses.quorum)
    }

    /// Registers `GET /` and `GET /page/{asset}`.
    public func addRoutes(to router: Router<Context>) {
        router.get("/") { _, _ in try index() }
        router.get("/page/{asset}") { _, context in try asset(context.parameters.get("asset") ?? "") }
    }

    func index() throws -> Response {
        guard let page else {
            throw APIError(.serviceUnavailable, code: "no_pinnable_key",
                           "the ledger's checkpoint key is not an Ed25519 note key; the page cannot pin it")
        }
        return Response(status: .ok, headers: VerificationPage.headers("text/html; charset=utf-8"),
                        body: ResponseBody(byteBuffer: page))
    }

    func asset(_ name: String) throws -> Response {
        guard let asset = VerificationPage.assets[name] else {
            throw APIError(.notFound, code: "not_found", "no page asset \"\(name)\"; there are "
                           + VerificationPage.assets.keys.sorted().joined(separator: ", "), field: "asset")
        }
        return Response(status: .ok, headers: VerificationPage.headers(asset.type),
                        body: ResponseBody(byteBuffer: asset.body))
    }
}

extension VerificationPage {
    /// What each asset path serves: its bytes and content type.
    static let assets: [String: (body: ByteBuffer, type: String)] = [
        "style.css": (ByteBuffer(string: VerificationPage.style), "text/css; charset=utf-8"),
        "check.js": (ByteBuffer(string: VerificationPage.checkScript), "text/javascript; charset=utf-8"),
        "text.js": (ByteBuffer(string: VerificationPage.textScript), "text/javascript; charset=utf-8"),
        "app.js": (ByteBuffer(string: VerificationPage.appScript), "text/javascript; charset=utf-8"),
    ]

    /// Header names swift-http-types does not predefine.
    static let xContentTypeOptions = HTTPField.Name("X-Content-Type-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!

    /// Scripts, styles and requests from this origin only; no frames, no forms posting elsewhere, no plugins.
    static let contentSecurityPolicy = "default-src 'none'; script-src 'self'; style-src 'self'; "
        + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    /// Headers every page response carries. `no-cache`: a new daemon build must not run an old script.
    static func headers(_ type: String) -> HTTPFields {
        [.contentType: type, .cacheControl: "no-cache", .contentSecurityPolicy: contentSecurityPolicy,
         xContentTypeOptions: "nosniff", referrerPolicy: "no-referrer"]
    }
}
