public import Logging
public import LedgerCrypto
public import Log
public import SignedNote

/// Creates a new ledger's first entries (DESIGN.md §3, §7 `certledger init`): entry 0, the `ledger.genesis` signed
/// by the operator key, then one `department.register` per department, signed by the operator key too — all
/// sequenced through a running `Sequencer` whose gate is the `Registry` (each batch closed by a `map.root`), so that the first entries pass the same
/// checks as every later one. Creating a ledger is an explicit act: a log that already has entries is refused.
public struct LedgerBootstrap: Sendable {
    /// The department id the operator signs as (the genesis's `department`).
    public let operatorDepartment: DepartmentID
    /// Signs the genesis and the registrations; its public half is the genesis's `operatorKey`.
    public let operatorKey: PrivateKey
    public let genesis: GenesisRecord
    public let departments: [DepartmentRegisterRecord]

    /// A bootstrap; the genesis must name `operatorKey`'s public half.
    public init(operatorDepartment: DepartmentID, operatorKey: PrivateKey, genesis: GenesisRecord,
                departments: [DepartmentRegisterRecord]) throws(RegistryError) {
        guard genesis.operatorKey.keyId.value == operatorKey.publicKey.keyID else {
            throw RegistryError(.invalid, field: "record.operatorKey", "the genesis names operator key "
                                + "\(genesis.operatorKey.keyId), not the signing key \(operatorKey.publicKey.keyID)")
        }
        self.operatorDepartment = operatorDepartment
        self.operatorKey = operatorKey
        self.genesis = genesis
        self.departments = departments
    }

    /// A genesis record from the ledger's keys, validated: `checkpointKey` is the checkpoint verifier (its name is
    /// the origin), the three keys differ, and all seven link kinds are defined.
    public static func genesisRecord(
        checkpointKey: Ed25519NoteVerifier, hashSuite: HashAlgorithm = .sha256, operatorKey: PublicKey,
        receiptKey: PublicKey, linkKinds: [LinkKindDefinition] = LinkKindDefinition.standard,
        usccExceptions: [String] = []
    ) throws(RegistryError) -> GenesisRecord {
        let record = GenesisRecord(origin: checkpointKey.name, hashSuite: hashSuite,
                                   checkpointVerifierKey: checkpointKey.verifierKey,
                                   operatorKey: try KeyRecord(operatorKey), receiptKey: try KeyRecord(receiptKey),
                                   linkKinds: linkKinds, usccExceptions: usccExceptions)
        try record.validate(as: .ledgerGenesis, at: "record")
        return record
    }

    /// The signed genesis and registrations, in log order.
    public func submissions() throws -> [Submission] {
        var result = [try Submission.sign(kind: .ledgerGenesis, department: operatorDepartment, key: operatorKey,
                                          nonce: Nonce.random(), record: genesis)]
        for department in departments {
            result.append(try Submission.sign(kind: .departmentRegister, department: operatorDepartment,
                                              key: operatorKey, nonce: Nonce.random(), record: department,
                                              usccExceptions: Set(genesis.usccExceptions)))
        }
        return result
    }

    /// Sequences the genesis alone, then the registrations in groups of at most `groupSize`. The sequencer must be
    /// running (its `run()` loop) and gated by `registry`; both must be empty.
    public func run(sequencer: Sequencer, registry: Registry, groupSize: Int = 64) async throws -> [SequencedGroup] {
        guard sequencer.head.size == 0, registry.snapshot.size == 0 else {
            throw RegistryError(.conflict, "the log already has \(sequencer.head.size) entries: a ledger is created "
                                + "once, on an empty store")
        }
        let all = try submissions()
        var groups: [SequencedGroup] = []
        var start = 0
        while start < all.count {
            let group = Array(all[start..<(start == 0 ? 1 : min(all.count, start + max(1, groupSize)))])
            let checked = try group.map { submission -> CheckedSubmission in
                guard let checked = try registry.precheck(submission).checked else {
                    throw RegistryError(.conflict, "submission \(submission.nonce) is already in the log")
                }
                return checked
            }
            groups.append(try await sequencer.submit(registry.admission(for: checked)))
            start += group.count
        }
        return groups
    }
}

extension LedgerBootstrap {
    /// Writes a new ledger into an empty `store`: records the log identity, then sequences the genesis and the
    /// registrations through a sequencer gated by a fresh `Registry`, and stops it. `certledger init` and the
    /// daemon's `--dev` ledger both create ledgers this way, so a new ledger's first entries always pass the
    /// same checks as every later one.
    public func write(to store: any LogStore, identity: LogIdentity, signer: any NoteSigner,
                      verifierKey: String, logger: Logger = Logger(label: "certledger.sequencer"))
        async throws -> [SequencedGroup] {
        try await identity.record(in: store, verifierKey: verifierKey)
        let registry = Registry()
        let head = try await TreeHead.load(from: store, identity: identity)
        // The first batches end with map roots too (of the empty map: the genesis and registrations touch no
        // subject); the daemon's persistent map fills itself from the log at its first start.
        let map = try RecomputedStatusMap(store: MemoryMapNodeStore(), version: 0, versioned: false,
                                          hasher: MapHasher(identity.hashAlgorithm))
        let finisher = StatusMapFinisher(registry: registry, recomputed: map, hashAlgorithm: identity.hashAlgorithm,
                                         logger: logger)
        let sequencer = Sequencer(store: store, head: head, identity: identity, signer: signer, gate: registry,
                                  finisher: finisher, logger: logger)
        return try await withThrowingTaskGroup(of: [SequencedGroup]?.self) { group in
            group.addTask { try await sequencer.run(); return nil }
            group.addTask {
                defer { sequencer.stopIntake() }
                return try await self.run(sequencer: sequencer, registry: registry)
            }
            var result: [SequencedGroup] = []
            for try await groups in group { if let groups { result = groups } }
            return result
        }
    }
}
