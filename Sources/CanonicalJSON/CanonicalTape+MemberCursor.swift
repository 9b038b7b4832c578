extension CanonicalTape {
    /// Looks an object's members up by name, each look-up starting after the member the previous one found and
    /// going round to the first member if need be. Members are in canonical order, so a reader that asks for the
    /// names in that order compares one name per look-up instead of searching from the start (the record readers
    /// of an audit ask for dozens per entry); in any other order the answers are the same, found later.
    public struct MemberCursor: Sendable {
        /// The object read.
        public let object: Value
        /// Its number of members.
        public let count: Int
        /// The node of the name to compare first, and its position among the members.
        private var child: Int
        private var ordinal: Int

        /// Nil unless `object` is an object.
        init?(_ object: Value) {
            let node = object.node
            guard node.kind == .object else { return nil }
            self.object = object
            count = Int(node.count)
            child = object.index + 1
            ordinal = 0
        }

        /// The member named `name`; nil when there is none.
        public mutating func member(_ name: String) -> Value? {
            guard count > 0 else { return nil }
            var name = name
            let tape = object.tape, first = object.index + 1, count = count
            var child = child, ordinal = ordinal
            let found: Int? = name.withUTF8 { wanted in
                tape.bytes.withUnsafeBufferPointer { bytes in
                    tape.nodes.withUnsafeBufferPointer { nodes in
                        for _ in 0..<count {
                            let key = nodes[child], valueIndex = child + 1
                            ordinal += 1
                            child = ordinal == count ? first : Int(nodes[valueIndex].next)
                            if ordinal == count { ordinal = 0 }
                            if Int(key.end - key.start) == wanted.count,
                               Self.equal(bytes, from: Int(key.start), wanted) { return valueIndex }
                        }
                        return nil
                    }
                }
            }
            guard let found else { return nil }
            self.child = child
            self.ordinal = ordinal
            return Value(tape: tape, index: found)
        }

        private static func equal(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int,
                                  _ wanted: UnsafeBufferPointer<UInt8>) -> Bool {
            for offset in 0..<wanted.count where bytes[start + offset] != wanted[offset] { return false }
            return true
        }
    }
}
