import Testing
@testable import Registry

@Suite struct USCCTests {
    /// Published codes (the GB 32100-2015 example and well-known companies).
    let valid = ["91350100M000100Y43", "91110000802100433B", "914403001922038216", "91310000717854505W"]

    @Test func validCodes_areAccepted() throws {
        for code in valid { #expect(try USCC(code).value == code) }
        #expect(USCC.weights == [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28])
    }

    /// The check reads the authority codes and the organisation weights from switches: they must be the tables.
    @Test func inlineTables_equalTheStandardsTables() {
        for byte in 0...255 {
            #expect(USCC.isAuthority(UInt8(byte)) == USCC.authorities.contains(UInt8(byte)), "\(byte)")
        }
        #expect((0..<8).map(USCC.organisationWeight) == USCC.organisationWeights)
    }

    @Test func eachKindOfMistake_isNamed() {
        let cases: [(String, USCC.Problem)] = [
            ("91350100M000100Y4", .length), ("91350100M000100Y433", .length), ("", .length),
            ("91350100M000100YI3", .character), ("91350100m000100Y43", .character),
            ("91350100M000100Y4Z", .character), ("9135010 M000100Y43", .character),
            ("B1350100M000100Y43", .authority),
            ("9135A100M000100Y43", .division),
            ("91350100M000101Y43", .organisationCheck),
            ("91350100M000100Y44", .check),
        ]
        for (code, want) in cases {
            #expect(USCC.problem(code) == want, "\(code)")
            #expect(throws: RegistryError.self) { try USCC(code) }
        }
    }

    @Test func everySingleCharacterChange_isCaught() {
        // The mod-31 check catches any single substitution.
        let code = Array(valid[0])
        let alphabet = Array("0123456789ABCDEFGHJKLMNPQRTUWXY")
        for i in 0..<18 {
            for ch in alphabet where ch != code[i] {
                var changed = code
                changed[i] = ch
                #expect(USCC.problem(String(changed)) != nil, "\(String(changed))")
            }
        }
    }

    @Test func exceptionList_admitsLegacyCodeButNotBadAlphabet() throws {
        let legacy = "91350100M000100Y44"
        #expect(throws: RegistryError.self) { try USCC(legacy) }
        #expect(try USCC(legacy, exceptions: [legacy]).value == legacy)
        #expect(throws: RegistryError.self) { try USCC("91350100M000100YI4", exceptions: ["91350100M000100YI4"]) }
    }
}
