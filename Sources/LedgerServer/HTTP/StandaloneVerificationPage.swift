import LedgerCrypto
public import SignedNote

/// A verification page that lives apart from the ledger it checks (`certledger page`): one `index.html` holding its
/// style and scripts, pinning the verifying side's own checkpoint key and witness policy, and asking the ledger at
/// `server` across origins (the daemon answers CORS on its read and verify routes only). It works opened as a file or
/// served by any static web server, and trusts nothing its host serves: a server that stands in for the ledger
/// cannot bring another key or policy, only answers that fail the checks.
///
/// Its Content-Security-Policy is a `<meta>` element (nobody sends headers for a file): exactly its own inline style
/// and scripts, named by their SHA-256, and requests to the ledger's origin, nothing else.
public enum StandaloneVerificationPage {
    /// `index.html` for the ledger at `server` (its base URL, `http(s)://host[:port][/path]`, whose origin is
    /// `origin`), pinning `verifierKey` and, when given, `policy` (whose log key must be `verifierKey`).
    /// Cosignatures older than `maxAgeSeconds` are shown as stale.
    public static func html(verifierKey: String, policy: WitnessPolicy?, server: String, origin: String,
                            maxAgeSeconds: UInt64) -> String {
        let scripts = [VerificationPage.checkScript, VerificationPage.textScript, VerificationPage.appScript]
        let style = VerificationPage.style
        let csp = "default-src 'none'; script-src " + scripts.map(source).joined(separator: " ")
            + "; style-src " + source(style) + "; connect-src " + origin
            + "; img-src data:; base-uri 'none'; form-action 'none'"
        let head = "<meta http-equiv=\"Content-Security-Policy\" content=\"\(VerificationPage.escape(csp))\">\n"
            + "<style>" + style + "</style>"
        let pins = VerificationPage.Pins(verifierKey: verifierKey, policy: policy?.text, maxAgeSeconds: maxAgeSeconds,
                                         server: server)
        return VerificationPage.render(pins, head: head,
                                       scripts: scripts.map { "<script>" + $0 + "</script>" }.joined(separator: "\n"))
    }

    /// A CSP hash source for an inline element's exact text.
    static func source(_ text: String) -> String {
        let digest = DigestContext(.sha256)
        digest.update(Array(text.utf8))
        return "'sha256-" + digest.finalize().base64 + "'"
    }
}
