import LedgerCrypto

/// The compact binary form of the state's values in a spill (`SpillMap`): fixed-width integers, length-prefixed
/// strings. Identifiers are re-validated when read back, so a damaged scratch file is an error, not a wrong state.
struct SpillWriter {
    private(set) var bytes: [UInt8] = []

    /// Room for a typical value up front: one allocation per spilled value rather than one per doubling.
    init(capacity: Int = 128) {
        bytes.reserveCapacity(capacity)
    }

    mutating func integer(_ value: UInt64) {
        withUnsafeBytes(of: value.littleEndian) { bytes += $0 }
    }

    mutating func optional(_ value: UInt64?) {
        bytes.append(value == nil ? 0 : 1)
        if let value { integer(value) }
    }

    mutating func string(_ text: String) {
        integer(UInt64(text.utf8.count))
        bytes += text.utf8
    }

    mutating func optionalString(_ text: String?) {
        bytes.append(text == nil ? 0 : 1)
        if let text { string(text) }
    }

    mutating func integers(_ values: [UInt64]) {
        integer(UInt64(values.count))
        for value in values { integer(value) }
    }

    mutating func digest(_ digest: ContentDigest) {
        string(digest.algorithm.rawValue)
        hash(digest.digest)
    }

    /// The 32 bytes, copied straight from the inline hash.
    mutating func hash(_ hash: Hash256) {
        hash.withUnsafeBytes { bytes += $0 }
    }

    mutating func byte(_ value: UInt8) {
        bytes.append(value)
    }

    /// Length-prefixed bytes.
    mutating func blob(_ data: some Collection<UInt8>) {
        integer(UInt64(data.count))
        bytes += data
    }
}

struct SpillReader {
    struct Damaged: Error, CustomStringConvertible {
        let description: String
    }

    private let bytes: [UInt8]
    private var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    private mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, bytes.count - offset >= count else {
            throw Damaged(description: "a spilled value ends after \(bytes.count) bytes, \(count) more expected")
        }
        defer { offset += count }
        return bytes[offset..<offset + count]
    }

    mutating func integer() throws -> UInt64 {
        guard bytes.count - offset >= 8 else {
            throw Damaged(description: "a spilled value ends after \(bytes.count) bytes, 8 more expected")
        }
        let value = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: UInt64.self) }
        offset += 8
        return UInt64(littleEndian: value)
    }

    mutating func optional() throws -> UInt64? {
        try take(1).first == 1 ? try integer() : nil
    }

    mutating func string() throws -> String {
        let count = try integer()
        guard count <= UInt64(bytes.count) else { throw Damaged(description: "a spilled string of \(count) bytes") }
        return String(decoding: try take(Int(count)), as: UTF8.self)
    }

    /// Length-prefixed bytes (`SpillWriter.blob`).
    mutating func blob() throws -> ArraySlice<UInt8> {
        let count = try integer()
        guard count <= UInt64(bytes.count) else { throw Damaged(description: "a spilled blob of \(count) bytes") }
        return try take(Int(count))
    }

    /// A hash's 32 bytes (`SpillWriter.hash`), copied straight into the inline hash: a snapshot holds millions,
    /// and `Hash256(bytes:)` is generic across the module boundary (a metadata look-up per call).
    mutating func hash() throws -> Hash256 {
        guard bytes.count - offset >= 32 else {
            throw Damaged(description: "a spilled value ends after \(bytes.count) bytes, 32 more expected")
        }
        var hash = Hash256()
        let start = offset
        hash.withUnsafeMutableBytes { target in
            bytes.withUnsafeBytes { source in
                target.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[start..<start + 32]))
            }
        }
        offset += 32
        return hash
    }

    /// Whether every byte was read.
    var atEnd: Bool { offset == bytes.count }

    mutating func optionalString() throws -> String? {
        try take(1).first == 1 ? try string() : nil
    }

    mutating func integers() throws -> [UInt64] {
        let count = try integer()
        guard count <= UInt64(bytes.count / 8) else { throw Damaged(description: "a spilled list of \(count)") }
        return try (0..<Int(count)).map { _ in try integer() }
    }

    mutating func digest() throws -> ContentDigest {
        guard let algorithm = HashAlgorithm(rawValue: try string()) else {
            throw Damaged(description: "a spilled content digest is not one")
        }
        return ContentDigest(algorithm: algorithm, digest: try hash())
    }

    /// Every byte was read.
    func end() throws {
        guard offset == bytes.count else {
            throw Damaged(description: "a spilled value has \(bytes.count - offset) bytes left over")
        }
    }
}

extension USCC {
    /// A USCC read back from a spill: it passed the ledger's rules (or the genesis's exceptions) when it was applied.
    init(spilled text: String) throws {
        try self.init(text, exceptions: [text])
    }
}

extension ContentDigest: SpillKey {
    var spillKey: [UInt8] {
        var writer = SpillWriter()
        writer.digest(self)
        return writer.bytes
    }
}

