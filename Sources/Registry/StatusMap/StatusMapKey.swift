import LedgerCrypto

/// A subject of the status map (DESIGN.md §3) and its map key string: `license:<USCC>`, `seal:<sealId>`,
/// `document:<sha256|sm3>:<lower-case hex>`. The Log's map hashes the string into its tree key.
public enum StatusMapKey: Sendable, Hashable, CustomStringConvertible {
    /// A business license, by its holder's USCC.
    case license(USCC)
    /// An e-seal, by its id.
    case seal(SealID)
    /// A license file, by its digest: maps to the license version that carries it.
    case document(ContentDigest)

    /// The map key string.
    public var string: String {
        switch self {
        case let .license(uscc): return "license:\(uscc.value)"
        case let .seal(id): return "seal:\(id.value)"
        case let .document(digest): return "document:\(digest.algorithm.rawValue):\(digest.digest.hex)"
        }
    }

    public var description: String { string }

    /// The keys whose values an entry with `record` can change: a license version changes its license and
    /// indexes its document, an end changes its license, a seal record its seal; other kinds touch no key.
    public static func touched(by record: Record) -> [StatusMapKey] {
        switch record {
        case let .licenseIssue(license), let .licenseAmend(license):
            return [.license(license.uscc), .document(license.document)]
        case let .licenseRevoke(end), let .licenseCancel(end):
            return [.license(end.uscc)]
        case let .sealIssue(seal):
            return [.seal(seal.sealId)]
        case let .sealRevoke(revocation):
            return [.seal(revocation.sealId)]
        case .ledgerGenesis, .departmentRegister, .departmentRotateKey, .departmentRetire, .witnessPolicy, .linkShare:
            return []
        }
    }
}

extension StatusMapKey {
    /// Reads a map key string (`license:<USCC>`, `seal:<sealId>`, `document:<sha256|sm3>:<64 lower-case hex>`),
    /// one spelling per key; errors name `field` and say what is wrong.
    public init(parsing text: String, usccExceptions: Set<String> = [], field: String = "key")
        throws(RegistryError) {
        func invalid(_ reason: String) -> RegistryError {
            RegistryError(.invalid, field: field, "\(reason); a map key is license:<USCC>, seal:<sealId> or "
                          + "document:<sha256|sm3>:<64 lower-case hex digits>, found \(FieldCheck.quote(text))")
        }
        guard let colon = text.firstIndex(of: ":") else { throw invalid("no kind before a colon") }
        let rest = String(text[text.index(after: colon)...])
        switch text[..<colon] {
        case "license":
            do { self = .license(try USCC(rest, exceptions: usccExceptions)) } catch {
                throw RegistryError(.invalid, field: field, "license key: \(error.reason)")
            }
        case "seal":
            do { self = .seal(try SealID(validating: rest)) } catch {
                throw RegistryError(.invalid, field: field, "seal key: \(error.reason)")
            }
        case "document":
            guard let second = rest.firstIndex(of: ":"),
                  let algorithm = HashAlgorithm(rawValue: String(rest[..<second])) else {
                throw invalid("a document key names its digest's algorithm, sha256 or sm3")
            }
            let hex = String(rest[rest.index(after: second)...])
            guard let digest = Hash256(hex: hex), digest.hex == hex else {
                throw invalid("a document digest is 64 lower-case hex digits")
            }
            self = .document(ContentDigest(algorithm: algorithm, digest: digest))
        default:
            throw invalid("unknown kind \(FieldCheck.quote(String(text[..<colon])))")
        }
    }
}
