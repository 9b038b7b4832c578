internal import COpenSSL

/// The one error type of `LedgerCrypto`: a stable machine code, the field or input that was wrong, and a
/// human reason. Failures inside OpenSSL carry OpenSSL's own error text.
public struct CryptoError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Stable machine codes; never renamed once shipped.
    public enum Code: String, Sendable {
        case unsupportedAlgorithm = "unsupported_algorithm"
        case malformedKey = "malformed_key"
        case wrongKeyType = "wrong_key_type"
        case malformedSignature = "malformed_signature"
        case malformedEncoding = "malformed_encoding"
        case openssl = "openssl"
    }

    public let code: Code
    /// The input that was wrong (e.g. `publicKey`, `signature`), when there is one.
    public let field: String?
    public let reason: String

    public init(_ code: Code, field: String? = nil, _ reason: String) {
        self.code = code
        self.field = field
        self.reason = reason
    }

    public var description: String {
        if let field { return "\(code.rawValue) (\(field)): \(reason)" }
        return "\(code.rawValue): \(reason)"
    }

    /// Drains the thread's OpenSSL error queue into one error, so that stale entries never confuse a later call.
    static func openssl(_ operation: String, field: String? = nil, code: Code = .openssl) -> CryptoError {
        var messages: [String] = []
        while true {
            let err = ERR_get_error()
            if err == 0 { break }
            var buffer = [CChar](repeating: 0, count: 256)
            ERR_error_string_n(err, &buffer, buffer.count)
            messages.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        let detail = messages.isEmpty ? "no OpenSSL error reported" : messages.joined(separator: "; ")
        return CryptoError(code, field: field, "\(operation) failed: \(detail)")
    }
}
