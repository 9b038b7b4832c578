import ArgumentParser
import Foundation
import LedgerCrypto
import Log

extension CertLedgerBench {
    /// The status map alone: builds maps of N keys in memory, then measures incremental batch updates (keys/s),
    /// proof depth and JSON size (present and absent keys), proof generation and verification time, and memory.
    struct MapBench: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "map",
            abstract: "Build status maps of N keys and measure updates, proof sizes and verification."
        )

        @Option(help: "Map sizes, comma-separated.")
        var keys = "1000000,10000000"

        @Option(help: "Keys per batch while building (sorted key ranges, so each batch is a fresh region).")
        var buildBatch = 1_000_000

        @Option(help: "Changed keys per update batch (half new keys, half new values of existing ones).")
        var batch = 1_000

        @Option(help: "Update batches to time.")
        var batches = 200

        @Option(help: "Proofs to measure (half present keys, half absent).")
        var proofs = 20_000

        func run() throws {
            var sizes: [Int] = []
            for text in keys.split(separator: ",") {
                guard let count = Int(text.trimmingCharacters(in: .whitespaces)), count > 0 else {
                    throw ValidationError("bad map size \(text)")
                }
                sizes.append(count)
            }
            // One column per size, one row per metric: a Markdown table for BENCHMARKS.md.
            var columns: [[(String, String)]] = []
            for count in sizes {
                columns.append(try measure(count))
                FileHandle.standardError.write(Data("map of \(count) keys measured\n".utf8))
            }
            print("| metric | " + sizes.map { "\($0) keys" }.joined(separator: " | ") + " |")
            print("| --- |" + String(repeating: " --- |", count: sizes.count))
            for (row, (name, _)) in (columns.first ?? []).enumerated() {
                print("| \(name) | " + columns.map { $0[row].1 }.joined(separator: " | ") + " |")
            }
            print("\nUpdate batches of \(batch) keys (half new keys, half new values), \(batches) batches; proofs: "
                + "\(proofs / 2) present and \(proofs / 2) absent keys, JSON as `MapProof.canonicalJSON`; "
                + "verification on one core, from a decoded proof (key hashing included) and from its JSON text.")
        }

        private func seconds(_ duration: Duration) -> Double {
            Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
        }

        private func value(_ n: Int, version: Int) -> [UInt8] {
            Array(#"{"current":\#(n * 7 + version),"status":"live"}"#.utf8)
        }

        private func measure(_ count: Int) throws -> [(String, String)] {
            var rows: [(String, String)] = []
            let hasher = MapHasher()
            let clock = ContinuousClock()
            let rss0 = Memory.rssKB

            var t = clock.now
            var changes = (0..<count).map { n in
                MapChange(key: hasher.treeKey("license:\(n)"), valueHash: hasher.valueHash(value(n, version: 0)))
            }
            changes.sort { $0.key.lexicographicallyPrecedes($1.key) }
            let prepared = seconds(clock.now - t)

            t = clock.now
            var map = try SparseMerkleMap(store: MemoryMapNodeStore(capacity: count * 5 / 2), hasher: hasher)
            var start = 0
            while start < count {
                let end = min(start + buildBatch, count)
                try map.update(Array(changes[start..<end]))
                start = end
            }
            let built = seconds(clock.now - t)
            changes = []
            let rssBuilt = Memory.rssKB
            rows.append(("build from empty (batches of \(buildBatch) sorted keys)", String(format: "%.1f s "
                + "(%.0f keys/s; key hashing and sort %.1f s more)", built, Double(count) / built, prepared)))
            rows.append(("nodes stored", String(format: "%d (%.2f per key)", map.store.count,
                                                Double(map.store.count) / Double(count))))
            rows.append(("memory after build", String(format: "RSS +%d MiB (%.0f bytes per key)",
                (rssBuilt - rss0) / 1024, Double(rssBuilt - rss0) * 1024 / Double(count))))

            // Incremental updates: each batch half new keys, half new values of random existing keys.
            var rng = SystemRandomNumberGenerator()
            var next = count
            var total = 0
            t = clock.now
            for version in 1...batches {
                var changed: [MapChange] = []
                changed.reserveCapacity(batch)
                for i in 0..<batch {
                    if i % 2 == 0 {
                        changed.append(MapChange(key: hasher.treeKey("license:\(next)"),
                                                 valueHash: hasher.valueHash(value(next, version: 0))))
                        next += 1
                    } else {
                        let n = Int.random(in: 0..<count, using: &rng)
                        changed.append(MapChange(key: hasher.treeKey("license:\(n)"),
                                                 valueHash: hasher.valueHash(value(n, version: version))))
                    }
                }
                try map.update(changed)
                total += changed.count
            }
            let updated = seconds(clock.now - t)
            rows.append(("incremental update (key and value hashing included)", String(format: "%.0f keys/s, "
                + "%.1f µs per key, %.2f ms per batch", Double(total) / updated, updated / Double(total) * 1e6,
                updated / Double(batches) * 1e3)))

            // Proofs: present keys (old and new) and absent ones.
            var samples: [(key: String, value: [UInt8]?)] = []
            for i in 0..<proofs {
                if i % 2 == 0 {
                    let n = Int.random(in: 0..<count, using: &rng)
                    samples.append(("license:\(n)", nil))
                } else {
                    samples.append(("license:absent-\(i)", nil))
                }
            }
            var texts: [String] = []
            texts.reserveCapacity(samples.count)
            var depths: [Int] = []
            t = clock.now
            for sample in samples {
                let proof = try map.proof(for: sample.key)
                depths.append(proof.depth)
                texts.append(proof.canonicalJSON)
            }
            let proved = seconds(clock.now - t)
            let sizes = texts.map(\.utf8.count)
            func stats(_ xs: [Int], _ range: StrideTo<Int>) -> String {
                let values = range.map { xs[$0] }
                return String(format: "mean %.0f, max %d", Double(values.reduce(0, +)) / Double(values.count),
                              values.max() ?? 0)
            }
            let presentRange = stride(from: 0, to: samples.count, by: 2)
            let absentRange = stride(from: 1, to: samples.count, by: 2)
            rows.append(("proof depth, present key", stats(depths, presentRange)))
            rows.append(("proof depth, absent key", stats(depths, absentRange)))
            rows.append(("proof JSON bytes, present key", stats(sizes, presentRange)))
            rows.append(("proof JSON bytes, absent key", stats(sizes, absentRange)))
            rows.append(("proof generation (tree walk and JSON)", String(format: "%.1f µs",
                                                                          proved / Double(samples.count) * 1e6)))

            // Verification as a checker does it: parse the JSON, hash the key string, fold, compare.
            let decoder = JSONDecoder()
            let root = map.root
            let decoded = try texts.map { try decoder.decode(MapProof.self, from: Data($0.utf8)) }
            t = clock.now
            var valid = 0
            for (i, proof) in decoded.enumerated() {
                if proof.evaluate(key: hasher.treeKey(samples[i].key), root: root, using: hasher).isValid {
                    valid += 1
                }
            }
            let verified = seconds(clock.now - t)
            t = clock.now
            for (i, text) in texts.enumerated() {
                let proof = try decoder.decode(MapProof.self, from: Data(text.utf8))
                _ = proof.evaluate(key: hasher.treeKey(samples[i].key), root: root, using: hasher)
            }
            let parsedAndVerified = seconds(clock.now - t)
            guard valid == samples.count else { throw ValidationError("\(samples.count - valid) proofs failed") }
            rows.append(("verification of a decoded proof", String(format: "%.2f µs (%.0f/s)",
                verified / Double(samples.count) * 1e6, Double(samples.count) / verified)))
            rows.append(("verification from JSON (Foundation JSONDecoder)", String(format: "%.1f µs (%.0f/s)",
                parsedAndVerified / Double(samples.count) * 1e6, Double(samples.count) / parsedAndVerified)))
            rows.append(("process RSS now / peak", "\(Memory.rssKB / 1024) / \(Memory.peakKB / 1024) MiB"))
            return rows
        }
    }
}
