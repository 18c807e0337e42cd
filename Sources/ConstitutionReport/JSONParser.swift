/// Parses JSON (RFC 8259) into a ``JSONValue`` that keeps object key order, so a file we merge
/// into (`.claude/settings.json`) keeps every key where the user put it.
///
/// The grammar is RFC 8259's, strictly: numbers are `-? (0 | [1-9][0-9]*) (. [0-9]+)?
/// ([eE] [+-]? [0-9]+)?` (so `+1`, `-01`, `2.`, `.2e-3`, `0x10`, `NaN` are rejected), strings
/// hold no raw control characters, escapes are the eight of the RFC plus `\uXXXX` with exactly
/// four hex digits, and nothing but whitespace may follow the value.
///
/// Where the RFC leaves the choice to the implementation:
/// - **Lone or mismatched UTF-16 surrogates** (`"\ud800"`, `"\ud800\u0041"`, `"\udc00"`) decode
///   to U+FFFD REPLACEMENT CHARACTER, and a following escape is read on its own. This is what
///   Node (Claude Code) writes when it hands such a string to a process, so a hook sees the text
///   that will really run; rejecting it would make a hook payload unreadable.
/// - **Invalid UTF-8** in the input is read as U+FFFD per maximal subpart (Swift's decoding).
/// - **Numbers** too large for `Int`, and every number with a fraction or exponent, are kept as
///   written (``JSONValue/number(_:)``), never rounded.
/// - **Nesting** deeper than ``maxDepth`` is an error, so no input can exhaust the stack.
/// - **Duplicate keys** are kept in order (lookup takes the last, as JavaScript does) unless
///   ``parse(_:rejectingDuplicateKeys:)`` is asked to refuse them.
///
/// Every failure is a ``Failure`` with a 1-based line and column (Unicode scalars); no input
/// can trap: every offset is checked against the end before it is read, and no arithmetic on
/// input values can overflow.
public struct JSONParser {
    /// A parse failure at a 1-based line and column.
    public struct Failure: Error, Sendable, Hashable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }

        /// Creates a failure.
        public init(line: Int, column: Int, message: String) {
            self.line = line
            self.column = column
            self.message = message
        }
    }

    /// The deepest nesting of arrays and objects accepted.
    public static let maxDepth = 512

    private let bytes: [UInt8]
    private var i = 0
    private let rejectDuplicates: Bool

    /// Parses `text`; the whole text must be one value (whitespace around it is fine).
    /// With `rejectingDuplicateKeys`, an object that repeats a key is an error at the repeat.
    public static func parse(_ text: String, rejectingDuplicateKeys: Bool = false) throws(Failure) -> JSONValue {
        try parse(bytes: Array(text.utf8), rejectingDuplicateKeys: rejectingDuplicateKeys)
    }

    /// Parses UTF-8 `bytes` (invalid sequences read as U+FFFD).
    public static func parse(bytes: [UInt8], rejectingDuplicateKeys: Bool = false) throws(Failure) -> JSONValue {
        var p = JSONParser(bytes: bytes, rejectDuplicates: rejectingDuplicateKeys)
        p.skipSpace()
        let v = try p.value(depth: 0)
        p.skipSpace()
        guard p.i == p.bytes.count else { throw p.fail("unexpected text after the JSON value") }
        return v
    }

    private init(bytes: [UInt8], rejectDuplicates: Bool) {
        self.bytes = bytes
        self.rejectDuplicates = rejectDuplicates
    }

    private func fail(_ message: String, at offset: Int? = nil) -> Failure {
        var line = 1, column = 1
        for b in bytes[0..<min(offset ?? i, bytes.count)] {
            if b == 0x0A { line += 1; column = 1 } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return Failure(line: line, column: column, message: message)
    }

    @inline(__always)
    private var current: UInt8? { i < bytes.count ? bytes[i] : nil }

    private mutating func skipSpace() {
        while let b = current, b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 }
    }

    private mutating func expect(_ literal: StaticString) throws(Failure) {
        let start = i
        let text = UnsafeBufferPointer(start: literal.utf8Start, count: literal.utf8CodeUnitCount)
        for b in text {
            guard current == b else { throw fail("expected '\(literal)'", at: start) }
            i += 1
        }
    }

    private mutating func value(depth: Int) throws(Failure) -> JSONValue {
        guard let b = current else { throw fail("unexpected end of input, expected a value") }
        switch b {
        case UInt8(ascii: "{"):
            guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
            i += 1
            var pairs: [(String, JSONValue)] = []
            var seen: [String: Int] = [:]
            skipSpace()
            if current == UInt8(ascii: "}") { i += 1; return .object(pairs) }
            while true {
                skipSpace()
                guard current == UInt8(ascii: "\"") else {
                    throw fail(current == nil ? "unexpected end of input in an object" : "expected a string key")
                }
                let keyStart = i
                let key = try string()
                if rejectDuplicates {
                    if let first = seen[key] {
                        let at = fail("", at: first)
                        throw fail(
                            "duplicate key \"\(key)\" (first at \(at.line):\(at.column)); readers disagree on which copy wins",
                            at: keyStart)
                    }
                    seen[key] = keyStart
                }
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw fail("expected ':' after an object key") }
                i += 1
                skipSpace()
                pairs.append((key, try value(depth: depth + 1)))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "}"): i += 1; return .object(pairs)
                case nil: throw fail("unexpected end of input in an object")
                default: throw fail("expected ',' or '}'")
                }
            }
        case UInt8(ascii: "["):
            guard depth < JSONParser.maxDepth else { throw fail("nesting deeper than \(JSONParser.maxDepth)") }
            i += 1
            var items: [JSONValue] = []
            skipSpace()
            if current == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                skipSpace()
                items.append(try value(depth: depth + 1))
                skipSpace()
                switch current {
                case UInt8(ascii: ","): i += 1
                case UInt8(ascii: "]"): i += 1; return .array(items)
                case nil: throw fail("unexpected end of input in an array")
                default: throw fail("expected ',' or ']'")
                }
            }
        case UInt8(ascii: "\""):
            return .string(try string())
        case UInt8(ascii: "t"):
            try expect("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try expect("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try expect("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return try number()
        default:
            throw fail("unexpected character, expected a value")
        }
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`, nothing else.
    private mutating func number() throws(Failure) -> JSONValue {
        let start = i
        if current == UInt8(ascii: "-") { i += 1 }
        guard let first = current, isDigit(first) else { throw fail("a number needs a digit after '-'") }
        i += 1
        if first == UInt8(ascii: "0") {
            if let next = current, isDigit(next) { throw fail("a number cannot have a leading zero", at: start) }
        } else {
            skipDigits()
        }
        var integral = true
        if current == UInt8(ascii: ".") {
            i += 1
            guard let d = current, isDigit(d) else { throw fail("a number needs a digit after '.'") }
            skipDigits()
            integral = false
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            i += 1
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { i += 1 }
            guard let d = current, isDigit(d) else { throw fail("a number needs a digit in its exponent") }
            skipDigits()
            integral = false
        }
        let text = String(decoding: bytes[start..<i], as: UTF8.self)
        if integral, let n = Int(text) { return .int(n) }
        return .number(text)
    }

    @inline(__always)
    private func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    private mutating func skipDigits() {
        while let b = current, isDigit(b) { i += 1 }
    }

    private mutating func string() throws(Failure) -> String {
        let start = i
        i += 1
        var out: [UInt8] = []
        while let b = current {
            if b == UInt8(ascii: "\"") {
                i += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b < 0x20 { throw fail("control character in a string (escape it)") }
            if b != UInt8(ascii: "\\") {
                out.append(b)
                i += 1
                continue
            }
            i += 1
            guard let e = current else { break }
            i += 1
            switch e {
            case UInt8(ascii: "\""): out.append(0x22)
            case UInt8(ascii: "\\"): out.append(0x5C)
            case UInt8(ascii: "/"): out.append(0x2F)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"): appendUTF8(try unicodeEscape(), to: &out)
            default:
                i -= 2
                throw fail("invalid escape (JSON has \\\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)")
            }
        }
        throw fail("unterminated string", at: start)
    }

    /// The scalar of a `\uXXXX` escape whose `\u` was just read, joining a high surrogate with a
    /// following `\uDC00`-`\uDFFF`. A surrogate without its partner is U+FFFD; an escape after a
    /// lone high surrogate that is not a low one is left to be read on its own.
    private mutating func unicodeEscape() throws(Failure) -> UInt32 {
        let unit = try hex4()
        switch unit {
        case 0xD800...0xDBFF:
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return 0xFFFD }
            let save = i
            i += 2
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else {
                i = save
                return 0xFFFD
            }
            return 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        case 0xDC00...0xDFFF:
            return 0xFFFD
        default:
            return unit
        }
    }

    /// Exactly four hex digits (no sign, no fewer).
    private mutating func hex4() throws(Failure) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 {
            guard let b = current else { throw fail("\\u needs four hex digits", at: i - k) }
            let d: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = b - UInt8(ascii: "A") + 10
            default: throw fail("\\u needs four hex digits")
            }
            v = v << 4 | UInt32(d)
            i += 1
        }
        return v
    }

    /// Appends `scalar` (never a surrogate, at most 0x10FFFF) as UTF-8.
    private func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }
}
