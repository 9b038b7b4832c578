import ChildProcessSupport
import Foundation
import LedgerCrypto
import SignedNote
import Testing

/// `certledger page` (the built binary) without a browser: what it pins and where it lets the page connect, and the
/// usage errors (exit 2) for a page that could not be trusted — no key at all, a policy for another ledger key, a URL
/// that is no ledger's base URL. The page in a browser is `WitnessedPageBrowserTests`.
@Suite struct PageCommandTests {
    static var certledger: String { DaemonProcess.executable.deletingLastPathComponent().path + "/certledger" }

    @Test func page_pinsTheGivenKey_trimsTheBaseURL_andRefusesWhatItCannotPin() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("certledger-page-\(UUID())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let log = try Ed25519NoteSigner(name: "ledger.example.gov.cn/2026", privateKey: .generate(.ed25519)).verifier
        let other = try Ed25519NoteSigner(name: "ledger.example.gov.cn/2026", privateKey: .generate(.ed25519)).verifier
        let witness = try Ed25519CosignatureSigner(name: "witness.example", privateKey: .generate(.ed25519)).verifier
        let policy = try WitnessPolicy(logVerifier: log, witnesses: [.init(label: "amr", verifier: witness)], quorum: 1)
        try policy.text.write(toFile: folder + "/policy.txt", atomically: true, encoding: .utf8)

        // A key alone: a page without witnesses; the base URL's trailing slash dropped, connections to its origin only.
        let keyOnly = try await ProgramRun.run(Self.certledger, ["page", "--verifier-key", log.verifierKey, "--server",
                                                             "https://ledger.example:8443/city/", "--out",
                                                             folder + "/a"])
        #expect(keyOnly.status == 0, "\(keyOnly.errors)")
        let html = try String(contentsOfFile: folder + "/a/index.html", encoding: .utf8)
        #expect(html.contains(#"<meta name="certledger-verifier-key" content="\#(log.verifierKey)">"#))
        #expect(html.contains(#"<meta name="certledger-witness-policy" content="">"#))
        #expect(html.contains(#"<meta name="certledger-server" content="https://ledger.example:8443/city">"#))
        #expect(html.contains("connect-src https://ledger.example:8443;"))

        let refusals: [([String], String)] = [
            (["--server", "http://127.0.0.1:1", "--out", folder + "/b"], "--witness-policy"),
            (["--witness-policy", folder + "/policy.txt", "--verifier-key", other.verifierKey,
              "--server", "http://127.0.0.1:1", "--out", folder + "/c"], "is not --verifier-key"),
            (["--witness-policy", folder + "/policy.txt", "--server", "ftp://127.0.0.1:1", "--out", folder + "/d"],
             "base URL"),
            (["--witness-policy", folder + "/policy.txt", "--server", "http://127.0.0.1:1/?x=1", "--out",
              folder + "/e"], "base URL"),
            (["--witness-policy", folder + "/missing.txt", "--server", "http://127.0.0.1:1", "--out", folder + "/f"],
             "cannot read"),
        ]
        for (arguments, reason) in refusals {
            let run = try await ProgramRun.run(Self.certledger, ["page"] + arguments)
            #expect(run.status == 2, "\(arguments): \(run.status) \(run.errors)")
            #expect(run.errors.contains(reason), "\(arguments): \(run.errors)")
            #expect(!FileManager.default.fileExists(atPath: arguments.last! + "/index.html"))
        }
    }
}
