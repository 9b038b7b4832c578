import ArgumentParser
import Foundation
import Logging
import Witness
import WitnessServer

extension CertLedger {
    /// `certledger witness serve`.
    struct WitnessServe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "serve",
            abstract: "Serve the C2SP tlog-witness API: POST /add-checkpoint, GET /metrics.",
            discussion: """
                POST /add-checkpoint takes `old <size>`, the consistency proof lines, an empty line and the signed \
                checkpoint; it answers 200 with the cosignature line (cosignature/v1, type 0x04) once the new state \
                is durable, 409 with the cosigned size (text/x.tlog.size), 422 for a proof that does not verify, \
                403 for a checkpoint not signed by the log's key, 404 for an unknown origin, 400 for a malformed \
                body. GET /<sha256 of origin, hex>/checkpoint serves the last cosigned checkpoint; GET /metrics \
                the counters (Prometheus text). Prints one line "certledger witness listening on http://HOST:PORT" \
                on stdout; logs go to stderr. SIGTERM or SIGINT stop it gracefully.

                Exit codes: 0 after a graceful stop, 2 usage error or the witness cannot start.

                Example:
                  certledger witness serve --data /var/lib/certledger-witness --listen 127.0.0.1:7380
                """
        )

        @Option(help: "The witness's data folder.")
        var data: String

        @Option(help: ArgumentHelp("Address to listen on (port 0: any free port).", valueName: "host:port"))
        var listen: String = "127.0.0.1:7380"

        func validate() throws {
            guard Self.split(listen) != nil else {
                throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:7380")
            }
        }

        static func split(_ address: String) -> (host: String, port: Int)? {
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]),
                  (0...65_535).contains(port) else { return nil }
            let host = String(address[..<colon])
            return host.isEmpty ? nil : (host, port)
        }

        func run() async throws {
            LoggingSystem.bootstrap { StreamLogHandler.standardError(label: $0) }
            var logger = Logger(label: "certledger-witness")
            logger.logLevel = .info
            guard let address = Self.split(listen) else { throw CLIExit.usage }
            let host = address.host, port = address.port
            let witness: Witness
            do {
                witness = try await Witness.open(directory: WitnessDirectory(path: data), logger: logger)
            } catch let error as WitnessError {
                throw CLIError("witness serve: \(error)")
            }
            let logs = try await witness.store.logs()
            logger.info("witness open", metadata: [
                "name": "\(witness.cosigner.name)", "vkey": "\(witness.verifierKey)", "logs": "\(logs.count)",
            ])
            try await serveWitness(witness: witness, host: host, port: port, logger: logger) { bound in
                // One line on stdout that scripts (and the tests) wait for; logs go to stderr.
                let line = "certledger witness listening on http://\(host):\(bound.map(String.init) ?? "?")\n"
                FileHandle.standardOutput.write(Data(line.utf8))
            }
            await witness.close()
        }
    }
}
