import ArgumentParser
import CanonicalJSON
import Foundation
import LedgerClient
import LedgerCrypto
import Registry

extension CertLedgerBench {
    /// The signing half of `Scripts/bench-daemon` when an external load generator (wrk) sends the load: prepares a
    /// running development daemon as `daemon-load` does (issues the example license and seal, registers the
    /// linker) and writes `count` distinct signed submissions to a file, one canonical-JSON body per line (JCS
    /// escapes every control character, so a body never holds a raw newline): link.share records about the example
    /// holder, which touch no status-map key, or with `--kind license-issue` issuances of new licenses (serials
    /// `--first-serial` on, each a USCC and a document of its own: two new status-map keys each). Each body is
    /// accepted once with 201; a second send is a duplicate (200), so the load must send every line exactly once.
    struct SignSubmissions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "sign-submissions",
            abstract: "Prepare a running certledgerd --dev and write pre-signed submissions, one per line.")

        @Option(help: "The daemon to prepare (license, seal, linker).") var server = "http://127.0.0.1:8080"
        @Option(help: "The development ledger's folder (for the demo department keys).") var devFolder: String
        @Option(help: "Config/examples (the license and seal to issue first).") var examples = "Config/examples"
        @Option(help: "How many submissions to sign.") var count: Int
        @Option(help: "Where the submissions go, one per line.") var out: String
        @Option(help: "Also write the verification questions (one per line) here.") var questions: String?
        @Option(help: "The submitting department's key: ed25519, ecdsa-p256-sha256 or sm2-sm3.")
        var algorithm = "ed25519"
        @Option(help: "What to sign: link-share (no status-map key) or license-issue (new holders, ed25519 only).")
        var kind = "link-share"
        @Option(help: "With --kind license-issue, the first holder's serial (0..<10^8; the next ones follow).")
        var firstSerial = 0

        func validate() throws {
            guard count > 0 else { throw ValidationError("--count must be positive, not \(count)") }
            guard kind == "link-share" || kind == "license-issue" else {
                throw ValidationError("--kind must be link-share or license-issue, not \(kind)")
            }
            guard kind == "link-share" || algorithm == "ed25519" else {
                throw ValidationError("--kind license-issue is signed by demo-amr's Ed25519 key: --algorithm ed25519")
            }
            guard firstSerial >= 0, firstSerial + count <= 100_000_000 else {
                throw ValidationError("--first-serial and --count must stay below 10^8 serials")
            }
            guard SignatureAlgorithm(rawValue: algorithm) != nil else {
                throw ValidationError("--algorithm must be ed25519, ecdsa-p256-sha256 or sm2-sm3, not \(algorithm)")
            }
        }

        func run() async throws {
            let client = try LedgerHTTPClient(url: server, timeout: .seconds(60))
            let signatureAlgorithm = SignatureAlgorithm(rawValue: algorithm) ?? .ed25519
            let demo = try DemoSigner(devFolder: devFolder, algorithm: signatureAlgorithm)
            try await demo.issueLicense(client: client, examples: examples)
            try await demo.issueSeal(client: client, examples: examples, devFolder: devFolder)
            try await demo.registerLinker(client: client)
            if kind == "license-issue" {
                let file = URL(fileURLWithPath: examples + "/license-issue.json")
                let example = try JSONValue.parse(Array(try Data(contentsOf: file)))["record"] ?? .null
                try Self.writeLines((firstSerial..<(firstSerial + count)).lazy.map {
                    try demo.license($0, example: example).canonicalBytes
                }, to: out)
            } else {
                try Self.writeLines((0..<count).lazy.map { _ in try demo.link().canonicalBytes }, to: out)
            }
            if let questions {
                try Self.writeLines(DemoSigner.verifyQuestions(examples: examples), to: questions)
            }
        }

        /// Writes each body followed by a newline, refusing a body that holds one (it would split into two lines).
        static func writeLines<Bodies: Sequence<[UInt8]>>(_ bodies: Bodies, to path: String) throws {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ValidationError("cannot create \(path)")
            }
            let file = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            defer { try? file.close() }
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 20)
            for body in bodies {
                guard !body.contains(0x0A) else { throw ValidationError("a body holds a raw newline") }
                buffer += body
                buffer.append(0x0A)
                if buffer.count >= 1 << 20 {
                    try file.write(contentsOf: buffer)
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            try file.write(contentsOf: buffer)
        }
    }
}
