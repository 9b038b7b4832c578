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

    func validate(at path: String) throws(RegistryError) {
        if let problem = Self.amountProblem(amount) {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "amount"), problem)
        }
        guard Self.currencies.contains(currency) else {
            throw RegistryError(.invalid, field: FieldCheck.join(path, "currency"),
                                "\"\(currency)\" is not an ISO 4217 currency code (e.g. CNY, USD, EUR, HKD)")
        }
    }

    static func amountProblem(_ text: String) -> String? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        let whole = Array(parts[0].utf8)
        guard (1...15).contains(whole.count), whole.allSatisfy(FieldCheck.isDigit),
              whole.count == 1 || whole[0] != UInt8(ascii: "0") else {
            return "an amount is 1–15 digits without leading zeros and an optional fraction, found \"\(text)\""
        }
        if parts.count == 2 {
            let fraction = Array(parts[1].utf8)
            guard (1...2).contains(fraction.count), fraction.allSatisfy(FieldCheck.isDigit) else {
                return "an amount has at most 2 decimals, found \"\(text)\""
            }
        }
        return nil
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
        guard let m = DirectMembers(value, count: 2), let amount = m.string("amount"),
              let currency = m.string("currency") else { return nil }
        self.init(amount: amount, currency: currency)
    }
}
