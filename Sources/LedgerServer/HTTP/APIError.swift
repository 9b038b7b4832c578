import Foundation
public import Hummingbird
import CanonicalJSON
import Log
import NIOHTTP1
import Registry

/// An error answer of the HTTP API (DESIGN.md §5): `{"error":{"code","message","field"}}` with its status, plus
/// `Retry-After` when waiting helps. Every error a handler throws becomes one of these in `APIError.init(_:)`:
/// the single place where log, Merkle and store failures get their HTTP status.
public struct APIError: HTTPResponseError, Sendable, Equatable {
    /// The HTTP status (DESIGN.md §5).
    public let status: HTTPResponse.Status
    /// Stable machine code (the module error's code where there is one).
    public let code: String
    /// A human reason with the numbers in it.
    public let message: String
    /// The request part at fault (`index`, `size`, `tile`, …), if any.
    public let field: String?
    /// Seconds to wait before retrying (503 and 429 only).
    public let retryAfter: Int?
    /// Further header fields of the answer (`Allow` on a 405, `Connection: close` after broken framing).
    public let headers: HTTPFields

    /// An error answer with every part given.
    public init(_ status: HTTPResponse.Status, code: String, _ message: String, field: String? = nil,
                retryAfter: Int? = nil, headers: HTTPFields = [:]) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.retryAfter = retryAfter
        self.headers = headers
    }

    /// A request the server does not take as HTTP/1.1 (RFC 9112): broken body framing, a missing or repeated
    /// `Host`. After broken framing the connection is closed (`close`), the server no longer knowing where the next
    /// request would start.
    static func malformedRequest(_ message: String, field: String? = nil, close: Bool = false) -> APIError {
        APIError(.badRequest, code: "malformed_request", message, field: field,
                 headers: close ? [.connection: "close"] : [:])
    }

    /// A request parameter that is missing or not spelled as the API requires.
    /// 503 `not_witnessed`: the ledger has witnesses and none has cosigned a checkpoint with a quorum yet.
    static func notWitnessedYet() -> APIError {
        APIError(.serviceUnavailable, code: "not_witnessed",
                 "no checkpoint carries a quorum of witness cosignatures yet; retry shortly", retryAfter: 1)
    }

    static func badParameter(_ field: String, _ message: String) -> APIError {
        APIError(.badRequest, code: "bad_parameter", message, field: field)
    }

    /// The HTTP meaning of any error a handler can throw. Statuses follow DESIGN.md §5:
    /// 400 malformed request, 404 not in the tree (yet), 409 refused by the ledger's rules, 413 too large,
    /// 503 (+Retry-After) overloaded, shutting down or store unavailable. Anything unforeseen is a 500 whose
    /// details stay in the log, not in the answer.
    public init(_ error: any Error) {
        switch error {
        case let error as APIError:
            self = error
        case let error as LogError:
            self.init(logError: error)
        case let error as RegistryError:
            self.init(registryError: error)
        case let error as JSONError:
            self.init(jsonError: error)
        case let error as MerkleError:
            self.init(merkleError: error)
        case let error as LogStoreError:
            self.init(.serviceUnavailable, code: "store_unavailable", "the log store failed: \(error)",
                      retryAfter: 1)
        case let error as HTTPParserError:
            self = .malformedRequest("the request is not valid HTTP/1.1: \(Self.describe(error))", close: true)
        case let error as HTTPError:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            self.init(error.status, code: code, error.body ?? error.status.reasonPhrase)
        default:
            self.init(.internalServerError, code: "internal", "internal error")
        }
    }

    /// What a client sent, for quoting in an error: at most its first 32 characters, marked when cut, so an answer
    /// never echoes more than a short prefix of rejected input.
    static func quote(_ text: some StringProtocol) -> String {
        text.count <= 32 ? "\"\(text)\"" : "\"\(text.prefix(32))…\" (\(text.utf8.count) bytes)"
    }

    /// What the HTTP/1.1 parser objected to, in words.
    static func describe(_ error: HTTPParserError) -> String {
        switch error {
        case .invalidChunkSize: "a chunk size is not a hexadecimal number"
        case .invalidContentLength, .unexpectedContentLength: "the Content-Length is not a valid length"
        case .invalidHeaderToken, .invalidCharactersUsed: "a header field holds characters HTTP does not allow"
        case .headerOverflow: "the header section is too large"
        case .closedConnection, .invalidEOFState: "the connection closed before the body was complete"
        default: "its Transfer-Encoding or Content-Length does not frame a body this server reads"
        }
    }

    private init(logError error: LogError) {
        let status: HTTPResponse.Status
        var retryAfter: Int?
        switch error.code {
        case .outOfRange: status = .notFound
        case .malformedEntry: status = .badRequest
        case .entryTooLarge: status = .contentTooLarge
        case .rejected: status = .conflict
        case .overloaded:
            status = .serviceUnavailable
            retryAfter = error.retryAfter ?? 1
        case .shuttingDown:
            status = .serviceUnavailable
            retryAfter = 5
        case .inconsistent, .storeFailed:
            status = .serviceUnavailable
            retryAfter = 1
        }
        self.init(status, code: error.code.rawValue, error.reason, field: error.field, retryAfter: retryAfter)
    }

    /// The Registry's codes are the API's codes (DESIGN.md §5): 400 invalid, 401 bad signature, 403 role, 404
    /// unknown, 409 state conflict, 413 too large, 503 too many verified submissions waiting (with Retry-After).
    private init(registryError error: RegistryError) {
        let status: HTTPResponse.Status = switch error.code {
        case .invalid: .badRequest
        case .badSignature: .unauthorized
        case .forbidden: .forbidden
        case .notFound: .notFound
        case .conflict, .duplicate: .conflict
        case .tooLarge: .contentTooLarge
        case .overloaded: .serviceUnavailable
        }
        self.init(status, code: error.code.rawValue, error.reason, field: error.field,
                  retryAfter: error.code == .overloaded ? 1 : nil)
    }

    private init(merkleError error: MerkleError) {
        let status: HTTPResponse.Status = switch error.code {
        case .malformedTilePath, .emptyTree, .proofLength, .malformedHash: .badRequest
        case .indexOutOfRange, .sizeOutOfRange: .notFound
        case .malformedTile, .missingTile, .nodeCount: .serviceUnavailable
        }
        self.init(status, code: error.code.rawValue, error.reason, field: error.field,
                  retryAfter: status == .serviceUnavailable ? 1 : nil)
    }

    private struct Body: Encodable {
        struct Detail: Encodable {
            let code: String
            let message: String
            let field: String?
        }
        let error: Detail
    }

    /// The longest message an answer carries, in characters.
    static var maxMessage: Int { 300 }

    /// The message as answers carry it: a bound on every message, whatever quoted the client's input into it, so
    /// answers stay short.
    var boundedMessage: String {
        message.count <= Self.maxMessage ? message : message.prefix(Self.maxMessage) + "…"
    }

    /// The field as answers carry it (at most 64 characters).
    var boundedField: String? {
        field.map { $0.count <= 64 ? $0 : $0.prefix(64) + "…" }
    }

    /// `{"code","field","message"}` in RFC 8785 form: the `error` member of an answer, for answers that carry
    /// several (the per-line results of `POST /v1/submissions/bulk`).
    var detailBytes: [UInt8] {
        var detail = CanonicalObject()
        detail.set("code", string: code)
        detail.set("message", string: boundedMessage)
        if let boundedField { detail.set("field", string: boundedField) }
        return detail.bytes()
    }

    /// The JSON answer; errors are never cached.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let body = try encoder.encode(Body(error: .init(code: code, message: boundedMessage, field: boundedField)))
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"]
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        headers.append(contentsOf: self.headers)
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(bytes: body)))
    }
}
