import CanonicalJSON
import Hummingbird
import NIOCore

/// Request bodies of the JSON write and query routes: `Content-Type: application/json` (415 otherwise), a size
/// bound checked while reading (413), strict RFC 8259 parsing with the project's limits (400 naming the offset).
enum JSONBody {
    /// 415 unless the request says it is JSON (any charset parameter is accepted; JSON is UTF-8 by RFC 8259).
    static func requireJSON(_ request: Request) throws {
        try require(request, mediaType: "application/json")
    }

    /// 415 unless the request's media type is `mediaType` (lower-case letters, digits, `/`, `-`, `.`, `+`), with
    /// any parameters.
    static func require(_ request: Request, mediaType: String) throws {
        let type = request.headers[.contentType] ?? ""
        // ASCII work only (this runs on every write and query; Foundation's trimming and lower-casing cost 3% of a
        // verification's CPU): the media type before any parameter, without spaces or tabs, case-insensitively
        // (OR-ing 0x20 lower-cases letters and leaves the other characters a media type name uses alone).
        let media = type.utf8.prefix { $0 != UInt8(ascii: ";") }.filter { $0 != 0x20 && $0 != 0x09 }
        guard media.count == mediaType.utf8.count, media.elementsEqual(mediaType.utf8, by: { $0 | 0x20 == $1 }) else {
            let got = type.isEmpty ? "no Content-Type" : APIError.quote(type)
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type",
                           "the body must be \(mediaType); got \(got)", field: "Content-Type")
        }
    }

    /// The whole body, refusing one longer than `limit` bytes.
    static func collect(_ request: Request, limit: Int) async throws -> [UInt8] {
        var request = request
        return Array(try await collectBody(&request, limit: limit).readableBytesView)
    }

    /// Collects the body into `request` (so later handlers read it again), refusing one longer than `limit`
    /// bytes with 413 — NIO's own error for that would otherwise surface as a 500. A body still incomplete when the
    /// request's time runs out (its task is cancelled) is the client's delay: 408.
    static func collectBody(_ request: inout Request, limit: Int) async throws -> ByteBuffer {
        do {
            let body = try await request.collectBody(upTo: limit)
            if Task.isCancelled { throw APIError.bodyTimeout }
            return body
        } catch _ where Task.isCancelled {
            throw APIError.bodyTimeout
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "too_large", "the body is larger than \(limit) bytes",
                           field: "body")
        } catch let error as HTTPError where error.status == .contentTooLarge {
            throw APIError(.contentTooLarge, code: "too_large", "the body is larger than \(limit) bytes",
                           field: "body")
        }
    }

    static func parse(_ bytes: [UInt8], limit: Int) throws -> JSONValue {
        do {
            return try JSONValue.parse(bytes, limits: JSONLimits(maxInputBytes: limit))
        } catch {
            throw APIError(jsonError: error)
        }
    }
}

extension APIError {
    /// 408: the request's body did not arrive in time; the answer asks the client to close the connection, where
    /// the rest of that body may still arrive.
    static var bodyTimeout: APIError {
        APIError(.requestTimeout, code: "request_timeout", "the request body did not arrive in time", field: "body",
                 headers: [.connection: "close"])
    }

    /// A body that is not acceptable JSON: 413 when too large, 400 otherwise, naming the JSON path and offset.
    init(jsonError error: JSONError) {
        let status: HTTPResponse.Status = error.code == .inputTooLarge ? .contentTooLarge : .badRequest
        let at = error.offset.map { " (at byte \($0))" } ?? ""
        self.init(status, code: status == .contentTooLarge ? "too_large" : "invalid",
                  error.reason + at, field: error.path.isEmpty ? "body" : error.path)
    }
}
