/// A checkpoint the witness will not cosign, and the HTTP status C2SP tlog-witness §add-checkpoint gives it.
///
/// A refusal is an answer, not a failure: the request was understood and the witness's state was read.
public struct WitnessRefusal: Error, Sendable, Equatable, CustomStringConvertible {
    /// Why the checkpoint was refused; stable names (they label `/metrics`).
    public enum Reason: String, Sendable, CaseIterable {
        /// 400: the body is not an add-checkpoint request, or `old` is larger than the checkpoint.
        case malformed
        /// 404: no log with the checkpoint's origin is configured.
        case unknownOrigin = "unknown_origin"
        /// 403: no trusted key of the log signed the checkpoint, or a trusted key's signature does not verify.
        case forbidden
        /// 409: `old` is not the size of the checkpoint the witness last cosigned for this log.
        case conflict
        /// 422: the consistency proof does not verify, or the checkpoint contradicts the one cosigned before.
        case inconsistent

        /// The HTTP status tlog-witness prescribes.
        public var httpStatus: Int {
            switch self {
            case .malformed: return 400
            case .unknownOrigin: return 404
            case .forbidden: return 403
            case .conflict: return 409
            case .inconsistent: return 422
            }
        }
    }

    /// Why.
    public let reason: Reason
    /// A human explanation carrying the sizes involved; never more than a short prefix of the input.
    public let message: String
    /// For `.conflict`: the size of the checkpoint the witness last cosigned (the 409 body).
    public let witnessSize: UInt64?

    /// A refusal for `reason` with an explanation.
    public init(_ reason: Reason, _ message: String, witnessSize: UInt64? = nil) {
        self.reason = reason
        self.message = message
        self.witnessSize = witnessSize
    }

    /// `reason: message`, for logs.
    public var description: String { "\(reason.rawValue): \(message)" }
}
