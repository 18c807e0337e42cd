#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ConstitutionCore

/// A POSIX extended regular expression (glibc flavour: `\s`, `\w`, `\b`, `\<`, `\>` work),
/// compiled once, with a literal pre-filter: when the pattern contains a run of plain characters
/// every match must contain, texts without that run are rejected with a substring search before
/// the regex engine runs.
public final class CompiledRegex: @unchecked Sendable {
    /// The pattern as written.
    public let pattern: String
    /// Case-insensitive matching.
    public let ignoreCase: Bool
    private let regex: UnsafeMutablePointer<regex_t>
    private let literal: [UInt8]

    /// Compiles `pattern`; throws libc's message when it is invalid.
    public init(_ pattern: String, ignoreCase: Bool = false) throws(RegexError) {
        self.pattern = pattern
        self.ignoreCase = ignoreCase
        regex = .allocate(capacity: 1)
        // REG_NEWLINE: `^` and `$` match at every line, `.` and `[^x]` never cross a newline,
        // which is what line-oriented configs and scripts need.
        var flags = REG_EXTENDED | REG_NEWLINE
        if ignoreCase { flags |= REG_ICASE }
        let status = regcomp(regex, pattern, flags)
        if status != 0 {
            var buffer = [CChar](repeating: 0, count: 256)
            regerror(status, regex, &buffer, buffer.count)
            let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
            regex.deallocate()
            throw RegexError(pattern: pattern, message: String(decoding: bytes, as: UTF8.self))
        }
        literal = ignoreCase ? [] : Self.requiredLiteral(pattern)
    }

    deinit {
        regfree(regex)
        regex.deallocate()
    }

    /// The UTF-8 byte range of the first match in `text`, or nil.
    public func firstMatch(in text: String) -> Range<Int>? {
        var text = text
        return text.withUTF8 { firstMatch(in: $0) }
    }

    /// The byte range of the first match in UTF-8 `bytes`, or nil.
    public func firstMatch(in bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        if !literal.isEmpty, !Self.contains(bytes, literal) { return nil }
        var match = regmatch_t()
        guard Self.exec(regex, bytes, &match, count: 1) else { return nil }
        return Int(match.rm_so)..<Int(match.rm_eo)
    }

    /// Capture group `group` of the first match (the whole match for 0; the whole match when the
    /// pattern has fewer groups) with its UTF-8 offset in `text`.
    public func firstGroup(in text: String, group: Int) -> (text: Substring, offset: Int)? {
        var text = text
        return text.withUTF8 { bytes -> (Substring, Int)? in
            if !literal.isEmpty, !Self.contains(bytes, literal) { return nil }
            var matches = [regmatch_t](repeating: regmatch_t(), count: 10)
            guard Self.exec(regex, bytes, &matches[0], count: 10) else { return nil }
            var m = matches[min(group, 9)]
            if m.rm_so < 0 { m = matches[0] }
            let start = Int(m.rm_so), end = Int(m.rm_eo)
            let slice = String(decoding: bytes[start..<end], as: UTF8.self)
            return (Substring(slice), start)
        }
    }

    /// Capture group `group` of every match, left to right (matches do not overlap; an empty
    /// match moves on by one byte), each with its UTF-8 offset in `text`. `^` matches after
    /// every line break, as in ``firstGroup(in:group:)``.
    public func allGroups(in text: String, group: Int) -> [(text: Substring, offset: Int)] {
        var text = text
        return text.withUTF8 { bytes -> [(Substring, Int)] in
            if !literal.isEmpty, !Self.contains(bytes, literal) { return [] }
            var out: [(Substring, Int)] = []
            var from = 0
            var matches = [regmatch_t](repeating: regmatch_t(), count: 10)
            while from <= bytes.count {
                matches[0].rm_so = regoff_t(from)
                matches[0].rm_eo = regoff_t(bytes.count)
                let notBOL = from > 0 && bytes[from - 1] != 0x0A ? REG_NOTBOL : 0
                guard Self.exec(regex, bytes, &matches[0], count: 10, from: from, flags: notBOL) else { break }
                let whole = matches[0]
                var m = matches[min(group, 9)]
                if m.rm_so < 0 { m = whole }
                let start = Int(m.rm_so), end = Int(m.rm_eo)
                out.append((Substring(String(decoding: bytes[start..<end], as: UTF8.self)), start))
                from = whole.rm_eo > whole.rm_so ? Int(whole.rm_eo) : Int(whole.rm_so) + 1
            }
            return out
        }
    }

