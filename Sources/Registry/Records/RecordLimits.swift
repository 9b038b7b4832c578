/// Length bounds of every free-text field and list, in Unicode scalars (a CJK character counts one). They are
/// generous for real registers (the longest Chinese business scopes run to a few thousand characters) and
/// small enough that a record of maximal fields still fits in one log entry; docs/records.md lists them.
public enum RecordLimits {
    /// Entity name (企业名称); names are capped at 100 characters by most registration rules, 200 leaves room.
    public static let entityName = 1...200
    /// Entity type (类型), e.g. 有限责任公司（自然人投资或控股）.
    public static let entityType = 1...100
    /// Legal representative (法定代表人) or person in charge.
    public static let legalRepresentative = 1...100
    /// Domicile (住所).
    public static let domicile = 1...300
    /// Business scope (经营范围).
    public static let businessScope = 1...4000
    /// Registration authority name (登记机关).
    public static let authorityName = 1...100
    /// A reason for a revocation, cancellation or retirement.
    public static let reason = 1...500
    /// A seal's name as engraved (印章名称).
    public static let sealName = 1...100
    /// The purpose of a data-sharing link.
    public static let purpose = 1...200
    /// The other system's reference number of a shared record (ASCII, no spaces).
    public static let reference = 1...64
    /// A department's Chinese name.
    public static let nameZh = 1...100
    /// A department's English name.
    public static let nameEn = 1...200
    /// A ledger origin (C2SP tlog-checkpoint origin line).
    public static let origin = 1...255
    /// Keys listed in one `department.register`.
    public static let keysPerDepartment = 1...8
    /// Keys retired by one `department.rotate-key`.
    public static let retiredKeys = 0...8
    /// Exempted legacy USCCs listed in the genesis. Large enough that a genesis can overflow an entry: the size
    /// limit, not this count, is the final word.
    public static let usccExceptions = 0...4096
    /// Amendment numbers (`version`).
    public static let version = 1...1_000_000
}