extension RegistryState.NonceRecord: SpillValue {
    var spillBytes: [UInt8] {
        var writer = SpillWriter(capacity: 40)
        writer.integer(index)
        writer.hash(digest)
        return writer.bytes
    }

    init(spill bytes: [UInt8]) throws {
        guard bytes.count == 40 else {
            throw SpillReader.Damaged(description: "a spilled nonce record is \(bytes.count) bytes, not 40")
        }
        var reader = SpillReader(bytes)
        self.init(index: try reader.integer(), digest: try reader.hash())
    }
}

extension RegistryState.DocumentRef: SpillValue {
    var spillBytes: [UInt8] {
        var writer = SpillWriter()
        writer.string(uscc.value)
        writer.integer(index)
        writer.integer(UInt64(version))
        return writer.bytes
    }

    init(spill bytes: [UInt8]) throws {
        var reader = SpillReader(bytes)
        self.init(uscc: try USCC(spilled: try reader.string()), index: try reader.integer(),
                  version: Int(try reader.integer()))
        try reader.end()
    }
}

extension LicenseState: SpillValue {
    var spillBytes: [UInt8] {
        var writer = SpillWriter()
        writer.string(uscc.value)
        writer.string(status.rawValue)
        writer.integer(UInt64(version))
        writer.integer(currentIndex)
        writer.digest(document)
        writer.optionalString(termEnd?.value)
        writer.optional(endIndex)
        writer.optionalString(endEffectiveOn?.value)
        writer.integers(history)
        return writer.bytes
    }

    init(spill bytes: [UInt8]) throws {
        var reader = SpillReader(bytes)
        let uscc = try USCC(spilled: try reader.string())
        guard let status = Status(rawValue: try reader.string()) else {
            throw SpillReader.Damaged(description: "a spilled license has an unknown status")
        }
        let version = Int(try reader.integer()), currentIndex = try reader.integer(), document = try reader.digest()
        let termEnd = try reader.optionalString().map { try CalendarDate(validating: $0) }
        let endIndex = try reader.optional()
        let endEffectiveOn = try reader.optionalString().map { try CalendarDate(validating: $0) }
        self.init(uscc: uscc, status: status, version: version, currentIndex: currentIndex, document: document,
                  termEnd: termEnd, endIndex: endIndex, endEffectiveOn: endEffectiveOn, history: try reader.integers())
        try reader.end()
    }
}

extension SealState: SpillValue {
    var spillBytes: [UInt8] {
        var writer = SpillWriter()
        writer.string(sealId.value)
        writer.string(holder.value)
        writer.string(sealType.value)
        writer.string(validFrom.value)
        writer.string(validTo.value)
        writer.integer(issueIndex)
        writer.optional(revokeIndex)
        writer.optionalString(revokedOn?.value)
        writer.integers(history)
        return writer.bytes
    }

    init(spill bytes: [UInt8]) throws {
        var reader = SpillReader(bytes)
        let sealId = try SealID(validating: try reader.string()), holder = try USCC(spilled: try reader.string())
        let sealType = try SealType(validating: try reader.string())
        let validFrom = try CalendarDate(validating: try reader.string())
        let validTo = try CalendarDate(validating: try reader.string())
        let issueIndex = try reader.integer(), revokeIndex = try reader.optional()
        let revokedOn = try reader.optionalString().map { try CalendarDate(validating: $0) }
        self.init(sealId: sealId, holder: holder, sealType: sealType, validFrom: validFrom, validTo: validTo,
                  issueIndex: issueIndex, revokeIndex: revokeIndex, revokedOn: revokedOn, history: try reader.integers())
        try reader.end()
    }
}

/// An element of a spilled list.
protocol SpillElement {
    func write(to writer: inout SpillWriter)
    static func read(from reader: inout SpillReader) throws -> Self
}

extension UInt64: SpillElement {
    func write(to writer: inout SpillWriter) { writer.integer(self) }
    static func read(from reader: inout SpillReader) throws -> UInt64 { try reader.integer() }
}

extension SealID: SpillElement {
    func write(to writer: inout SpillWriter) { writer.string(value) }
    static func read(from reader: inout SpillReader) throws -> SealID { try SealID(validating: try reader.string()) }
}

extension Array: SpillValue where Element: SpillElement {
    var spillBytes: [UInt8] {
        var writer = SpillWriter()
        writer.integer(UInt64(count))
        for element in self { element.write(to: &writer) }
        return writer.bytes
    }

    init(spill bytes: [UInt8]) throws {
        var reader = SpillReader(bytes)
        let count = try reader.integer()
        guard count <= UInt64(bytes.count) else { throw SpillReader.Damaged(description: "a spilled list of \(count)") }
        self = try (0..<Int(count)).map { _ in try Element.read(from: &reader) }
        try reader.end()
    }
}
