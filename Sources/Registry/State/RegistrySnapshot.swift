import CanonicalJSON
public import LedgerCrypto

/// A registry state written down at the end of a batch, so that a daemon can start from it and replay only the
/// entries after it instead of the whole log. Bound to its place in the log by the tree size and the status-map
/// root that the `map.root` entry at `size - 1` states, and to its ledger by the origin and the genesis payload;
/// its own SHA-256 (the last 32 bytes) catches a damaged file, which is then ignored, never trusted.
///
/// The encoding is binary, versioned and compact: a magic, the format version, the header, the departments with
/// their key history, then the six tables of the state (licenses, seals, nonces, documents, links, holders' seals)
/// as length-prefixed key and value bytes in the spill encoding (`SpillCoding.swift`), the operator's latest
/// witness policy (index and canonical record) if any, and the digest.
/// Identifiers are validated again when read back, as spilled values are.
public struct RegistrySnapshot: Sendable {
    /// The encoding's version: a file of another version is ignored (the daemon then replays the whole log).
    public static let formatVersion: UInt64 = 2
    static let magic = Array("CLRSNAP\n".utf8)

    /// The log's origin.
    public let origin: String
    /// The log's hash suite.
    public let hashAlgorithm: HashAlgorithm
    /// Entries the state has applied: the snapshot stands after entry `size - 1`, a `map.root` entry.
    public let size: UInt64
    /// The status-map root that the `map.root` entry at `size - 1` states.
    public let mapRoot: Hash256
    /// The payload of entry 0 (the genesis), to be compared with the log's.
    public let genesisPayload: [UInt8]
    /// The state.
    public let state: RegistryState

    /// Why a snapshot cannot be used.
    public struct Unusable: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    /// The snapshot of `state`, which must have no batch in flight and no spill, taken after the `map.root` entry
    /// stating `mapRoot`; `genesisPayload` is the log's entry 0.
    public static func encode(_ state: RegistryState, origin: String, hashAlgorithm: HashAlgorithm,
                              mapRoot: Hash256, genesisPayload: [UInt8]) throws -> [UInt8] {
        guard state.journal == nil else { throw Unusable("a state with a batch in flight is not snapshotted") }
        guard !state.licenses.isSpilled, state.keepsQueryIndexes else {
            throw Unusable("a spilled or reduced state (an audit's) is not snapshotted")
        }
        var writer = SpillWriter(capacity: 1 << 20)
        for byte in magic { writer.byte(byte) }
        writer.integer(formatVersion)
        writer.string(origin)
        writer.string(hashAlgorithm.rawValue)
        writer.integer(state.size)
        writer.hash(mapRoot)
        writer.blob(genesisPayload)
        writer.integer(UInt64(state.departments.count))
        for (_, department) in state.departments.sorted(by: { $0.key < $1.key }) {
            writer.string(department.id.value)
            writer.string(department.nameZh)
            writer.string(department.nameEn)
            let roles = department.roles.map(\.value).sorted()
            writer.integer(UInt64(roles.count))
            for role in roles { writer.string(role) }
            writer.integer(UInt64(department.keys.count))
            for (keyId, span) in department.keys.sorted(by: { $0.key < $1.key }) {
                writer.string(keyId)
                writer.blob(span.key.spkiDER)
                writer.integer(span.validFrom)
                writer.optional(span.validThrough)
            }
            writer.integer(department.registeredAt)
            writer.optional(department.retiredAt)
        }
        table(state.licenses, to: &writer)
        table(state.seals, to: &writer)
        table(state.nonces, to: &writer)
        table(state.documents, to: &writer)
        table(state.links, to: &writer)
        table(state.holderSeals, to: &writer)
        // The operator's latest witness policy (its index and record), or none.
        if let policy = state.witnessPolicy {
            writer.integer(1)
            writer.integer(policy.index)
            writer.blob(try CanonicalJSONEncoder().encode(policy.record))
        } else {
            writer.integer(0)
        }
        var bytes = writer.bytes
        bytes += HashAlgorithm.sha256.hash(bytes).bytes
        return bytes
    }

    private static func table<Key: Hashable & Sendable & SpillKey, Value: Sendable & SpillValue>(
        _ map: SpillMap<Key, Value>, to writer: inout SpillWriter) {
        writer.integer(UInt64(map.count))
        map.forEachInMemory { key, value in
            writer.blob(key.spillKey)
            writer.blob(value.spillBytes)
        }
    }

