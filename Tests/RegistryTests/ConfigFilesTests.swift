import CanonicalJSON
import Foundation
import LedgerCrypto
import Registry
import Testing

/// Config/link-kinds.yaml and Config/departments.example.yaml agree with the Swift types (full YAML parsing is
/// later work; these files use only the small block-list subset read here).
@Suite struct ConfigFilesTests {
    /// Reads `key:` followed by `- a: b` items with `c: d` or `c: [x, y]` members.
    static func items(_ file: String, list: String) throws -> [[String: String]] {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent("Config/\(file)"), encoding: .utf8)
        var items = [[String: String]](), inList = false
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if !raw.hasPrefix(" ") { inList = line == list + ":"; continue }
            guard inList else { continue }
            var member = line
            if member.hasPrefix("- ") {
                items.append([:])
                member.removeFirst(2)
            }
            let parts = member.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(parts.count == 2 && !items.isEmpty, "unreadable line \(line)")
            items[items.count - 1][parts[0]] = parts[1]
        }
        return items
    }

    static func flowList(_ text: String?) -> [String] {
        guard let text, text.hasPrefix("["), text.hasSuffix("]") else { return [] }
        return text.dropFirst().dropLast().split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
    }

    @Test func linkKindsFile_listsTheSevenKindsWithTheirRoles() throws {
        let items = try Self.items("link-kinds.yaml", list: "linkKinds")
        #expect(items.map { $0["id"] } == LinkKind.allCases.map(\.rawValue))
        let definitions = try items.map { item in
            let kind = try LinkKind(validating: item["id"] ?? "")
            return LinkKindDefinition(id: kind, nameZh: item["nameZh"] ?? "", nameEn: item["nameEn"] ?? "",
                                      role: try Role(validating: item["role"] ?? ""))
        }
        // The examples' genesis uses exactly these definitions, and validates.
        #expect(definitions == Demo.linkKinds)
        let genesis = try CanonicalJSONEncoder().encodeValue(try Demo().genesis())
        #expect(try Record.decode(kind: .ledgerGenesis, from: genesis).kind == .ledgerGenesis)
    }

    @Test func departmentsExample_isAValidDemoCity() throws {
        let items = try Self.items("departments.example.yaml", list: "departments")
        let key = try PrivateKey.generate(.ed25519)
        var roles = [Role]()
        for item in items {
            let keyFiles = Self.flowList(item["keys"])
            // Public key files as `certledger keygen --out X` writes them: X.pub.
            #expect((1...8).contains(keyFiles.count) && keyFiles.allSatisfy { $0.hasSuffix(".pub") }, "\(item)")
            // Each entry, as `certledger init` will register it, is a valid department.register record.
            let record = DepartmentRegisterRecord(
                id: try DepartmentID(validating: item["id"] ?? ""), nameZh: item["nameZh"] ?? "",
                nameEn: item["nameEn"] ?? "", roles: try Self.flowList(item["roles"]).map(Role.init(validating:)),
                keys: [try KeyRecord(key.publicKey)])
            _ = try Record.decode(kind: .departmentRegister, from: try CanonicalJSONEncoder().encodeValue(record))
            roles += record.roles
        }
        let ids = items.compactMap { $0["id"] }
        #expect(Set(ids).count == items.count)
        // Every role of the demo city is held by exactly one department.
        #expect(roles.count == Role.allCases.count && Set(roles) == Set(Role.allCases))
        // The departments the documentation's examples sign as are all there.
        for kind in SubmissionKind.allCases {
            #expect(ids.contains(try Demo().signer(for: kind).0.value), "\(kind)")
        }
        #expect(ids.contains("demo-bank"))
    }
}
