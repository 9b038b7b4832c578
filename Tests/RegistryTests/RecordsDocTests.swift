import CanonicalJSON
import Foundation
import LedgerCrypto
import Registry
import Testing

/// docs/records.md cannot drift from the code: its examples and its bounds table are generated here from the
/// code's own encoder, and the examples as written in the file must decode, validate and verify.
///
/// After a deliberate change, regenerate with `CERTLEDGER_UPDATE_DOCS=1 swift test --filter RecordsDocTests`.
@Suite struct RecordsDocTests {
    static let file = repositoryRoot.appendingPathComponent("docs/records.md")
    static let update = ProcessInfo.processInfo.environment["CERTLEDGER_UPDATE_DOCS"] == "1"

    /// The generated regions: `<!-- BEGIN generated:NAME -->` … `<!-- END generated:NAME -->`.
    static func regions(_ demo: Demo) throws -> [(String, String)] {
        var regions = [("limits", limitsTable())]
        for kind in SubmissionKind.allCases {
            let example = try demo.submission(kind).json.pretty()
            regions.append(("example:\(kind.rawValue)", "```json\n\(example)\n```"))
        }
        return regions
    }

    static func limitsTable() -> String {
        func range(_ r: ClosedRange<Int>) -> String { "\(r.lowerBound)–\(r.upperBound)" }
        let rows: [(String, String)] = [
            ("`license.*` `name`", range(RecordLimits.entityName)),
            ("`entityType`", range(RecordLimits.entityType)),
            ("`legalRepresentative`", range(RecordLimits.legalRepresentative)),
            ("`domicile`", range(RecordLimits.domicile)),
            ("`businessScope`", range(RecordLimits.businessScope)),
            ("`authority.name`", range(RecordLimits.authorityName)),
            ("`reason` (every kind)", range(RecordLimits.reason)),
            ("`seal.issue` `name`", range(RecordLimits.sealName)),
            ("`purpose`", range(RecordLimits.purpose)),
            ("`reference` (printable ASCII, no spaces)", range(RecordLimits.reference)),
            ("`nameZh`", range(RecordLimits.nameZh)),
            ("`nameEn`", range(RecordLimits.nameEn)),
            ("`origin` (printable ASCII, no spaces or `+`)", range(RecordLimits.origin)),
            ("`keys` per department (items)", range(RecordLimits.keysPerDepartment)),
            ("`retireKeyIds` (items)", range(RecordLimits.retiredKeys)),
            ("`usccExceptions` (items)", range(RecordLimits.usccExceptions)),
            ("`version`", range(RecordLimits.version)),
            ("`nonce` (`[A-Za-z0-9_-]`)", range(Nonce.length)),
            ("department `id` (`[a-z0-9-]`)", range(DepartmentID.length)),
            ("`sealId`", range(SealID.length)),
            ("signature (bytes)", "1–\(Submission.maxSignatureBytes)"),
            ("submissions per bundle", "1–\(SubmissionBundle.maxSubmissions)"),
            ("canonical submission (bytes)", "≤ \(Submission.maxBytes)"),
            ("submission body as sent (bytes)", "≤ \(Submission.maxInputBytes)"),
            ("bundle body as sent (bytes)", "≤ \(SubmissionBundle.maxInputBytes)"),
        ]
        return (["| field | bound |", "| --- | --- |"] + rows.map { "| \($0.0) | \($0.1) |" }).joined(separator: "\n")
    }

    static func markers(_ name: String) -> (String, String) {
        ("<!-- BEGIN generated:\(name) -->\n", "\n<!-- END generated:\(name) -->")
    }

    /// The text between a region's markers.
    static func region(_ name: String, in text: String) -> String? {
        let (begin, end) = markers(name)
        guard let start = text.range(of: begin), let stop = text.range(of: end, range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<stop.lowerBound])
    }

    @Test func generatedRegions_matchTheCode() throws {
        var text = try String(contentsOf: Self.file, encoding: .utf8)
        var stale = [String]()
        for (name, content) in try Self.regions(Demo()) {
            let current = try #require(Self.region(name, in: text), "docs/records.md lacks region \(name)")
            guard current != content else { continue }
            stale.append(name)
            let (begin, end) = Self.markers(name)
            text = text.replacingOccurrences(of: begin + current + end, with: begin + content + end)
        }
        if Self.update && !stale.isEmpty {
            try text.write(to: Self.file, atomically: true, encoding: .utf8)
        } else {
            #expect(stale.isEmpty, "stale in docs/records.md: \(stale); run with CERTLEDGER_UPDATE_DOCS=1")
        }
    }

    @Test(arguments: SubmissionKind.allCases)
    func documentedExample_decodesValidatesAndVerifies(_ kind: SubmissionKind) throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        let block = try #require(Self.region("example:\(kind.rawValue)", in: text))
        let json = block.replacingOccurrences(of: "```json\n", with: "").replacingOccurrences(of: "\n```", with: "")
        let submission = try Submission(bytes: Array(json.utf8))
        #expect(submission.kind == kind)
        #expect(submission.record.kind == kind)
        let demo = try Demo()
        let (department, key) = demo.signer(for: kind)
        #expect(submission.department == department)
        #expect(submission.verifySignature(with: key.publicKey))
    }

    @Test func documentedBounds_areTheCodesBounds() throws {
        let text = try String(contentsOf: Self.file, encoding: .utf8)
        #expect(Self.region("limits", in: text) == Self.limitsTable())
        #expect(text.contains("65,335") && text.contains("134 bytes"))
    }
}
