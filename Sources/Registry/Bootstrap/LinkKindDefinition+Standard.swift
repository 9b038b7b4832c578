extension LinkKindDefinition {
    /// The seven link kinds with the names of Config/link-kinds.yaml, in its order: what `LedgerBootstrap` puts in
    /// a new ledger's genesis unless told otherwise.
    public static let standard: [LinkKindDefinition] = [
        (LinkKind.realEstate, "不动产登记", "Real estate registration"),
        (.housingFund, "住房公积金", "Housing provident fund"),
        (.publicResourceTrading, "公共资源交易", "Public resource trading"),
        (.taxation, "税务", "Taxation"),
        (.socialInsurance, "社会保险", "Social insurance"),
        (.medicalInsurance, "医疗保障", "Medical insurance"),
        (.bankAccount, "银行开户", "Bank account opening"),
    ].map { LinkKindDefinition(id: $0.0, nameZh: $0.1, nameEn: $0.2, role: $0.0.role) }
}
