import ConstitutionCore
import ConstitutionYAML

/// Reads a Jinja template (an Ansible `templates/*.j2`, a `copy: content:` with `{{ }}`) as
/// the YAML it renders to, when the Jinja sits only in values (README, "Where lint looks").
///
/// - Each `{{ … }}` on one line is replaced, for parsing, by a placeholder of the same length
///   (same bytes, same columns), and put back into the value afterwards: a templated value reads
///   as written (`image: "{{ app_image }}"` is `{{ app_image }}`), which rules treat as unknown
///   (the starter rules skip values matching `\{\{`), and nothing after it moves.
/// - A `{% if %}`, `{% endif %}` or `{% set … %}` alone on its line is blanked (its lines are
///   read as if the condition held), and so are a `{% for %}` and its `{% endfor %}` when the
///   loop only repeats sequence items (`- cidr: {{ cidr }}`: its lines are read once);
///   `{# … #}` comments are blanked.
/// - Anything else makes the template unreadable, with the reason and where: a `{% for %}`,
///   loop that repeats mapping keys, an `{% else %}`, `{% include %}` or other tag, a tag inside a line, an
///   expression over several lines, Jinja inside a mapping key, a `{{ … }}` standing where
///   whole lines go (`{{ env | to_nice_yaml }}`), or text that does not parse once the Jinja
///   is set aside.
public enum JinjaTemplate {
    /// What reading a template gave.
    public enum Reading: Sendable {
        /// The YAML it renders to (values with Jinja as written).
        case yaml(YAMLFile)
        /// Why it cannot be read, and where.
        case unreadable(reason: String, at: SourceLocation)
    }

    /// Whether `bytes` hold Jinja markup (`{{`, `{%` or `{#`).
    public static func hasJinja(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 2 else { return false }
        for i in 0..<(bytes.count - 1) where bytes[i] == UInt8(ascii: "{") {
            let next = bytes[i + 1]
            if next == UInt8(ascii: "{") || next == UInt8(ascii: "%") || next == UInt8(ascii: "#") { return true }
        }
        return false
    }

    /// Tags that only keep or drop whole lines, so blanking them leaves readable YAML.
    static let lineTags: Set<String> = ["if", "endif", "set"]

    /// One `{{ … }}` set aside: where it was, what was written and what stands in for it.
    struct Expression {
        var start: Int
        var original: ArraySlice<UInt8>
        var placeholder: [UInt8]
        /// Only spaces before it on its line.
        var firstOnLine: Bool
    }

