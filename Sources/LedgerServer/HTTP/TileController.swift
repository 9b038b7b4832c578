public import Hummingbird
import Log

/// The C2SP tlog-tiles read API (DESIGN.md §3, c2sp.org/tlog-tiles): `/checkpoint`, hash tiles
/// `/tile/<L>/<N>[.p/<W>]` and entry bundles `/tile/entries/<N>[.p/<W>]`, all served at the sequencer's last
/// durable head.
///
/// Tile paths are parsed strictly from the raw request path (`TilePath(parsing:)`): anything but the one canonical
/// spelling — `..`, empty or percent-encoded segments, leading zeros — is a 400, a tile the tree does not have
/// (yet) a 404. Nothing is ever looked up by a client-supplied file name, so there is no path to traverse.
public struct TileController<Context: RequestContext>: Sendable {
    let ledger: LedgerLog

    /// Serves `ledger` at its sequencer's durable head.
    public init(ledger: LedgerLog) {
        self.ledger = ledger
    }

    /// Registers this controller's GET routes.
    public func addRoutes(to router: Router<Context>) {
        router.get("/checkpoint") { _, _ in try checkpoint() }
        router.get("/tile/**") { request, _ in try await tile(rawPath: request.uri.path) }
    }

    /// The signed checkpoint: C2SP signed-note text; `no-cache` because it changes with every batch. With witnesses,
    /// the newest one a quorum cosigned, with every cosignature (503 before the first).
    func checkpoint() throws -> Response {
        guard let note = ledger.served?.checkpoint else { throw APIError.notWitnessedYet() }
        return Response(status: .ok,
                        headers: [.contentType: "text/plain; charset=utf-8", .cacheControl: CacheControl.checkpoint],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: note)))
    }

    func tile(rawPath: String) async throws -> Response {
        guard rawPath.hasPrefix("/") else { throw APIError.badParameter("tile", "the path must start with /") }
        let path: TilePath
        do { path = try TilePath(parsing: rawPath.dropFirst()) } catch {
            throw APIError(.badRequest, code: error.code.rawValue, "\(error.reason)", field: "tile")
        }
        let treeSize = ledger.snapshot.head.size
        let bytes = path.isEntries
            ? try await ledger.reader.entryBundle(path, treeSize: treeSize)
            : try await ledger.reader.hashTile(path, treeSize: treeSize)
        return Response(status: .ok,
                        headers: [.contentType: "application/octet-stream",
                                  .cacheControl: path.isPartial ? CacheControl.partialTile : CacheControl.immutable],
                        body: ResponseBody(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
