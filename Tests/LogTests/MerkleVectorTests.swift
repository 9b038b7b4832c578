import Foundation
import Testing
import LedgerCrypto
@testable import Log

/// Decodes a vector file from `Tests/Vectors` (public test data, see each file's `description` / `source`).
func merkleVector<T: Decodable>(_ name: String, as type: T.Type) throws -> T {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Vectors").appendingPathComponent(name)
    return try JSONDecoder().decode(T.self, from: Data(contentsOf: url))
}

/// `merkle-rfc9162.json`: the RFC 6962/9162 reference tree of 8 leaves (hex).
struct RFC9162Vectors: Decodable {
    struct Inclusion: Decodable { let index: UInt64, size: UInt64, proof: [String] }
    struct Consistency: Decodable { let size1: UInt64, size2: UInt64, proof: [String] }
    let leafInputs: [String]
    let leafHashes: [String]
    let roots: [String: String]
    let inclusion: [Inclusion]
    let consistency: [Consistency]
}

/// `merkle-testdata.json`: transparency-dev/merkle's proof vectors and their mutations (base64, `wantErr`).
struct TransparencyDevVectors: Decodable {
    struct Inclusion: Decodable {
        let desc: String, file: String, leafHash: String, leafIdx: UInt64, proof: [String]?, root: String
        let treeSize: UInt64, wantErr: Bool
    }
    struct Consistency: Decodable {
        let desc: String, file: String, proof: [String]?, root1: String, root2: String
        let size1: UInt64, size2: UInt64, wantErr: Bool
    }
    let inclusion: [Inclusion]
    let consistency: [Consistency]
    let rfc6962_leaves_hex: [String]
    let rfc6962_roots_hex: [String]
}

/// How one vector case came out: accepted, refused by verdict, or refused as malformed (with the error code).
enum VectorOutcome: Hashable {
    case valid
    case mismatch
    case error(MerkleError.Code)

    init(_ body: () throws(MerkleError) -> MerkleVerdict) {
        do {
            self = try body().isValid ? .valid : .mismatch
        } catch {
            self = .error(error.code)
        }
    }
}

