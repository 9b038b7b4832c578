public import CanonicalJSON

/// Several submissions sequenced atomically at consecutive indices, all or none (DESIGN.md §4): `{"bundle":[…]}`
/// with 1–64 submissions, each signed by its own department (e.g. a license by market regulation and its seals
/// by public security). Every submission is checked as if sent alone; errors name `bundle[i].…`.
public struct SubmissionBundle: Sendable, Hashable {
    /// Most submissions in one bundle: bounds the work one request can make the sequencer hold.
    public static let maxSubmissions = 64
    /// Largest bundle body accepted: 4 MiB, room for 64 submissions of maximal canonical size.
    public static let maxInputBytes = 4 << 20

    /// The submissions, in the order they will be sequenced.
    public let submissions: [Submission]

    /// A bundle of already checked submissions; 1–64 of them, no (department, nonce) twice.
    public init(_ submissions: [Submission]) throws(RegistryError) {
        try FieldCheck.count(submissions.count, "bundle", 1...Self.maxSubmissions)
        try FieldCheck.unique(submissions.map { "\($0.department)/\($0.nonce)" }, "bundle") {
            "department/nonce \($0)"
        }
        self.submissions = submissions
    }

    /// Parses a bundle body.
    public init(bytes: [UInt8], usccExceptions: Set<String> = []) throws(RegistryError) {
        let value: JSONValue
        do {
            value = try JSONValue.parse(bytes, limits: JSONLimits(maxInputBytes: Self.maxInputBytes))
        } catch {
            throw RegistryError(error, prefix: "")
        }
        try self.init(json: value, usccExceptions: usccExceptions)
    }

    /// Checks a parsed bundle body (a server has parsed it already, to tell a bundle from a submission).
    public init(json value: JSONValue, usccExceptions: Set<String> = []) throws(RegistryError) {
        let elements: [JSONValue]
        do {
            elements = try CanonicalJSONDecoder(rejectUnknownKeys: true).decode(Body.self, from: value).bundle
        } catch {
            throw RegistryError(error, prefix: "")
        }
        try FieldCheck.count(elements.count, "bundle", 1...Self.maxSubmissions)
        var submissions = [Submission]()
        for (index, element) in elements.enumerated() {
            submissions.append(try Submission(json: element, usccExceptions: usccExceptions, at: "bundle[\(index)]"))
        }
        try self.init(submissions)
    }

    /// The bundle body as RFC 8785 canonical JSON: `{"bundle":[` the submissions' canonical bytes, comma-separated,
    /// `]}` — the canonical form of a one-member object holding an array is exactly that concatenation.
    public var canonicalBytes: [UInt8] {
        var out = Array(#"{"bundle":["#.utf8)
        out.reserveCapacity(out.count + submissions.reduce(2) { $0 + $1.canonicalBytes.count + 1 })
        for (position, submission) in submissions.enumerated() {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            out += submission.canonicalBytes
        }
        out += Array("]}".utf8)
        return out
    }

    struct Body: Decodable {
        let bundle: [JSONValue]
    }
}
