import Foundation
import Hummingbird
import LedgerCrypto
import LedgerServer
import Log
import SignedNote
import Testing

/// Over a real socket on 127.0.0.1 (`.live`): a client that trusts nothing but the checkpoint key fetches the
/// checkpoint and the tiles, recomputes the root and compares.
@Suite struct LiveServerTests {
    @Test(arguments: [1, 256, 300, 513])
    func tilesFetchedOverHTTP_recomputeTheCheckpointRoot(size: Int) async throws {
        let log = try await TestLedger.make(entries: size)
        defer { log.remove() }
        try await log.withLiveClient { client in
            let hasher = MerkleHasher(.sha256)
            let note = try await client.execute(uri: "/checkpoint", method: .get) { $0.body.bytes }
            let checkpoint = try SignedCheckpoint(opening: note, logVerifier: log.verifier).checkpoint
            #expect(checkpoint.size == UInt64(size))

            // Level 0: every tile the tree has, full ones then the partial one (C2SP tlog-tiles).
            var leaves: [Hash256] = []
            for path in TileLayout.tiles(treeSize: checkpoint.size) where path.level == 0 {
                let bytes = try await client.execute(uri: "/" + path.path, method: .get) { response in
                    #expect(response.status == .ok, "\(path)")
                    return response.body.bytes
                }
                #expect(bytes.count == path.width * 32)
                leaves += stride(from: 0, to: bytes.count, by: 32).compactMap {
                    Hash256(bytes: Array(bytes[$0..<($0 + 32)]))
                }
                // The entry bundle over the same range hashes to the same leaves.
                let bundlePath = try TilePath.entries(index: path.index, width: path.width).path
                let bundle = try await client.execute(uri: "/" + bundlePath, method: .get) { $0.body.bytes }
                let bundleLeaves = try EntryBundle.decode(bundle).map { hasher.leafHash($0) }
                #expect(bundleLeaves == Array(leaves.suffix(path.width)))
            }
            #expect(leaves.count == size)
            #expect(hasher.rootHash(of: leaves) == checkpoint.rootHash)

            // Level 1, where the tree has it: each hash is the root of one full level-0 tile.
            for path in TileLayout.tiles(treeSize: checkpoint.size) where path.level == 1 {
                let bytes = try await client.execute(uri: "/" + path.path, method: .get) { $0.body.bytes }
                for i in 0..<path.width {
                    let first = (Int(path.index) * 256 + i) * 256
                    #expect(Array(bytes[(i * 32)..<(i * 32 + 32)])
                            == hasher.rootHash(of: leaves[first..<(first + 256)]).bytes)
                }
            }
        }
    }
}
