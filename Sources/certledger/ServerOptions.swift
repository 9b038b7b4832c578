import ArgumentParser
import Foundation
import LedgerClient
import LedgerCrypto
import SignedNote

/// The options every command that talks to a daemon shares.
struct ServerOptions: ParsableArguments {
    @Option(help: """
        The daemon's base URL, http:// or https://. Default: $CERTLEDGER_SERVER, else http://127.0.0.1:8080.
        """)
    var server: String = ProcessInfo.processInfo.environment["CERTLEDGER_SERVER"] ?? "http://127.0.0.1:8080"

    @Option(name: .customLong("ca-file"), help: ArgumentHelp(
        "PEM file of the CA that signed an https:// daemon's certificate, trusted instead of the system's CAs. "
            + "Default: $CERTLEDGER_CA_FILE.", valueName: "pem"))
    var caFile: String? = ProcessInfo.processInfo.environment["CERTLEDGER_CA_FILE"]

    @Option(help: ArgumentHelp(
        "Reach the daemon through this HTTP proxy (host:port). No proxy is used unless given here, whatever the "
            + "environment says.", valueName: "host:port"))
    var proxy: String?

    @Option(help: "Seconds to wait for the daemon before giving up (exit 3).")
    var timeout: Int = 30

    func client() throws -> LedgerHTTPClient {
        do {
            return try LedgerHTTPClient(url: server, timeout: .seconds(max(1, timeout)), transport: try transport())
        } catch {
            throw CLIError("--server: \(error.message)")
        }
    }

    /// The trust roots and proxy these options name.
    func transport() throws(HTTPClientError) -> LedgerHTTPClient.Transport {
        LedgerHTTPClient.Transport(caFile: caFile,
                                   proxy: try proxy.map { proxy throws(HTTPClientError) in
                                       try HTTPEndpoint(parsing: "http://" + proxy)
                                   })
    }
}

extension HTTPClientError {
    /// Unreachable and timed-out daemons are exit 3; anything else the client refuses is a usage error.
    var cliError: CLIError {
        switch code {
        case .unreachable, .timeout, .protocolError: CLIError(message, code: 3)
        case .badURL, .badRequest: CLIError(message)
        }
    }
}

extension LedgerHTTPClient {
    /// Sends a request, mapping transport failures onto the CLI's exit codes.
    func call(_ method: String, _ path: String, json body: [UInt8]? = nil,
              contentType: String = "application/json") async throws -> HTTPClientResponse {
        do {
            return try await send(method, path, headers: body == nil ? [] : [("Content-Type", contentType)],
                                  body: body)
        } catch {
            throw error.cliError
        }
    }
}

/// The daemon's JSON error body, as one line for a clerk: `409 conflict (record.uscc): … already holds a live …`.
func describeError(_ response: HTTPClientResponse) -> String {
    describeError(status: response.status, body: response.body)
}

/// The same for an answer's status and body given apart (a line of a bulk answer carries both).
func describeError(status: Int, body bytes: [UInt8]) -> String {
    struct Body: Decodable {
        struct Detail: Decodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }
    guard let body = try? JSONDecoder().decode(Body.self, from: Data(bytes)) else {
        return "HTTP \(status): \(String(decoding: bytes, as: UTF8.self).prefix(300))"
    }
    let field = body.error.field.map { " (\($0))" } ?? ""
    return "HTTP \(status) \(body.error.code)\(field): \(body.error.message)"
}

/// The trusted checkpoint verifier key, from the command line or `@FILE`.
func trustedVerifier(_ argument: String, option: String = "--verifier-key") throws -> Ed25519NoteVerifier {
    let text = try readArgument(argument)
    do { return try Ed25519NoteVerifier(verifierKey: text) } catch {
        throw CLIError("\(option): not a checkpoint verifier key (name+id+key): \(error)")
    }
}
