/// An append-only list of log indices whose copies share storage: appending copies at most one chunk of
/// `chunkSize` indices, never the list. The links about a holder grow with every `link.share` (a busy company can
/// have thousands), and the state keeps its old value for rollback (`StateJournal`) while the new one is built, so
/// a plain array was copied whole on every link — O(n) per link, measured as 11% of a daemon's CPU at 20,000 links
/// about one license. Chunks are immutable once shared, so the saved old value stays valid.
struct IndexList: Sendable, Equatable {
    static let chunkSize = 64

    /// The newest chunk and, through `previous`, all older ones.
    private final class Chunk: Sendable {
        let indices: [UInt64]
        let previous: Chunk?

        init(_ indices: [UInt64], previous: Chunk?) {
            self.indices = indices
            self.previous = previous
        }
    }

    private var newest: Chunk?
    private(set) var count = 0

    init() {}

    init(_ indices: [UInt64]) {
        for index in indices { append(index) }
    }

    mutating func append(_ index: UInt64) {
        if let newest, newest.indices.count < Self.chunkSize {
            self.newest = Chunk(newest.indices + [index], previous: newest.previous)
        } else {
            newest = Chunk([index], previous: newest)
        }
        count += 1
    }

    /// The indices in the order they were appended.
    var array: [UInt64] {
        var chunks: [Chunk] = []
        var chunk = newest
        while let next = chunk {
            chunks.append(next)
            chunk = next.previous
        }
        var all: [UInt64] = []
        all.reserveCapacity(count)
        for chunk in chunks.reversed() { all += chunk.indices }
        return all
    }

    static func == (lhs: IndexList, rhs: IndexList) -> Bool {
        lhs.count == rhs.count && (lhs.newest === rhs.newest || lhs.array == rhs.array)
    }
}

extension IndexList: SpillValue {
    var spillBytes: [UInt8] { array.spillBytes }

    init(spill bytes: [UInt8]) throws {
        self.init(try [UInt64](spill: bytes))
    }
}
