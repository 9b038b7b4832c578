public import LedgerClient
public import Log
import SignedNote

/// A daemon's public C2SP read paths (`/checkpoint`, `/tile/<L>/<N>[.p/<W>]`, `/tile/entries/<N>[.p/<W>]`) as a
/// read-only `LogStore`, so that `audit --server` runs exactly the verifier `audit --data` runs — without access to
/// the daemon's files, and trusting nothing it serves: the checkpoint's signature, every tile, every entry and every
/// submission are checked as if read from disk. The head is fixed when the store is made (the checkpoint fetched
/// then); later growth of the log is the next audit's.
public struct RemoteLogStore: LogStore {
    let client: LedgerHTTPClient
    public let size: UInt64
    let checkpointNote: [UInt8]

    /// Fetches the current checkpoint (not yet verified: the verifier does that). An unreachable server, or one
    /// that does not answer the checkpoint, is `LogStoreError.unavailable`.
    public static func connect(_ client: LedgerHTTPClient) async throws -> RemoteLogStore {
        let answer = try await get(client, "/checkpoint")
        guard answer.status == 200 else {
            throw LogStoreError(.unavailable, "GET /checkpoint: \(describe(answer))")
        }
        let checkpoint: Checkpoint
        do { checkpoint = try Checkpoint(parsing: try Note(parsing: answer.body).text) } catch {
            throw LogStoreError(.corrupt, "the server's /checkpoint is not a checkpoint note: \(error)")
        }
        return RemoteLogStore(client: client, size: checkpoint.size, checkpointNote: answer.body)
    }

    public func head() async throws -> LogHead? { LogHead(size: size, checkpoint: checkpointNote) }

    /// Entries from the entry bundles that cover `range` (each bundle at the width the tree has).
    public func entries(_ range: Range<UInt64>) async throws -> [[UInt8]] {
        let end = min(range.upperBound, size)
        guard range.lowerBound < end else { return [] }
        var result: [[UInt8]] = []
        var bundle = range.lowerBound / UInt64(TileLayout.width)
        while bundle * UInt64(TileLayout.width) < end {
            let width = TileLayout.entryBundleWidth(index: bundle, treeSize: size)
            let path = try TilePath.entries(index: bundle, width: width).path
            let bytes = try await fetch(path)
            guard let bytes else { throw LogStoreError(.corrupt, "the server has no \(path) for size \(size)") }
            let entries: [[UInt8]]
            do { entries = try EntryBundle.decode(bytes) } catch {
                throw LogStoreError(.corrupt, "\(path) is not an entry bundle: \(error)", index: bundle * 256)
            }
            let first = bundle * UInt64(TileLayout.width)
            for (offset, entry) in entries.enumerated() where range.contains(first + UInt64(offset)) {
                result.append(entry)
            }
            bundle += 1
        }
        return result
    }

    /// The hash tile at `key`, at the width the tree of `size` has there.
    public func tile(_ key: TileKey) async throws -> [UInt8]? {
        let width = TileLayout.width(of: key, treeSize: size)
        guard width > 0 else { return nil }
        return try await fetch(try TilePath(level: key.level, index: key.index, width: width).path)
    }

    public func checkpoint(size: UInt64) async throws -> [UInt8]? { size == self.size ? checkpointNote : nil }

    /// A remote log publishes its newest checkpoint only.
    public func checkpoints(from size: UInt64, limit: Int) async throws -> [LogHead] {
        limit > 0 && size <= self.size ? [LogHead(size: self.size, checkpoint: checkpointNote)] : []
    }

    public func metadata(_ key: String) async throws -> String? { nil }

    public func append(_ batch: LogBatch) async throws {
        throw LogStoreError(.unavailable, "a remote log is read-only")
    }

    public func setMetadata(_ key: String, _ value: String) async throws {
        throw LogStoreError(.unavailable, "a remote log is read-only")
    }

    /// GET `/path`: the body, nil for 404; an unreachable server or another answer is `.unavailable`.
    private func fetch(_ path: String) async throws -> [UInt8]? {
        let answer = try await Self.get(client, "/" + path)
        switch answer.status {
        case 200: return answer.body
        case 404: return nil
        default: throw LogStoreError(.unavailable, "GET /\(path): \(Self.describe(answer))")
        }
    }

    private static func get(_ client: LedgerHTTPClient, _ path: String) async throws -> HTTPClientResponse {
        do { return try await client.send("GET", path) } catch {
            throw LogStoreError(.unavailable, "GET \(path): \(error.message)")
        }
    }

    /// An error answer in a line: its status and the start of its body (the daemon's JSON error names the code).
    private static func describe(_ answer: HTTPClientResponse) -> String {
        "HTTP \(answer.status): \(answer.text.prefix(300))"
    }
}
