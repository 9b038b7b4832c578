import ArgumentParser
import Foundation
import Logging
import SignedNote
import Witness
import WitnessServer

extension CertLedger {
    /// `certledger witness`: run a C2SP tlog-witness (DESIGN.md §9) for one or more logs.
    struct WitnessCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "witness",
            abstract: "Run a C2SP tlog-witness that cosigns a log's checkpoints after checking them consistent.",
            discussion: """
                A witness keeps, per log, the last checkpoint it cosigned, and cosigns a new one only with a \
                consistency proof from it: it never cosigns two inconsistent checkpoints, nor a smaller tree after \
                a larger one, across restarts and crashes. A request that proves the log forked is kept as evidence \
                in <data>/evidence/ (check it with `certledger check-fork`).

                Start with `init`, add the logs to follow with `add-log`, then `serve`.
                """,
            subcommands: [WitnessInit.self, WitnessAddLog.self, WitnessServe.self]
        )
    }

    /// `certledger witness init`.
    struct WitnessInit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "init",
            abstract: "Create a witness: its Ed25519 key, its state file and its evidence folder.",
            discussion: """
                Writes <data>/witness.key (PKCS#8 PEM, mode 0600), <data>/witness.vkey, an empty state file \
                <data>/witness.sqlite and <data>/evidence/, then prints the witness's C2SP cosignature verifier key \
                (name+id+base64(0x04 ‖ key)) — what the logs and their verifiers pin. Refuses to replace an existing \
                witness.

                Exit codes: 0 created, 2 usage error or the witness exists.

                Example:
                  certledger witness init --data /var/lib/certledger-witness --name witness.example.org/w1
                """
        )

        @Option(help: "The witness's data folder (created if missing).")
        var data: String

        @Option(help: "The witness's name, e.g. witness.example.org/w1: its cosignature lines carry it.")
        var name: String

        func run() async throws {
            do {
                let verifier = try await WitnessDirectory(path: data).create(name: name)
                print(verifier.verifierKey)
            } catch let error as WitnessError {
                throw CLIError("witness init: \(error)")
            }
        }
    }

    /// `certledger witness add-log`.
    struct WitnessAddLog: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-log",
            abstract: "Follow a log: trust its checkpoint verifier key for its origin.",
            discussion: """
                The log's checkpoints must then be signed by this key (an Ed25519 note key, type 0x01, as \
                `certledger init` writes to checkpoint.vkey). The origin defaults to the key's name. Adding a second \
                key to a log already followed trusts both (for a key rotation); its cosigned state is kept. Stop \
                the witness first: the server reads the logs per request, but a running server holds the state.

                Exit codes: 0 added (or already there), 2 usage error.

                Example:
                  certledger witness add-log --data /var/lib/certledger-witness --vkey @checkpoint.vkey
                """
        )

        @Option(help: "The witness's data folder.")
        var data: String

        @Option(help: ArgumentHelp("The log's checkpoint verifier key (name+id+key), or @FILE.", valueName: "vkey"))
        var vkey: String

        @Option(help: "The log's origin line, if it is not the key's name.")
        var origin: String?

        func run() async throws {
            let verifier: Ed25519NoteVerifier
            do {
                verifier = try Ed25519NoteVerifier(verifierKey: try readArgument(vkey))
            } catch let error as CLIError {
                throw error
            } catch {
                throw CLIError("--vkey: not an Ed25519 note verifier key: \(error)")
            }
            let origin = origin ?? verifier.name
            do {
                _ = try Checkpoint(origin: origin, size: 0, rootHash: .zero)
            } catch {
                throw CLIError("--origin: \(error)")
            }
            do {
                let store = try await WitnessStore.open(path: WitnessDirectory(path: data).statePath)
                let added = try await store.addLog(origin: origin, verifier: verifier)
                await store.close()
                print(added ? "following \(origin) with key \(verifier.verifierKey)"
                            : "already following \(origin) with key \(verifier.verifierKey)")
            } catch let error as WitnessError {
                throw CLIError("witness add-log: \(error)")
            }
        }
    }

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
            guard Self.split(listen) != nil else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:7380") }
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
