import Foundation
import HTTPTypes
import Hummingbird
import Registry

/// Guards the Registry's read routes (look-ups and `POST /v1/verify`): with `readAccess: departments` every request
/// must carry a registered department's signature (`ReadSignature`), else 401; with `public` a request may still
/// be signed, and a signature that is present is checked all the same (a bad one is a 401, never ignored).
/// Tiles, checkpoints, entries and proofs stay public either way: they are the transparency log itself.
struct ReadAccessMiddleware<Context: RequestContext>: RouterMiddleware {
    let registry: Registry
    let required: Bool
    /// Bound on a signed body read here (the verify question's own bound is smaller).
    let bodyLimit: Int

    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        let field = { (name: String) in HTTPField.Name(name).flatMap { request.headers[$0] } }
        guard let department = field(ReadSignature.departmentHeader) else {
            if required {
                throw APIError(.unauthorized, code: RegistryError.Code.badSignature.rawValue,
                               "this ledger answers look-ups and verification for registered departments only: sign "
                               + "the request (headers \(ReadSignature.departmentHeader), \(ReadSignature.keyIdHeader), "
                               + "\(ReadSignature.timeHeader), \(ReadSignature.signatureHeader))",
                               field: ReadSignature.signatureHeader)
            }
            return try await next(request, context)
        }
        var request = request
        let body = try await JSONBody.collectBody(&request, limit: bodyLimit)
        _ = try ReadSignature.check(
            department: department, keyId: field(ReadSignature.keyIdHeader) ?? "",
            time: field(ReadSignature.timeHeader) ?? "", signature: field(ReadSignature.signatureHeader) ?? "",
            method: request.method.rawValue, target: request.uri.description, body: Array(body.readableBytesView),
            now: Int64(Date().timeIntervalSince1970), registry: registry)
        return try await next(request, context)
    }
}