    /// Reads a snapshot; throws `Unusable` naming what is wrong (a digest that does not check, another format
    /// version, a value that does not decode).
    public init(decoding bytes: [UInt8]) throws(Unusable) {
        guard bytes.count >= Self.magic.count + 8 + 32, bytes.starts(with: Self.magic) else {
            throw Unusable("not a registry snapshot (no magic)")
        }
        let body = bytes[Self.magic.count..<bytes.count - 32]
        guard HashAlgorithm.sha256.hash(bytes[..<(bytes.count - 32)]).bytes.elementsEqual(bytes.suffix(32)) else {
            throw Unusable("its SHA-256 does not match its content: the file is damaged")
        }
        do {
            var reader = SpillReader(Array(body))
            let version = try reader.integer()
            guard version == Self.formatVersion else {
                throw Unusable("it is in format \(version); this daemon reads format \(Self.formatVersion)")
            }
            origin = try reader.string()
            guard let algorithm = HashAlgorithm(rawValue: try reader.string()) else {
                throw Unusable("it names an unknown hash suite")
            }
            hashAlgorithm = algorithm
            size = try reader.integer()
            mapRoot = try reader.hash()
            genesisPayload = Array(try reader.blob())
            state = try Self.state(size: size, genesis: genesisPayload, reader: &reader)
            guard reader.atEnd else { throw Unusable("bytes are left over after its last table") }
        } catch let error as Unusable {
            throw error
        } catch {
            throw Unusable("its content does not decode: \(error)")
        }
    }

    private static func state(size: UInt64, genesis: [UInt8], reader: inout SpillReader) throws -> RegistryState {
        var state = RegistryState()
        // The genesis sets the ledger's parameters exactly as the replay does; the departments and tables below
        // then replace what it wrote.
        let submission = try Submission(bytes: genesis, usccExceptions: [])
        guard case .ledgerGenesis = submission.record else { throw Unusable("its entry 0 is not a genesis") }
        try state.apply(submission, at: 0)
        var departments: [String: DepartmentState] = [:]
        for _ in 0..<(try count(&reader)) {
            let id = try DepartmentID(validating: try reader.string())
            let nameZh = try reader.string(), nameEn = try reader.string()
            var roles = Set<Role>()
            for _ in 0..<(try count(&reader)) { roles.insert(try Role(validating: try reader.string())) }
            var keys: [String: DepartmentState.KeySpan] = [:]
            for _ in 0..<(try count(&reader)) {
                let keyId = try reader.string()
                let key = try PublicKey(spkiDER: Array(try reader.blob()))
                guard key.keyID == keyId else { throw Unusable("department \(id.value)'s key \(keyId) is another key") }
                keys[keyId] = DepartmentState.KeySpan(key: key, validFrom: try reader.integer(),
                                                      validThrough: try reader.optional())
            }
            let registeredAt = try reader.integer(), retiredAt = try reader.optional()
            departments[id.value] = DepartmentState(id: id, nameZh: nameZh, nameEn: nameEn, roles: roles, keys: keys,
                                                    registeredAt: registeredAt, retiredAt: retiredAt)
        }
        state.departments = departments
        state.licenses = try readTable(&reader)
        state.seals = try readTable(&reader)
        state.nonces = try readTable(&reader)
        state.documents = try readTable(&reader)
        state.links = try readTable(&reader)
        state.holderSeals = try readTable(&reader)
        switch try reader.integer() {
        case 0: break
        case 1:
            let index = try reader.integer()
            let record = try CanonicalJSONDecoder(rejectUnknownKeys: true)
                .decode(WitnessPolicyRecord.self, from: Array(try reader.blob()))
            try record.validate(as: .witnessPolicy, at: "witnessPolicy")
            guard index < size else { throw Unusable("its witness policy entry \(index) is past its size \(size)") }
            state.witnessPolicy = RegistryState.WitnessPolicyEntry(index: index, record: record)
        case let other: throw Unusable("a witness-policy marker of \(other)")
        }
        state.size = size
        return state
    }

    private static func count(_ reader: inout SpillReader) throws -> Int {
        let count = try reader.integer()
        guard count < 1 << 40 else { throw Unusable("a count of \(count)") }
        return Int(count)
    }

    private static func readTable<Key: SnapshotKey, Value: Sendable & SpillValue>(_ reader: inout SpillReader) throws
        -> SpillMap<Key, Value> {
        var map = SpillMap<Key, Value>()
        let count = try count(&reader)
        map.reserveCapacity(count)
        for _ in 0..<count {
            let key = try Key(spillKey: Array(try reader.blob()))
            map[key] = try Value(spill: Array(try reader.blob()))
        }
        guard map.count == count else { throw Unusable("a table of \(count) values repeats a key") }
        return map
    }
}

/// A key of the state's tables read back from a snapshot.
protocol SnapshotKey: SpillKey, Hashable, Sendable {
    init(spillKey: [UInt8]) throws
}

extension String: SnapshotKey {
    init(spillKey: [UInt8]) throws {
        self.init(decoding: spillKey, as: UTF8.self)
    }
}

extension ContentDigest: SnapshotKey {
    init(spillKey: [UInt8]) throws {
        var reader = SpillReader(spillKey)
        self = try reader.digest()
        try reader.end()
    }
}