    /// Parses `bytes` as the YAML the template renders to.
    public static func parse(path: String, bytes: [UInt8], maxDepth: Int = YAMLParser.defaultMaxDepth) -> Reading {
        var text = bytes
        var expressions: [Expression] = []
        var line = 1
        var lineStart = 0
        func location(_ offset: Int) -> SourceLocation {
            var column = 1
            var k = lineStart
            while k < offset {
                if bytes[k] & 0xC0 != 0x80 { column += 1 }
                k += 1
            }
            return SourceLocation(line: line, column: column, offset: offset)
        }
        func lineEnd(_ from: Int) -> Int {
            var e = from
            while e < bytes.count, bytes[e] != 0x0A { e += 1 }
            return e
        }
        /// The offset of `close` (two bytes) at or after `from` on the same line, or nil.
        func find(_ close: UInt8, from: Int) -> Int? {
            var k = from
            while k + 1 < bytes.count, bytes[k] != 0x0A {
                if bytes[k] == close && bytes[k + 1] == UInt8(ascii: "}") { return k }
                k += 1
            }
            return nil
        }
        func onlySpaces(_ range: Range<Int>) -> Bool {
            range.allSatisfy { bytes[$0] == UInt8(ascii: " ") || bytes[$0] == 0x09 || bytes[$0] == 0x0D }
        }
        // `{% for %}` loops over sequence items, open at this point.
        var openLoops = 0
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            if b == 0x0A {
                line += 1
                lineStart = i + 1
                i += 1
                continue
            }
            guard b == UInt8(ascii: "{"), i + 1 < bytes.count else {
                i += 1
                continue
            }
            switch bytes[i + 1] {
            case UInt8(ascii: "#"):
                // A comment: blanked, whatever its length (line breaks kept).
                var k = i + 2
                while k + 1 < bytes.count, !(bytes[k] == UInt8(ascii: "#") && bytes[k + 1] == UInt8(ascii: "}")) { k += 1 }
                guard k + 1 < bytes.count else { return .unreadable(reason: "a {# comment #} is not closed", at: location(i)) }
                for j in i...(k + 1) where text[j] != 0x0A && text[j] != 0x0D {
                    text[j] = UInt8(ascii: " ")
                }
                for j in i...(k + 1) where bytes[j] == 0x0A {
                    line += 1
                    lineStart = j + 1
                }
                i = k + 2
            case UInt8(ascii: "%"):
                guard let close = find(UInt8(ascii: "%"), from: i + 2) else {
                    return .unreadable(reason: "a {% … %} tag runs over several lines", at: location(i))
                }
                let end = lineEnd(i)
                guard onlySpaces(lineStart..<i), onlySpaces((close + 2)..<end) else {
                    return .unreadable(reason: "a {% … %} tag inside a line", at: location(i))
                }
                let name = tagName(bytes[(i + 2)..<close])
                let isSetBlock = name == "set" && !bytes[(i + 2)..<close].contains(UInt8(ascii: "="))
                if name == "for" && forRepeatsItems(bytes, after: end) {
                    openLoops += 1
                } else if name == "endfor" && openLoops > 0 {
                    openLoops -= 1
                } else if !lineTags.contains(name) || isSetBlock {
                    return .unreadable(reason: "{% \(name) %} changes the structure", at: location(i))
                }
                for j in lineStart..<end where text[j] != 0x0D { text[j] = UInt8(ascii: " ") }
                i = end
            case UInt8(ascii: "{"):
                guard let close = find(UInt8(ascii: "}"), from: i + 2) else {
                    return .unreadable(reason: "a {{ … }} expression runs over several lines", at: location(i))
                }
                let end = close + 2
                guard let placeholder = placeholder(id: expressions.count, for: bytes[i..<end]) else {
                    return .unreadable(reason: "too many {{ … }} expressions", at: location(i))
                }
                text.replaceSubrange(i..<end, with: placeholder)
                expressions.append(Expression(start: i, original: bytes[i..<end], placeholder: placeholder, firstOnLine: onlySpaces(lineStart..<i)))
                i = end
            default:
                i += 1
            }
        }
        let parsed = YAMLParser.parse(path: path, source: text, maxDepth: maxDepth)
        if let error = parsed.error {
            return .unreadable(reason: "it does not parse once the Jinja is set aside: \(error.message)", at: error.location)
        }
        guard !expressions.isEmpty else {
            // Only blanked lines: the tree is right, its source is the template.
            return .yaml(text == bytes ? parsed : parsed.rewritingScalars(source: bytes) { _, _, _ in nil })
        }
        var problem: (String, SourceLocation)?
        let restored = parsed.rewritingScalars(source: bytes) { value, isKey, at in
            guard value.contains(UInt8(ascii: "J")) else { return nil }
            var out: [UInt8] = []
            var changed = false
            var k = value.startIndex
            while k < value.endIndex {
                if value[k] == UInt8(ascii: "J"), let (id, _) = placeholderID(value[k...]), id < expressions.count,
                    value[k...].starts(with: expressions[id].placeholder)
                {
                    let e = expressions[id]
                    if problem == nil {
                        if isKey {
                            problem = ("Jinja inside a key", at)
                        } else if e.firstOnLine && at.offset == e.start {
                            problem = ("a {{ … }} stands where whole lines go", at)
                        }
                    }
                    out += e.original
                    k += e.placeholder.count
                    changed = true
                } else {
                    out.append(value[k])
                    k += 1
                }
            }
            return changed ? out : nil
        }
        if let (reason, at) = problem { return .unreadable(reason: reason, at: at) }
        return .yaml(restored)
    }

    /// Whether the body of a `{% for %}` whose line ends at `start` only repeats sequence
    /// items: every line at the body's least indentation starts with `- `, up to the matching
    /// `{% endfor %}` (nested loops and other tags alone on their lines are skipped over). Such
    /// a loop keeps the structure (a list), so its lines can be read once.
    static func forRepeatsItems(_ bytes: [UInt8], after start: Int) -> Bool {
        var lines: [ArraySlice<UInt8>] = []
        var depth = 0
        var k = start + 1
        while k < bytes.count {
            var e = k
            while e < bytes.count, bytes[e] != 0x0A { e += 1 }
            let line = bytes[k..<e]
            let text = line.drop { $0 == 0x20 || $0 == 0x09 }
            if text.starts(with: "{%".utf8) {
                let name = tagName(text.dropFirst(2))
                if name == "for" { depth += 1 }
                if name == "endfor" {
                    if depth == 0 { break }
                    depth -= 1
                }
            } else if !text.allSatisfy({ $0 == 0x0D }) {
                lines.append(line)
            }
            k = e + 1
        }
        guard k < bytes.count, !lines.isEmpty else { return false }
        func indent(_ l: ArraySlice<UInt8>) -> Int { l.prefix { $0 == 0x20 }.count }
        let least = lines.map(indent).min() ?? 0
        return lines.allSatisfy { l in
            indent(l) > least || l.dropFirst(least).starts(with: "- ".utf8) || l.dropFirst(least).elementsEqual("-".utf8)
        }
    }

    /// The tag's name: `{%- if x %}` → `if`.
    static func tagName(_ inner: ArraySlice<UInt8>) -> String {
        var k = inner.startIndex
        while k < inner.endIndex, inner[k] == UInt8(ascii: "-") || inner[k] == UInt8(ascii: "+") || inner[k] == 0x20 || inner[k] == 0x09 {
            k += 1
        }
        var e = k
        while e < inner.endIndex, (inner[e] | 0x20) >= UInt8(ascii: "a") && (inner[e] | 0x20) <= UInt8(ascii: "z") || inner[e] == UInt8(ascii: "_") {
            e += 1
        }
        return String(decoding: inner[k..<e], as: UTF8.self)
    }

    /// Base-35 digits: every upper-case letter but the `J` that closes the id.
    private static let digits = Array("0123456789ABCDEFGHIKLMNOPQRSTUVWXYZ".utf8)

    /// `J<id in base 35>J` then `j`s to the expression's length; non-ASCII bytes of the
    /// expression are kept, so columns stay where they were. Nil when it does not fit.
    static func placeholder(id: Int, for original: ArraySlice<UInt8>) -> [UInt8]? {
        var code: [UInt8] = []
        var n = id
        repeat {
            code.insert(digits[n % digits.count], at: 0)
            n /= digits.count
        } while n > 0
        let prefix = [UInt8(ascii: "J")] + code + [UInt8(ascii: "J")]
        guard prefix.count <= original.count, original.prefix(prefix.count).allSatisfy({ $0 < 0x80 }) else { return nil }
        var out = prefix
        for b in original.dropFirst(prefix.count) { out.append(b < 0x80 ? UInt8(ascii: "j") : b) }
        return out
    }

    /// The id of a placeholder starting at the slice's start, and its prefix length.
    static func placeholderID(_ s: ArraySlice<UInt8>) -> (Int, Int)? {
        var k = s.startIndex + 1
        var id = 0
        while k < s.endIndex, let d = digits.firstIndex(of: s[k]) {
            id = id * digits.count + d
            k += 1
            if id > 1 << 20 { return nil }
        }
        guard k > s.startIndex + 1, k < s.endIndex, s[k] == UInt8(ascii: "J") else { return nil }
        return (id, k + 1 - s.startIndex)
    }
}
