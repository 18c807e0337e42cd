/// A JSON value whose objects keep the key order they were built with, serialised
/// deterministically without Foundation. Used by every JSON-shaped reporter.
public enum JSONValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    /// A non-integer number, kept as written.
    case number(String)
    case string(String)
    case array([JSONValue])
    /// Keys in the order given; duplicate keys are the caller's bug.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }
    public func hash(into hasher: inout Hasher) { hasher.combine(serialized()) }

    /// The value of key `key` of an object.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.last { $0.0 == key }?.1
    }

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// An object with `key` set to `value` (replaced in place, or appended).
    public func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var pairs) = self else { return .object([(key, value)]) }
        if let index = pairs.firstIndex(where: { $0.0 == key }) {
            pairs[index].1 = value
        } else {
            pairs.append((key, value))
        }
        return .object(pairs)
    }

    /// Compact JSON (`pretty == false`) or two-space indented JSON.
    public func serialized(pretty: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(4096)
        write(into: &out, pretty: pretty, indent: 0)
        return String(decoding: out, as: UTF8.self)
    }

    func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .number(let n): out.append(contentsOf: n.utf8)
        case .string(let s): JSONValue.escape(s, into: &out)
        case .array(let items):
            JSONValue.writeArray(items, pretty: pretty, indent: indent, into: &out) { item, out, indent in
                item.write(into: &out, pretty: pretty, indent: indent)
            }
        case .object(let pairs):
            JSONValue.writeObject(pairs, pretty: pretty, indent: indent, into: &out) { value, out, indent in
                value.write(into: &out, pretty: pretty, indent: indent)
            }
        }
    }

    /// Writes an array whose elements write themselves (given the output and their indent):
    /// the one place arrays are laid out, for trees and for long lists (thousands of findings)
    /// written one element at a time without building a tree.
    static func writeArray<C: Collection>(
        _ items: C, pretty: Bool, indent: Int, into out: inout [UInt8], _ element: (C.Element, inout [UInt8], Int) -> Void
    ) {
        if items.isEmpty { out.append(contentsOf: "[]".utf8); return }
        out.append(UInt8(ascii: "["))
        var first = true
        for item in items {
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            if pretty { newline(indent + 1, into: &out) }
            element(item, &out, indent + 1)
        }
        if pretty { newline(indent, into: &out) }
        out.append(UInt8(ascii: "]"))
    }

    /// Writes an object of `(key, value)` members whose values write themselves: the one place
    /// objects are laid out.
    static func writeObject<Member>(
        _ members: [(String, Member)], pretty: Bool, indent: Int, into out: inout [UInt8],
        _ value: (Member, inout [UInt8], Int) -> Void
    ) {
        if members.isEmpty { out.append(contentsOf: "{}".utf8); return }
        out.append(UInt8(ascii: "{"))
        for (i, (key, member)) in members.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            if pretty { newline(indent + 1, into: &out) }
            escape(key, into: &out)
            out.append(UInt8(ascii: ":"))
            if pretty { out.append(UInt8(ascii: " ")) }
            value(member, &out, indent + 1)
        }
        if pretty { newline(indent, into: &out) }
        out.append(UInt8(ascii: "}"))
    }

    static func newline(_ level: Int, into out: inout [UInt8]) {
        out.append(0x0A)
        for _ in 0..<(2 * level) { out.append(0x20) }
    }

    /// Writes `s` as a JSON string literal (RFC 8259).
    public static func escape(_ s: String, into out: inout String) {
        var bytes: [UInt8] = []
        escape(s, into: &bytes)
        out += String(decoding: bytes, as: UTF8.self)
    }

    /// Whether some byte of `bytes` is escaped in a JSON string: a control character, `"`, `\`
    /// or DEL. Eight bytes at a time: a word has a byte below 0x20 when `(w - 0x20…20) & ~w`
    /// has a top bit set, and a byte equal to `c` when `w ^ c…c` has a zero byte (the same test
    /// with 0x01).
    static func needsEscaping(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        if let base = bytes.baseAddress {
            let raw = UnsafeRawPointer(base)
            let ones: UInt64 = 0x0101_0101_0101_0101
            let tops: UInt64 = 0x8080_8080_8080_8080
            while i + 8 <= bytes.count {
                let w = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                let quote = w ^ (ones &* 0x22)
                let backslash = w ^ (ones &* 0x5C)
                let delete = w ^ (ones &* 0x7F)
                let hits =
                    ((w &- ones &* 0x20) & ~w) | ((quote &- ones) & ~quote) | ((backslash &- ones) & ~backslash)
                    | ((delete &- ones) & ~delete)
                if hits & tops != 0 { return true }
                i += 8
            }
        }
        while i < bytes.count {
            let b = bytes[i]
            if b < 0x20 || b == 0x22 || b == 0x5C || b == 0x7F { return true }
            i += 1
        }
        return false
    }

    /// Writes `s` as a JSON string literal (RFC 8259): `"` `\` and control characters escaped,
    /// everything else (emoji included) as UTF-8.
    public static func escape(_ s: String, into out: inout [UInt8]) {
        out.append(0x22)
        let clean = s.utf8.withContiguousStorageIfAvailable { bytes -> Bool in
            if needsEscaping(bytes) { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if clean == true {
            out.append(0x22)
            return
        }
        for byte in s.utf8 {
            switch byte {
            case 0x22: out.append(contentsOf: [0x5C, 0x22])
            case 0x5C: out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case 0..<0x20, 0x7F:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default:
                // UTF-8 passes through unchanged: emoji and accents stay readable.
                out.append(byte)
            }
        }
        out.append(0x22)
    }
}
