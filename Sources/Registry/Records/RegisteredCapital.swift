import CanonicalJSON

/// Registered capital (注册资本): a decimal amount in the currency's major unit (yuan, not 万元) and its
/// ISO 4217 currency. The amount is a string so that no float ever rounds it: up to 15 integer digits without
/// leading zeros and at most 2 decimals (`"1000000"`, `"350.5"`, `"0.01"`).
public struct RegisteredCapital: Codable, Sendable, Hashable {
    /// Decimal amount in the major unit, e.g. `"5000000.50"`.
    public let amount: String
    /// ISO 4217 code, e.g. `CNY`.
    public let currency: String

    /// Capital as written; the license record validates it.
    public init(amount: String, currency: String) {
        self.amount = amount
        self.currency = currency
    }

    func validate(at path: @autoclosure () -> String) throws(RegistryError) {
        if let problem = Self.amountProblem(amount) {
            throw RegistryError(.invalid, field: FieldCheck.join(path(), "amount"), problem)
        }
        guard Self.currencies.contains(currency) else {
            throw RegistryError(.invalid, field: FieldCheck.join(path(), "currency"),
                                "\"\(currency)\" is not an ISO 4217 currency code (e.g. CNY, USD, EUR, HKD)")
        }
    }

    static func amountProblem(_ text: String) -> String? {
        // Read in place: the part before the first "." is the whole number, the rest (if there is a ".") the
        // fraction. 0 when both are right, 1 when the whole number is not, 2 when the fraction is not.
        var copy = text
        let verdict = copy.withUTF8 { bytes -> Int in
            let dot = bytes.firstIndex(of: UInt8(ascii: ".")) ?? bytes.count
            guard (1...15).contains(dot), bytes[..<dot].allSatisfy(FieldCheck.isDigit),
                  dot == 1 || bytes[0] != UInt8(ascii: "0") else { return 1 }
            guard dot < bytes.count else { return 0 }
            let fraction = bytes[(dot + 1)...]
            return (1...2).contains(fraction.count) && fraction.allSatisfy(FieldCheck.isDigit) ? 0 : 2
        }
        switch verdict {
        case 1: return "an amount is 1–15 digits without leading zeros and an optional fraction, found \(FieldCheck.quote(text))"
        case 2: return "an amount has at most 2 decimals, found \(FieldCheck.quote(text))"
        default: return nil
        }
    }

    /// ISO 4217 currency codes in current use (precious metals, funds, test and "no currency" codes excluded:
    /// capital is not registered in them).
    static let currencies: Set<String> = Set("""
        AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BRL BSD BTN BWP BYN BZD CAD \
        CDF CHF CLP CNY COP CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF GTQ \
        GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR \
        LRD LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN \
        PGK PHP PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SLL SOS SRD SSP STN SVC SYP SZL \
        THB TJS TMT TND TOP TRY TTD TWD TZS UAH UGX USD UYU UZS VED VES VND VUV WST XAF XCD XCG XOF XPF YER ZAR \
        ZMW ZWG ZWL
        """.split(separator: " ").map(String.init))
}

extension RegisteredCapital {
    /// The capital read straight from `{"amount","currency"}` (see `DirectMembers`); `validate` checks both.
    init?<Value: DirectJSON>(direct value: Value?) {
        guard var m = DirectMembers(value, count: 2), let amount = m.string("amount"),
              let currency = m.string("currency") else { return nil }
        self.init(amount: amount, currency: currency)
    }
}