    /// glibc's REG_STARTEND: the text's bounds come from `matches[0]`, so it needs no NUL
    /// terminator and no copy (and a NUL inside it is just a character).
    private static let startEnd: Int32 = 1 << 2

    private static func exec(
        _ regex: UnsafeMutablePointer<regex_t>, _ bytes: UnsafeBufferPointer<UInt8>, _ matches: UnsafeMutablePointer<regmatch_t>,
        count: Int, from: Int = 0, flags: Int32 = 0
    ) -> Bool {
        matches[0].rm_so = regoff_t(from)
        matches[0].rm_eo = regoff_t(bytes.count)
        let base = bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
        var empty: CChar = 0
        return withUnsafePointer(to: &empty) { fallback in
            regexec(regex, base ?? fallback, count, matches, startEnd | flags) == 0
        }
    }

    /// Whether `text` has a match.
    public func matches(_ text: String) -> Bool { firstMatch(in: text) != nil }

    private static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        ByteSearch.contains(haystack, needle)
    }

    /// The longest run of literal bytes, outside any group, that every match must contain, or
    /// `[]` when unsure (alternation at the top level, or nothing certain). Alternation inside a
    /// group does not matter: `(^|[^a-z])qm create` must still contain `qm create`.
    static func requiredLiteral(_ pattern: String) -> [UInt8] {
        let p = Array(pattern.utf8)
        var best: [UInt8] = []
        var run: [UInt8] = []
        var i = 0
        var depth = 0
        func flush() {
            if run.count > best.count { best = run }
            run = []
        }
        while i < p.count {
            let c = p[i]
            switch c {
            case UInt8(ascii: "("):
                depth += 1
                flush()
                i += 1
            case UInt8(ascii: ")"):
                depth -= 1
                flush()
                i += 1
                // A quantified group may be absent.
            case UInt8(ascii: "["):
                flush()
                i += 1
                if i < p.count, p[i] == UInt8(ascii: "]") { i += 1 }
                while i < p.count, p[i] != UInt8(ascii: "]") { i += 1 }
                i += 1
            case UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "{"):
                // The previous character is optional: drop it from the run.
                if !run.isEmpty { run.removeLast() }
                flush()
                if c == UInt8(ascii: "{") {
                    while i < p.count, p[i] != UInt8(ascii: "}") { i += 1 }
                }
                i += 1
            case UInt8(ascii: "+"):
                flush()
                i += 1
            case UInt8(ascii: "|"):
                if depth == 0 { return [] }
                flush()
                i += 1
            case UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "$"):
                flush()
                i += 1
            case UInt8(ascii: "\\"):
                if i + 1 < p.count {
                    let e = p[i + 1]
                    // `\|` is alternation too (a GNU extension).
                    if e == UInt8(ascii: "|") {
                        if depth == 0 { return [] }
                        flush()
                        i += 2
                        continue
                    }
                    let isClass = [UInt8(ascii: "s"), UInt8(ascii: "S"), UInt8(ascii: "w"), UInt8(ascii: "W"), UInt8(ascii: "b"), UInt8(ascii: "B"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "`"), UInt8(ascii: "'")].contains(e)
                    if isClass || (e >= UInt8(ascii: "0") && e <= UInt8(ascii: "9")) {
                        flush()
                    } else if depth == 0 {
                        run.append(e)
                    }
                }
                i += 2
            default:
                if depth == 0 { run.append(c) } else { flush() }
                i += 1
            }
        }
        flush()
        return best.count >= 2 ? best : []
    }
}

/// An invalid regular expression.
public struct RegexError: Error, Sendable, Hashable {
    /// The pattern.
    public var pattern: String
    /// libc's explanation.
    public var message: String
}
