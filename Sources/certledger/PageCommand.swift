import ArgumentParser
import Foundation
import LedgerServer
import SignedNote

extension CertLedger {
    /// `certledger page`: the verification page as a folder the verifying side keeps and serves itself, pinning its
    /// own checkpoint key and witness policy rather than whatever the ledger's host serves.
    struct PageCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "page",
            abstract: "Write a self-contained verification page pinning your witness policy.",
            discussion: """
                Writes <out>/index.html: the clerk's verification page with its style and scripts inside, the \
                ledger's checkpoint key and the witness policy built in, asking the ledger at --server across \
                origins (the daemon allows that on its read and verify routes only). Open it as a file or serve the \
                folder with any static web server. In the browser it checks every checkpoint's signature by the \
                policy's log key and a quorum of valid cosignature/v1 cosignatures by the policy's witnesses, shows \
                who witnessed each answer and when, and refuses in red an answer without them — a server standing in \
                for the ledger with another key included. Cosignatures older than --max-age are shown as stale.

                Exit codes: 0 written, 2 usage error (unreadable policy, bad key or URL, folder not writable).

                Example:
                  certledger page --witness-policy policy.txt --server https://ledger.example.gov.cn --out ./verify-page
                """
        )

        @Option(name: .customLong("witness-policy"), help: ArgumentHelp(
            "The witness policy file (`log VKEY`, `witness LABEL VKEY` lines, `quorum K`), as the other commands "
                + "read it. Default: $CERTLEDGER_WITNESS_POLICY.", valueName: "file"))
        var witnessPolicy: String? = ProcessInfo.processInfo.environment["CERTLEDGER_WITNESS_POLICY"]

        @Option(help: ArgumentHelp(
            "The checkpoint verifier key (name+id+key, or @FILE). Default: the policy's log key; without a policy "
                + "the page checks the ledger's signature only."))
        var verifierKey: String?

        @Option(help: "The ledger's base URL, http:// or https://, as the browser reaches it.")
        var server: String

        @Option(help: ArgumentHelp("The folder to write index.html into (created if missing).", valueName: "dir"))
        var out: String

        @Option(name: .customLong("max-age"), help: ArgumentHelp(
            "Show cosignatures older than this as stale (seconds, or with s, m, h).", valueName: "age"))
        var maxAge: String = "10m"

        func validate() throws {
            guard WitnessOptions.seconds(maxAge) != nil else {
                throw ValidationError("--max-age \(maxAge): give seconds, or a number with s, m or h (e.g. 10m)")
            }
            guard witnessPolicy != nil || verifierKey != nil else {
                throw ValidationError("give --witness-policy (or --verifier-key for a page without witnesses)")
            }
        }

        func run() async throws {
            var options = try WitnessOptions.parse([])
            options.witnessPolicy = witnessPolicy
            let policy = try options.policy()
            let key: Ed25519NoteVerifier
            if let verifierKey {
                key = try trustedVerifier(verifierKey)
                if let policy, policy.logVerifier.verifierKey != key.verifierKey {
                    throw CLIError("the witness policy's log key \(policy.logVerifier.verifierKey) is not "
                                   + "--verifier-key \(key.verifierKey)")
                }
            } else {
                key = policy!.logVerifier
            }
            let (base, origin) = try Self.ledgerAddress(server)
            let html = StandaloneVerificationPage.html(
                verifierKey: key.verifierKey, policy: policy, server: base, origin: origin,
                maxAgeSeconds: WitnessOptions.seconds(maxAge) ?? 600)
            let folder = URL(fileURLWithPath: out)
            let index = folder.appendingPathComponent("index.html")
            do {
                try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                try Data(html.utf8).write(to: index, options: .atomic)
            } catch {
                throw CLIError("--out \(out): cannot write index.html: \(error.localizedDescription)")
            }
            print("wrote \(index.path)")
            print("ledger \(base), checkpoint key \(key.verifierKey)")
            if let policy {
                print("witnesses: " + policy.witnesses.map(\.label).joined(separator: ", ")
                      + " (quorum \(policy.quorum))")
            }
        }

        /// The ledger's base URL without a trailing slash, and its origin (`scheme://host[:port]`), the page's only
        /// permitted connection target.
        static func ledgerAddress(_ text: String) throws -> (base: String, origin: String) {
            guard let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
                  scheme == "http" || scheme == "https", let host = url.host, !host.isEmpty,
                  url.query == nil, url.fragment == nil, url.user == nil, url.password == nil
            else {
                throw CLIError("--server \(text): give the ledger's base URL, http(s)://host[:port][/path]")
            }
            let origin = scheme + "://" + (url.percentEncodedHost ?? host) + (url.port.map { ":\($0)" } ?? "")
            var path = url.percentEncodedPath
            while path.hasSuffix("/") { path.removeLast() }
            return (origin + path, origin)
        }
    }
}
