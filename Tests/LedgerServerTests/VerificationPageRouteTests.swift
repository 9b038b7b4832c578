import Foundation
import Hummingbird
import LedgerCrypto
@testable import LedgerServer
import SignedNote
import Testing

/// `GET /` and `GET /page/{asset}` over a real socket: the ledger's own checkpoint key pinned in the page, the
/// security headers, every asset with its type, a refusal for anything else, and the 100 KB budget.
@Suite struct VerificationPageRouteTests {
    @Test func page_pinsTheLedgersCheckpointKey_withStrictHeaders_andStaysUnder100KB() async throws {
        try await DevLedgerServer.run { server in
            let vkey = try String(contentsOfFile: server.folder + "/checkpoint.vkey", encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
            let page = try await server.client.http.send("GET", "/")
            #expect(page.status == 200)
            let html = String(decoding: page.body, as: UTF8.self)
            #expect(html.contains(#"<meta name="certledger-verifier-key" content="\#(vkey)">"#))
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"zh-CN\">"))
            #expect(html.contains(#"data-t="devBanner">"#), "a development ledger's page shows no banner")
            let headers = Dictionary(page.headers.map { ($0.0.lowercased(), $0.1) }) { $1 }
            #expect(headers["content-type"] == "text/html; charset=utf-8")
            #expect(headers["content-security-policy"]?.contains("script-src 'self'") == true)
            #expect(headers["content-security-policy"]?.contains("connect-src 'self'") == true)
            var total = page.body.count
            for (asset, type) in [("style.css", "text/css"), ("check.js", "text/javascript"),
                                  ("text.js", "text/javascript"), ("app.js", "text/javascript")] {
                #expect(html.contains("/page/\(asset)"), "the page does not load \(asset)")
                let answer = try await server.client.http.send("GET", "/page/\(asset)")
                #expect(answer.status == 200)
                let fields = Dictionary(answer.headers.map { ($0.0.lowercased(), $0.1) }) { $1 }
                #expect(fields["content-type"] == "\(type); charset=utf-8")
                total += answer.body.count
            }
            #expect(total < 100_000, "the page and its assets weigh \(total) bytes")
            let missing = try await server.client.http.send("GET", "/page/evil.js")
            #expect(missing.status == 404)
        }
    }

    @Test func developmentBanner_showsOnlyForTheDevelopmentOrigin() {
        let key = "+01234567+AXVlc3Qga2V5IGJ5dGVzIHRoaXJ0eS10d28gbG9uZyEhISEh"
        #expect(VerificationPage.html(verifierKey: DevelopmentLedger.origin + key).contains(#"data-t="devBanner">"#))
        for name in ["ledger.example.gov.cn/2026", DevelopmentLedger.origin + "-not", "x" + DevelopmentLedger.origin] {
            let html = VerificationPage.html(verifierKey: name + key)
            #expect(html.contains(#"data-t="devBanner" hidden>"#), "\(name) is shown as a development ledger")
        }
    }

    @Test func pinnedKey_isEscapedForHTML() {
        let html = VerificationPage.html(verifierKey: #"a"<b>&'+01234567+AA=="#)
        #expect(html.contains(#"content="a&quot;&lt;b&gt;&amp;&#39;+01234567+AA==""#))
        #expect(!html.contains(#"a"<b>"#))
    }

    /// With `witnesses:` the served page pins the daemon's policy (each witness labelled by its key's name, the
    /// configured quorum) as the policy file's text, one attribute value with its line breaks as references.
    @Test func servedPage_pinsTheDaemonsWitnessPolicy_asPolicyText() throws {
        let log = try Ed25519NoteSigner(name: "ledger.example.gov.cn/2026", privateKey: .generate(.ed25519)).verifier
        let signers = try (0..<2).map {
            try Ed25519CosignatureSigner(name: "witness-\($0).example", privateKey: .generate(.ed25519))
        }
        var witnesses = ServerConfig.Witnesses(members: signers.map {
            .init(url: "http://127.0.0.1:1", verifierKey: $0.verifier.verifierKey)
        })
        witnesses.quorum = 2
        let policy = try #require(VerificationPageController<BasicRequestContext>.policy(log: log,
                                                                                         witnesses: witnesses))
        #expect(policy.witnesses.map(\.label) == ["witness-0.example", "witness-1.example"])
        #expect(policy.quorum == 2)
        let html = VerificationPage.html(.init(verifierKey: log.verifierKey, policy: policy.text))
        let pinned = "log \(log.verifierKey)&#10;witness witness-0.example \(signers[0].verifier.verifierKey)&#10;"
        #expect(html.contains(#"<meta name="certledger-witness-policy" content="\#(pinned)"#))
        #expect(VerificationPage.html(verifierKey: log.verifierKey)
            .contains(#"<meta name="certledger-witness-policy" content="">"#))
    }
}
