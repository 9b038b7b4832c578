import HTTPTypes
public import Hummingbird
import SignedNote

/// The clerk's verification page: `GET /` and its three assets under `GET /page/{asset}`. Everything is
/// compiled into the daemon (no bundle, no CDN, nothing fetched from elsewhere), so the page a browser gets is the
/// page this build was tested with.
///
/// The ledger's checkpoint verifier key is pinned into the HTML when the controller is built: the page's script
/// checks every checkpoint signature against that key with WebCrypto, never against a key an answer brings. Served
/// with a Content-Security-Policy that allows scripts, styles and requests from this origin only, so a response
/// tampered in transit cannot inject code into the page that does the checking.
public struct VerificationPageController<Context: RequestContext>: Sendable {
    /// The rendered HTML, or nil when the ledger's checkpoint key is not an Ed25519 note key (nothing to pin).
    let page: ByteBuffer?

    /// The page for `ledger`, pinning its checkpoint verifier key.
    public init(ledger: LedgerLog) {
        self.init(verifierKey: (ledger.identity.verifier as? Ed25519NoteVerifier)?.verifierKey)
    }

    /// The page pinning `verifierKey` (`name+hexid+base64(0x01 ‖ key)`); nil serves a 503 explaining why.
    init(verifierKey: String?) {
        page = verifierKey.map { ByteBuffer(string: VerificationPage.html(verifierKey: $0)) }
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
