import CanonicalJSON
import Foundation
import FuzzSupport
@testable import Registry
import Testing

/// Records about licenses, seals and links are read without `Codable` first (`init?(direct:…)`); whenever that
/// read answers, the strict decoder must accept the same JSON and give an equal record, or the audit and the
/// daemon would accept records the strict schema refuses.
@Suite struct RecordFastPathTests {
    /// One record type under test: its strict decode and its fast read.
    struct Reader: Sendable {
        let kind: SubmissionKind
        let strict: @Sendable (JSONValue, Set<String>) -> (any RecordBody)?
        let direct: @Sendable (JSONValue, Set<String>) -> (any RecordBody)?
        let equal: @Sendable (any RecordBody, any RecordBody) -> Bool

        static func of<T: RecordBody>(_ kind: SubmissionKind, _ type: T.Type,
                                      _ direct: @escaping @Sendable (JSONValue, Set<String>) -> T?) -> Reader {
            Reader(kind: kind, strict: { json, exceptions in
                USCC.$decodingExceptions.withValue(exceptions) {
                    try? CanonicalJSONDecoder(rejectUnknownKeys: true).decode(T.self, from: json)
                }
            }, direct: { direct($0, $1) }, equal: { ($0 as? T) == ($1 as? T) })
        }

        /// True when the fast read gave up or equals the strict decode (which must then have succeeded).
        func agrees(_ json: JSONValue, exceptions: Set<String> = []) -> Bool {
            guard let fast = direct(json, exceptions) else { return true }
            guard let reference = strict(json, exceptions) else { return false }
            return equal(fast, reference)
        }
    }

    static let readers: [Reader] = [
        .of(.licenseIssue, LicenseRecord.self) { LicenseRecord(direct: $0, usccExceptions: $1) },
        .of(.licenseAmend, LicenseRecord.self) { LicenseRecord(direct: $0, usccExceptions: $1) },
        .of(.licenseRevoke, LicenseEndRecord.self) { LicenseEndRecord(direct: $0, usccExceptions: $1) },
        .of(.licenseCancel, LicenseEndRecord.self) { LicenseEndRecord(direct: $0, usccExceptions: $1) },
        .of(.sealIssue, SealIssueRecord.self) { SealIssueRecord(direct: $0, usccExceptions: $1) },
        .of(.sealRevoke, SealRevokeRecord.self) { json, _ in SealRevokeRecord(direct: json) },
        .of(.linkShare, LinkShareRecord.self) { LinkShareRecord(direct: $0, usccExceptions: $1) },
    ]

