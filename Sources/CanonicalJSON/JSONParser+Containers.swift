/// Objects and arrays (RFC 8259 §4, §5), with RFC 7493 §2.3's unique member names.
///
/// Cost matters here: every audited entry's submission passes through. An object's members are
/// collected in `pendingMembers` and its dictionary is built once, at its final size, with one hash per member;
/// duplicates are found by that same insertion. Errors must still come out exactly as a parser that checks each
/// name as it reads it would report them: the first problem in document order, with its path. So whenever reading
/// an object fails, the names read so far (including one whose member was not complete) are checked for a
/// duplicate first, since any duplicate lies before the failure.
extension JSONParser {
    /// A member read but not yet placed in its object's dictionary.
    struct PendingMember {
        let key: String
        /// Where the name's opening quote is, for a duplicate's error.
        let keyStart: Int
        /// `.null` until the member's value has been read.
        var value: JSONValue
    }

    mutating func parseObject() throws(JSONError) -> JSONValue {
        try enterContainer()
        position += 1
        skipWhitespace()
        if try peek(expecting: "a member name or '}'") == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return .object([:])
        }
        let base = pendingMembers.count
        /// Whether the last pending member's value is being read: a failure inside it lies at that member's path.
        var readingValue = false
        do throws(JSONError) {
            try readMembers(base: base, readingValue: &readingValue)
        } catch {
            if let duplicate = firstDuplicate(from: base) { throw duplicate }
            if readingValue { errorPath.append(.key(pendingMembers[pendingMembers.count - 1].key)) }
            pendingMembers.removeSubrange(base...)
            throw error
        }
        // One insertion per member into a dictionary allocated at its final size; a duplicate is merged away here
        // and then reported by `firstDuplicate`, which compares names with the same `String` equality.
        var hasDuplicate = false
        let members = [String: JSONValue](pendingMembers[base...].lazy.map { ($0.key, $0.value) }) { first, _ in
            hasDuplicate = true
            return first
        }
        if hasDuplicate, let duplicate = firstDuplicate(from: base) { throw duplicate }
        pendingMembers.removeSubrange(base...)
        return .object(members)
    }

    /// Reads the members after `{` up to and including `}` into `pendingMembers`.
    private mutating func readMembers(base: Int, readingValue: inout Bool) throws(JSONError) {
        if pendingMembers.capacity == 0 {
            // Room for a submission's nesting (about 20 names pending at once) without growing several times.
            pendingMembers.reserveCapacity(32)
        }
        /// Where the previous name's bytes are in the input, if it was written without escapes.
        var previousVerbatim: Range<Int>?
        while true {
            skipWhitespace()
            let keyStart = position
            guard try peek(expecting: "a member name") == UInt8(ascii: "\"") else {
                throw error(.unexpectedByte, at: position,
                            "\(describe(input[position])) where a quoted member name was expected")
            }
            let key = try parseString()
            let verbatim = lastStringWasVerbatim ? (keyStart + 1)..<(position - 1) : nil
            // RFC 8785 §3.2.3: members sorted by their names' UTF-16 code units.
            if isCanonical, pendingMembers.count > base {
                let inOrder: Bool
                if let previousVerbatim, let verbatim {
                    inOrder = Self.precedesInUTF16(UnsafeBufferPointer(rebasing: input[previousVerbatim]),
                                                   UnsafeBufferPointer(rebasing: input[verbatim]))
                        ?? Self.precedesInUTF16(pendingMembers[pendingMembers.count - 1].key, key)
                } else {
                    inOrder = Self.precedesInUTF16(pendingMembers[pendingMembers.count - 1].key, key)
                }
                if !inOrder { isCanonical = false }
            }
            previousVerbatim = verbatim
            pendingMembers.append(PendingMember(key: key, keyStart: keyStart, value: .null))
            skipWhitespace()
            guard try peek(expecting: "':'") == UInt8(ascii: ":") else {
                throw error(.unexpectedByte, at: position,
                            "\(describe(input[position])) where ':' was expected after a member name")
            }
            position += 1
            readingValue = true
            let value = try parseValue()
            readingValue = false
            pendingMembers[pendingMembers.count - 1].value = value
            if try closesAfterItem(closer: UInt8(ascii: "}")) { return }
        }
    }

    /// After a member or an element: consumes the `,` before the next one (false) or the container's closer (true,
    /// the container ends); anything else is the error naming both.
    private mutating func closesAfterItem(closer: UInt8) throws(JSONError) -> Bool {
        skipWhitespace()
        let expected: StaticString = closer == UInt8(ascii: "}") ? "',' or '}'" : "',' or ']'"
        switch try peek(expecting: expected) {
        case UInt8(ascii: ","):
            position += 1
            return false
        case closer:
            position += 1
            depth -= 1
            return true
        case let byte:
            throw error(.unexpectedByte, at: position, "\(describe(byte)) where \(expected) was expected")
        }
    }

    /// The duplicate-name error for the first name in `pendingMembers[base...]` equal (as a Swift `String`, so
    /// canonically equivalent names too) to an earlier one, or `nil`.
    private mutating func firstDuplicate(from base: Int) -> JSONError? {
        var firstIndex: [String: Int] = [:]
        for index in base..<pendingMembers.count {
            if let earlierIndex = firstIndex.updateValue(index, forKey: pendingMembers[index].key) {
                return duplicateName(at: index, earlier: pendingMembers[earlierIndex].key, base: base)
            }
        }
        return nil
    }

    /// The error for the name at `index` equal to the earlier name `earlier`. Drops the object's pending members
    /// and sets `errorPath` to the duplicate's name: whatever failed after it is not what is reported.
    private mutating func duplicateName(at index: Int, earlier: String, base: Int) -> JSONError {
        let key = pendingMembers[index].key
        let how = earlier.unicodeScalars.elementsEqual(key.unicodeScalars)
            ? "appears twice in one object"
            : "is canonically equivalent to the earlier name \(earlier.debugDescription)"
        let duplicate = error(.duplicateKey, at: pendingMembers[index].keyStart,
                              "member name \(key.debugDescription) \(how)")
        pendingMembers.removeSubrange(base...)
        errorPath = [.key(key)]
        return duplicate
    }

    mutating func parseArray() throws(JSONError) -> JSONValue {
        try enterContainer()
        position += 1
        var elements: [JSONValue] = []
        skipWhitespace()
        if try peek(expecting: "a value or ']'") == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return .array(elements)
        }
        while true {
            do throws(JSONError) {
                elements.append(try parseValue())
            } catch {
                errorPath.append(.index(elements.count))
                throw error
            }
            if try closesAfterItem(closer: UInt8(ascii: "]")) { return .array(elements) }
        }
    }

    /// Whether `a` sorts before `b` by UTF-16 code units (RFC 8785 §3.2.3).
    static func precedesInUTF16(_ a: String, _ b: String) -> Bool {
        let answer = a.utf8.withContiguousStorageIfAvailable { a in
            b.utf8.withContiguousStorageIfAvailable { b in precedesInUTF16(a, b) } ?? nil
        } ?? nil
        return answer ?? a.utf16.lexicographicallyPrecedes(b.utf16)
    }

    /// `precedesInUTF16` on two names' UTF-8 bytes, where those give the answer: UTF-8 byte order is code point
    /// order, which differs from UTF-16 order only between U+E000...U+FFFF (lead bytes EE, EF) and U+10000 and
    /// above (lead bytes F0...F4); `nil` when the first difference is such a lead byte.
    static func precedesInUTF16(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool? {
        let shared = min(a.count, b.count)
        var index = 0
        while index < shared, a[index] == b[index] { index += 1 }
        if index == shared { return a.count < b.count }
        if a[index] >= 0xEE || b[index] >= 0xEE { return nil }
        return a[index] < b[index]
    }
}