private func hex(_ text: String) throws -> Hash256 { try #require(Hash256(hex: text)) }

private func base64(_ text: String) throws -> [UInt8] { try #require(Base64.decode(text)) }

@Suite struct MerkleVectorTests {
    let hasher = MerkleHasher()

    @Test func rfc9162ReferenceTree_leafHashesRootsAndProofsMatch() throws {
        let v = try merkleVector("merkle-rfc9162.json", as: RFC9162Vectors.self)
        let leaves = try v.leafInputs.map { hasher.leafHash(try #require(Hex.decode($0))) }
        #expect(try leaves == v.leafHashes.map(hex))
        #expect(v.roots.count == 9)
        for (size, root) in v.roots {
            let n = try #require(Int(size))
            #expect(try hasher.rootHash(of: leaves[0..<n]) == hex(root), "size \(n)")
            #expect(try TreeEdge(size: 0, tiles: [:]).rootHash(using: hasher) == hex(v.roots["0"] ?? ""))
        }
        #expect(v.inclusion.count == 5)
        for c in v.inclusion {
            let proof = try c.proof.map(hex)
            #expect(try hasher.inclusionProof(index: c.index, treeSize: c.size, leafHashes: leaves) == proof)
            let root = try hex(v.roots[String(c.size)] ?? "")
            #expect(try hasher.verifyInclusion(leafHash: leaves[Int(c.index)], index: c.index, treeSize: c.size,
                                               proof: proof, rootHash: root) == .valid)
        }
        #expect(v.consistency.count == 4)
        for c in v.consistency {
            let proof = try c.proof.map(hex)
            #expect(try hasher.consistencyProof(size1: c.size1, size2: c.size2, leafHashes: leaves) == proof)
            let root1 = try hex(v.roots[String(c.size1)] ?? ""), root2 = try hex(v.roots[String(c.size2)] ?? "")
            #expect(try hasher.verifyConsistency(size1: c.size1, size2: c.size2, proof: proof,
                                                 root1: root1, root2: root2) == .valid)
        }
    }

    @Test func hasher_separatesLeavesFromNodes_forBothHashSuites() throws {
        for algorithm in HashAlgorithm.allCases {
            let h = MerkleHasher(algorithm)
            let a = algorithm.hash(Array("a".utf8)), b = algorithm.hash(Array("b".utf8))
            #expect(h.emptyRoot() == algorithm.hash([UInt8]()))
            #expect(h.leafHash(Array("x".utf8)) == algorithm.hash([0x00] + Array("x".utf8)))
            #expect(h.nodeHash(a, b) == algorithm.hash([0x01] + a.bytes + b.bytes))
            #expect(h.nodeHash(a, b) != h.nodeHash(b, a))
            #expect(h.rootHash(of: [a, b, a]) == h.nodeHash(h.nodeHash(a, b), a))
        }
    }

    /// Every case of transparency-dev's inclusion vectors: the happy paths verify (and are what we generate),
    /// every `wantErr` mutation is refused.
    @Test func transparencyDevInclusionVectors_everyCaseHonoured() throws {
        let v = try merkleVector("merkle-testdata.json", as: TransparencyDevVectors.self)
        #expect(v.inclusion.count == 98)
        #expect(v.inclusion.filter(\.wantErr).count == 92)
        var outcomes: [VectorOutcome: Int] = [:]
        for c in v.inclusion {
            let raw = try (leaf: base64(c.leafHash), root: base64(c.root), proof: (c.proof ?? []).map(base64))
            let outcome = VectorOutcome { () throws(MerkleError) in
                try hasher.verifyInclusion(
                    leafHash: Hash256(merkleBytes: raw.leaf, field: "leafHash"), index: c.leafIdx,
                    treeSize: c.treeSize, proof: Hash256.proofElements(raw.proof),
                    rootHash: Hash256(merkleBytes: raw.root, field: "root"))
            }
            #expect((outcome != .valid) == c.wantErr, "\(c.file): \(outcome)")
            outcomes[outcome, default: 0] += 1
        }
        // Which check refuses what: a change here means a check moved (e.g. a length error became a mismatch).
        #expect(outcomes == [.valid: 6, .mismatch: 29, .error(.proofLength): 26,
                             .error(.indexOutOfRange): 11, .error(.malformedHash): 26])
    }

    /// Every case of transparency-dev's consistency vectors. One deliberate divergence: "sizes are equal (one)
    /// and proof is empty" gives two equal 12-byte roots and expects success; our roots are typed 32-byte
    /// hashes, so those bytes are refused as malformed before any comparison. The same case with real roots
    /// succeeds.
    @Test func transparencyDevConsistencyVectors_everyCaseHonoured() throws {
        let v = try merkleVector("merkle-testdata.json", as: TransparencyDevVectors.self)
        #expect(v.consistency.count == 98)
        #expect(v.consistency.filter(\.wantErr).count == 92)
        let divergent = "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json"
        var outcomes: [VectorOutcome: Int] = [:]
        for c in v.consistency {
            let raw = try (root1: base64(c.root1), root2: base64(c.root2), proof: (c.proof ?? []).map(base64))
            let outcome = VectorOutcome { () throws(MerkleError) in
                try hasher.verifyConsistency(
                    size1: c.size1, size2: c.size2, proof: Hash256.proofElements(raw.proof),
                    root1: Hash256(merkleBytes: raw.root1, field: "root1"),
                    root2: Hash256(merkleBytes: raw.root2, field: "root2"))
            }
            if c.file == divergent {
                #expect(!c.wantErr && raw.root1 == raw.root2 && raw.root1.count == 12)
                #expect(outcome == .error(.malformedHash))
                let root = hasher.leafHash(raw.root1)
                #expect(try hasher.verifyConsistency(size1: 1, size2: 1, proof: [], root1: root, root2: root) == .valid)
            } else {
                #expect((outcome != .valid) == c.wantErr, "\(c.file): \(outcome)")
            }
            outcomes[outcome, default: 0] += 1
        }
        #expect(outcomes == [.valid: 5, .mismatch: 15, .error(.proofLength): 46, .error(.sizeOutOfRange): 2,
                             .error(.emptyTree): 3, .error(.malformedHash): 27])
    }

    /// The vectors' happy paths are proofs over the RFC 6962 reference tree: we must generate exactly them.
    @Test func transparencyDevHappyPaths_areTheProofsWeGenerate() throws {
        let v = try merkleVector("merkle-testdata.json", as: TransparencyDevVectors.self)
        let leaves = try v.rfc6962_leaves_hex.map { hasher.leafHash(try #require(Hex.decode($0))) }
        for (n, root) in v.rfc6962_roots_hex.enumerated() {
            #expect(try hasher.rootHash(of: leaves[0..<n]) == hex(root))
        }
        let inclusion = v.inclusion.filter { $0.desc == "happy path" }
        let consistency = v.consistency.filter { $0.desc == "happy path" }
        #expect(inclusion.count == 5 && consistency.count == 5)
        for c in inclusion {
            let want = try Hash256.proofElements((c.proof ?? []).map(base64))
            #expect(try hasher.inclusionProof(index: c.leafIdx, treeSize: c.treeSize, leafHashes: leaves) == want)
        }
        for c in consistency {
            let want = try Hash256.proofElements((c.proof ?? []).map(base64))
            #expect(try hasher.consistencyProof(size1: c.size1, size2: c.size2, leafHashes: leaves) == want)
        }
    }
}