    /// The demo records of each covered kind plus the examples in Config/examples of those kinds.
    static func seeds() throws -> [(Reader, JSONValue)] {
        let demo = try Demo()
        var seeds = try readers.map { reader in
            (reader, try #require(demo.submission(reader.kind).json.objectValue?["record"]))
        }
        let folder = repositoryRoot.appendingPathComponent("Config/examples")
        for name in try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        where name.hasSuffix(".json") {
            let json = try JSONValue.parse(Array(try Data(contentsOf: folder.appendingPathComponent(name))))
            guard let kind = json.objectValue?["kind"]?.stringValue, let record = json.objectValue?["record"],
                  let reader = readers.first(where: { $0.kind.rawValue == kind }) else { continue }
            seeds.append((reader, record))
        }
        return seeds
    }

    @Test func validRecordsOfEveryCoveredKind_readTheSameAsTheStrictDecoder() throws {
        let seeds = try Self.seeds()
        #expect(seeds.count >= 11)  // seven demo records and at least the four examples of these kinds
        for (reader, record) in seeds {
            let fast = try #require(reader.direct(record, []), "\(reader.kind)")
            let reference = try #require(reader.strict(record, []), "\(reader.kind)")
            #expect(reader.equal(fast, reference), "\(reader.kind)")
            // Through Record.decode as well: the fast path feeds the same validate.
            #expect(throws: Never.self) { try Record.decode(kind: reader.kind, from: record) }
        }
    }

    @Test func exemptLegacyUSCC_isReadOnlyUnderTheGenesisExceptions() throws {
        let legacy = "91350100MA2YDE7W7A"  // right alphabet and length, wrong check character
        #expect(USCC.problem(legacy) == .check)
        for (reader, record) in try Self.seeds() {
            guard reader.kind != .sealRevoke else { continue }  // names no USCC
            let member = [.sealIssue, .linkShare].contains(reader.kind) ? "holder" : "uscc"
            let json = record.setting([member], to: .string(legacy))
            #expect(reader.direct(json, []) == nil, "\(reader.kind)")
            #expect(reader.strict(json, []) == nil, "\(reader.kind)")
            let fast = try #require(reader.direct(json, [legacy]), "\(reader.kind)")
            let reference = try #require(reader.strict(json, [legacy]), "\(reader.kind)")
            #expect(reader.equal(fast, reference), "\(reader.kind)")
        }
    }

    /// Values put in place of each member in turn: every JSON type, edge numbers, near-valid strings.
    static let replacements: [JSONValue?] = [
        nil, .null, .bool(true), .bool(false), .number(0), .number(-0.0), .number(1), .number(2), .number(1.5),
        .number(-1), .number(9_007_199_254_740_991), .number(9_007_199_254_740_992), .string(""), .string(" "),
        .string("2024-02-29"), .string("2023-02-29"), .string("sha256"), .string("sm3"), .string("SHA256"),
        .string("real-estate"), .string("01"), .string("demo-amr"), .string("2026-11-29T01:02:03Z"),
        .array([]), .object([:]), .object(["algorithm": "sha256"]),
    ]

    /// Every member path of `json` (objects only), outermost first.
    static func paths(_ json: JSONValue, _ prefix: [String] = []) -> [[String]] {
        guard case .object(let members) = json else { return [] }
        return members.keys.sorted().flatMap { key in [prefix + [key]] + paths(members[key] ?? .null, prefix + [key]) }
    }

    @Test func everyMemberReplacedRemovedOrJoined_directAnswersOnlyWhatTheStrictDecoderAccepts() throws {
        var cases = 0
        for (seedIndex, (reader, record)) in try Self.seeds().enumerated() {
            let objects = [[String]()] + Self.paths(record).filter { record.value(at: $0)?.objectValue != nil }
            for object in objects {
                let joined = record.setting(object + ["extra"], to: "x")
                #expect(reader.direct(joined, []) == nil, "seed \(seedIndex) extra member in \(object)")
                #expect(reader.strict(joined, []) == nil, "seed \(seedIndex) extra member in \(object)")
            }
            for path in Self.paths(record) {
                for (r, replacement) in Self.replacements.enumerated() {
                    cases += 1
                    let mutant = record.setting(path, to: replacement)
                    #expect(reader.agrees(mutant), "seed \(seedIndex) \(path) replacement \(r)")
                }
            }
        }
        #expect(cases > 1_000)
    }

    @Test func mutatedRecords_directAnswersOnlyWhatTheStrictDecoderAccepts() throws {
        let seeds = try Self.seeds()
        var rng = Mutator.Generator(seed: 0x5EC0_4D5F)
        var answered = 0, refused = 0
        for (s, (reader, record)) in seeds.enumerated() {
            let bytes = record.canonicalBytes()
            let other = seeds[(s + 1) % seeds.count].1.canonicalBytes()
            for iteration in 0..<Mutator.iterations(default: 1_000) {
                let mutant = Mutator.mutate(bytes, other: other, using: &rng)
                guard let json = try? JSONValue.parse(mutant) else { continue }
                if reader.direct(json, []) != nil { answered += 1 } else { refused += 1 }
                #expect(reader.agrees(json), "seed \(s) iteration \(iteration)")
            }
        }
        // Both outcomes occur: the mutants reach the fast read's acceptance and its refusals.
        #expect(answered > 100)
        #expect(refused > 100)
    }
}

extension JSONValue {
    /// The member at `path`, or nil.
    func value(at path: [String]) -> JSONValue? {
        path.reduce(Optional(self)) { node, key in node?.objectValue?[key] }
    }
}
