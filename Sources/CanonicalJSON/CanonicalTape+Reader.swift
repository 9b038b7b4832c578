extension CanonicalTape {
    /// The one pass: recursive descent that answers false as soon as the bytes leave the subset.
    struct Reader {
        let maxDepth: Int
        var nodes: [Node] = []
        var position = 0
        var depth = 0

        init(maxDepth: Int) {
            self.maxDepth = maxDepth
        }

        mutating func value(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
            guard position < input.count else { return false }
            switch input[position] {
            case UInt8(ascii: "{"): return container(input, object: true)
            case UInt8(ascii: "["): return container(input, object: false)
            case UInt8(ascii: "\""): return string(input, name: false)
            case UInt8(ascii: "t"): return literal(input, "true", .bool, flag: true)
            case UInt8(ascii: "f"): return literal(input, "false", .bool, flag: false)
            case UInt8(ascii: "n"): return literal(input, "null", .null, flag: false)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return number(input)
            default: return false
            }
        }

        /// An object (names in strictly increasing order, each followed by `:` and a value) or an array.
        private mutating func container(_ input: UnsafeBufferPointer<UInt8>, object: Bool) -> Bool {
            depth += 1
            guard depth <= maxDepth else { return false }
            let closer = object ? UInt8(ascii: "}") : UInt8(ascii: "]")
            let me = nodes.count
            nodes.append(Node(kind: object ? .object : .array, start: Int32(position)))
            position += 1
            var count: Int32 = 0
            var previousName: Range<Int>?
            if position < input.count, input[position] == closer {
                position += 1
            } else {
                while true {
                    if object {
                        let nameStart = position + 1
                        guard position < input.count, input[position] == UInt8(ascii: "\""),
                              string(input, name: true) else { return false }
                        let name = nameStart..<(position - 1)
                        if let previous = previousName, !Self.precedes(input, previous, name) { return false }
                        previousName = name
                        guard position < input.count, input[position] == UInt8(ascii: ":") else { return false }
                        position += 1
                    }
                    guard value(input) else { return false }
                    count += 1
                    guard position < input.count else { return false }
                    if input[position] == UInt8(ascii: ",") {
                        position += 1
                    } else if input[position] == closer {
                        position += 1
                        break
                    } else {
                        return false
                    }
                }
            }
            depth -= 1
            close(me, count: count)
            return true
        }

        private mutating func close(_ index: Int, count: Int32) {
            nodes[index].end = Int32(position)
            nodes[index].count = count
            nodes[index].next = Int32(nodes.count)
        }

        /// A string with no escape and no control character, in well-formed UTF-8 (ASCII only for a name).
        private mutating func string(_ input: UnsafeBufferPointer<UInt8>, name: Bool) -> Bool {
            position += 1
            let start = position
            while true {
                position = plainASCIIWordsEnd(input, from: position)
                guard position < input.count else { return false }
                let byte = input[position]
                if byte == UInt8(ascii: "\"") {
                    nodes.append(Node(kind: .string, start: Int32(start), end: Int32(position),
                                      next: Int32(nodes.count + 1)))
                    position += 1
                    return true
                }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return false }
                if byte < 0x80 {
                    position += 1
                    continue
                }
                guard !name else { return false }
                // Most non-ASCII text is a run of 3-byte sequences (CJK): taken in one loop, without a return to
                // the word scan between characters; anything else is judged by the table of `utf8Sequence`.
                let runStart = position
                skipCommonThreeByteRun(input)
                if position == runStart {
                    guard let length = Self.utf8Sequence(input, at: position) else { return false }
                    position += length
                }
            }
        }

        /// Advances `position` over consecutive 3-byte sequences whose lead is E1–EC, EE or EF and whose next two
        /// bytes are continuation bytes (0x80–0xBF): each such sequence is well-formed with no further condition
        /// (Unicode Table 3-7; the leads E0 and ED restrict their second byte and are left to `utf8Sequence`).
        /// Reads four bytes at a time, so it stops 3 bytes short of the end, where a string cannot end anyway (it
        /// needs its closing quote).
        @inline(__always)
        private mutating func skipCommonThreeByteRun(_ input: UnsafeBufferPointer<UInt8>) {
            guard let base = input.baseAddress else { return }
            while position + 4 <= input.count {
                let word = UInt32(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt32.self))
                let lead = word & 0xFF
                guard word & 0x00C0_C0F0 == 0x0080_80E0, lead != 0xE0, lead != 0xED else { return }
                position += 3
            }
        }

        /// `-`? then `0` or a digit 1–9 and up to 14 more digits, ending where a value may end; not `-0`.
        private mutating func number(_ input: UnsafeBufferPointer<UInt8>) -> Bool {
            let start = position
            if input[position] == UInt8(ascii: "-") { position += 1 }
            let digitsStart = position
            while position < input.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(input[position]) {
                position += 1
            }
            let digits = position - digitsStart
            guard (1...15).contains(digits) else { return false }
            if input[digitsStart] == UInt8(ascii: "0") && (digits > 1 || digitsStart > start) { return false }
            if position < input.count {
                switch input[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"): break
                default: return false
                }
            }
            nodes.append(Node(kind: .number, start: Int32(start), end: Int32(position), next: Int32(nodes.count + 1)))
            return true
        }

        private mutating func literal(_ input: UnsafeBufferPointer<UInt8>, _ word: StaticString, _ kind: Kind,
                                      flag: Bool) -> Bool {
            let length = word.utf8CodeUnitCount
            guard input.count - position >= length else { return false }
            for offset in 0..<length where input[position + offset] != word.utf8Start[offset] { return false }
            nodes.append(Node(kind: kind, flag: flag, start: Int32(position), end: Int32(position + length),
                              next: Int32(nodes.count + 1)))
            position += length
            return true
        }

        /// Whether name `a` sorts strictly before name `b` (ASCII: byte order is UTF-16 order).
        private static func precedes(_ input: UnsafeBufferPointer<UInt8>, _ a: Range<Int>, _ b: Range<Int>) -> Bool {
            var i = a.lowerBound, j = b.lowerBound
            while i < a.upperBound, j < b.upperBound {
                if input[i] != input[j] { return input[i] < input[j] }
                i += 1
                j += 1
            }
            return a.count < b.count
        }

        /// The length of the well-formed multi-byte UTF-8 sequence at `position` (Unicode Table 3-7), or nil.
        private static func utf8Sequence(_ input: UnsafeBufferPointer<UInt8>, at position: Int) -> Int? {
            let lead = input[position]
            let length: Int
            var second: ClosedRange<UInt8> = 0x80...0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0: length = 3; second = 0xA0...0xBF
            case 0xED: length = 3; second = 0x80...0x9F
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xF0: length = 4; second = 0x90...0xBF
            case 0xF1...0xF3: length = 4
            case 0xF4: length = 4; second = 0x80...0x8F
            default: return nil
            }
            guard input.count - position >= length, second.contains(input[position + 1]) else { return nil }
            for offset in 2..<max(2, length) where !(0x80...0xBF).contains(input[position + offset]) { return nil }
            return length
        }
    }
}
