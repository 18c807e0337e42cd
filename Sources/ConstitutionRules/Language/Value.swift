import ConstitutionCore
import ConstitutionYAML

/// Maps positions inside a YAML document that was itself embedded in a scalar (a blueprint in a
/// ConfigMap's `data`) back to the outer file: embedded line `l` is file line `l + lineDelta`,
/// and its column is shifted by `columnDelta`.
public struct Embedding: Sendable, Hashable {
    /// Added to every embedded line.
    public var lineDelta: Int
    /// Added to every embedded column.
    public var columnDelta: Int
    /// Added to every embedded byte offset.
    public var offsetDelta: Int

    /// Maps an embedded location to the outer file.
    public func map(_ l: SourceLocation) -> SourceLocation {
        SourceLocation(line: l.line + lineDelta, column: l.column + columnDelta, offset: l.offset + offsetDelta)
    }
}

/// A string with a way back to the file: each line of the text starts at a known location.
///
/// Built for block scalars (each content line maps to its own source line), single-line scalars,
/// whole text files and synthetic strings (which all map to one location).
public struct LocatedText: Sendable {
    /// The text.
    public let text: String
    /// For each line of `text` (split at `\n`), where it starts in the file. When the text's
    /// lines do not correspond to source lines (folded or escaped scalars), a single entry.
    public let lineStarts: [SourceLocation]
    /// Whether `lineStarts` maps every line exactly.
    public let exact: Bool

    /// Creates a located text.
    public init(text: String, lineStarts: [SourceLocation], exact: Bool) {
        self.text = text
        self.lineStarts = lineStarts.isEmpty ? [.start] : lineStarts
        self.exact = exact
    }

    /// A synthetic text that maps wholly to `location`.
    public init(_ text: String, at location: SourceLocation) {
        self.init(text: text, lineStarts: [location], exact: false)
    }

    /// The file location of UTF-8 byte `offset` in `text`.
    public func location(ofUTF8 offset: Int) -> SourceLocation {
        guard exact else { return lineStarts[0] }
        var line = 0
        var lineStartByte = 0
        var i = 0
        for byte in text.utf8 {
            if i >= offset { break }
            if byte == 0x0A {
                line += 1
                lineStartByte = i + 1
            }
            i += 1
        }
        guard line < lineStarts.count else { return lineStarts[lineStarts.count - 1] }
        let base = lineStarts[line]
        let prefix = text.utf8.dropFirst(lineStartByte).prefix(offset - lineStartByte)
        let scalars = prefix.reduce(0) { $0 + ($1 & 0xC0 == 0x80 ? 0 : 1) }
        return SourceLocation(line: base.line, column: base.column + scalars, offset: base.offset + prefix.count)
    }

    /// Lines of the text with their locations (for per-line facets such as shell scripts).
    /// Linear in the text: line `i` starts at `lineStarts[i]` when the mapping is exact.
    public var lines: [(text: Substring, location: SourceLocation)] {
        var out: [(Substring, SourceLocation)] = []
        let u = text.utf8
        var start = u.startIndex
        var i = u.startIndex
        func add(_ end: String.UTF8View.Index) {
            let n = out.count
            let at = exact ? lineStarts[min(n, lineStarts.count - 1)] : lineStarts[0]
            out.append((Substring(u[start..<end]), at))
        }
        while i != u.endIndex {
            if u[i] == 0x0A {
                add(i)
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
        add(u.endIndex)
        return out
    }
}

/// A synthetic mapping produced by a facet (a command, an image, a k3s server setting…).
public struct FacetObject: Sendable {
    /// Fields in a fixed order.
    public var fields: [(String, Value)]
    /// Where the item is (the finding's default position).
    public var location: SourceLocation

    /// Creates an object.
    public init(fields: [(String, Value)], location: SourceLocation) {
        self.fields = fields
        self.location = location
    }

    /// The field named `name`.
    public subscript(name: String) -> Value? {
        fields.first { $0.0 == name }?.1
    }
}

/// What conditions are evaluated against: a real YAML node (possibly from an embedded document),
/// a located text, a list, a facet object, or a missing value (with where it would have been).
public enum Value: Sendable {
    /// A node of a parsed file, with the embedding that maps it to its outer file if any.
    case node(YAMLNode, Embedding?)
    /// A string with positions.
    case text(LocatedText)
    /// A synthetic list.
    case list([Value], SourceLocation)
    /// A synthetic mapping.
    case object(FacetObject)
    /// Nothing at a path; the location is the closest existing thing (the parent's key).
    case missing(SourceLocation)

    /// Where the value is, mapped to the outer file.
    public var location: SourceLocation {
        switch self {
        case .node(let n, let e): return e.map { $0.map(n.location) } ?? n.location
        case .text(let t): return t.lineStarts[0]
        case .list(_, let l): return l
        case .object(let o): return o.location
        case .missing(let l): return l
        }
    }

    /// Whether both are the same node of the same file (aliases not followed).
    public func isSameNode(as other: Value) -> Bool {
        guard case .node(let a, let ea) = self, case .node(let b, let eb) = other else { return false }
        return a.file === b.file && a.id == b.id && ea == eb
    }

    /// Whether the value is missing.
    public var isMissing: Bool {
        if case .missing = self { return true }
        return false
    }

    /// The scalar text of a scalar node or a text; nil for collections and missing values.
    public var scalarText: String? {
        switch self {
        case .node(let n, _): return n.scalar
        case .text(let t): return t.text
        default: return nil
        }
    }

    /// A located text for a scalar (for regex positions), nil otherwise.
    public var locatedText: LocatedText? {
        switch self {
        case .node(let n, let e):
            guard let text = LocatedText(scalar: n) else { return nil }
            guard let e else { return text }
            return LocatedText(text: text.text, lineStarts: text.lineStarts.map(e.map), exact: text.exact)
        case .text(let t): return t
        default: return nil
        }
    }

    /// Whether the value is empty: missing, null, `""`, `[]` or `{}`.
    public var isEmpty: Bool {
        switch self {
        case .missing: return true
        case .node(let n, _):
            switch n.kind {
            case .scalar: return n.isNull || n.scalar == ""
            case .sequence, .mapping: return n.count == 0 && n.pairs.isEmpty
            case .alias: return false
            }
        case .text(let t): return t.text.isEmpty
        case .list(let items, _): return items.isEmpty
        case .object(let o): return o.fields.isEmpty
        }
    }

    /// Sequence elements or list items (empty for everything else).
    public var elements: [Value] {
        switch self {
        case .node(let n, let e): return n.kind == .sequence ? n.elements.map { .node($0, e) } : []
        case .list(let items, _): return items
        default: return []
        }
    }

    /// The value of a mapping key or object field; `.missing` at the parent's position when absent.
    public func child(_ key: String) -> Value {
        switch self {
        case .node(let n, let e):
            if let v = n[key] { return .node(v, e) }
            return .missing(parentAnchor)
        case .object(let o):
            return o[key] ?? .missing(o.location)
        case .missing(let l):
            return .missing(l)
        default:
            return .missing(location)
        }
    }

    /// Mapping values or object fields, in order (with their keys).
    public var entries: [(key: String?, keyLocation: SourceLocation, value: Value)] {
        switch self {
        case .node(let n, let e):
            guard n.kind == .mapping else { return [] }
            return n.pairs.map { pair in
                let keyLoc = e.map { $0.map(pair.key.location) } ?? pair.key.location
                return (pair.key.scalar, keyLoc, .node(pair.value, e))
            }
        case .object(let o):
            return o.fields.map { ($0.0, o.location, $0.1) }
        default:
            return []
        }
    }

    /// Where a finding about a missing child of this value goes: the key that holds this value
    /// when there is one, else the value itself.
    var parentAnchor: SourceLocation { location }
}

extension LocatedText {
    /// The located text of a scalar node: block scalars map line by line; single-line plain and
    /// quoted scalars map column by column; other multi-line scalars map to the node's start.
    public init?(scalar node: YAMLNode) {
        guard let text = node.scalar else { return nil }
        let start = node.resolved.location
        let source = node.file.source
        switch node.scalarStyle {
        case .literal, .folded:
            let starts = BlockScalarLines.contentLineStarts(source: source, indicator: start, lineCount: text.utf8.filter { $0 == 0x0A }.count + 1)
            let exact = node.scalarStyle == .literal && !starts.isEmpty
            self.init(text: text, lineStarts: exact ? starts : [start], exact: exact)
        case .plain:
            let singleLine = !text.utf8.contains(0x0A)
            self.init(text: text, lineStarts: [start], exact: singleLine)
        case .singleQuoted, .doubleQuoted:
            let simple = !text.utf8.contains(0x0A) && !text.utf8.contains(UInt8(ascii: "'"))
                && !text.utf8.contains(UInt8(ascii: "\\")) && !text.utf8.contains(UInt8(ascii: "\""))
            let inner = SourceLocation(line: start.line, column: start.column + 1, offset: start.offset + 1)
            self.init(text: text, lineStarts: [simple ? inner : start], exact: simple)
        case .none:
            return nil
        }
    }
}

/// Finds where the content lines of a block scalar (`|` or `>`) start in the source.
enum BlockScalarLines {
    /// The location of each content line, given the location of the `|`/`>` indicator.
    static func contentLineStarts(source: [UInt8], indicator: SourceLocation, lineCount: Int) -> [SourceLocation] {
        var i = indicator.offset
        let n = source.count
        // Explicit indentation indicator (`|2`, `>-4`).
        var explicitIndent: Int?
        var j = i + 1
        while j < n, source[j] != 0x0A, source[j] != 0x0D, source[j] != UInt8(ascii: " "), source[j] != UInt8(ascii: "#") {
            if source[j] >= UInt8(ascii: "1") && source[j] <= UInt8(ascii: "9") { explicitIndent = Int(source[j] - UInt8(ascii: "0")) }
            j += 1
        }
        while i < n, source[i] != 0x0A { i += 1 }
        i += 1
        var line = indicator.line + 1
        var starts: [SourceLocation] = []
        var indent = explicitIndent.map { $0 + parentIndent(source: source, indicator: indicator) }
        while starts.count < lineCount, i <= n {
            var k = i
            var spaces = 0
            while k < n, source[k] == UInt8(ascii: " ") {
                k += 1
                spaces += 1
            }
            let blank = k >= n || source[k] == 0x0A || source[k] == 0x0D
            if indent == nil, !blank { indent = spaces }
            let use = min(spaces, indent ?? spaces)
            starts.append(SourceLocation(line: line, column: use + 1, offset: i + use))
            while i < n, source[i] != 0x0A { i += 1 }
            i += 1
            line += 1
        }
        return starts
    }

    /// The indentation of the line holding the indicator (for explicit indentation indicators).
    private static func parentIndent(source: [UInt8], indicator: SourceLocation) -> Int {
        var s = indicator.offset
        while s > 0, source[s - 1] != 0x0A { s -= 1 }
        var spaces = 0
        while s + spaces < source.count, source[s + spaces] == UInt8(ascii: " ") { spaces += 1 }
        return spaces
    }
}
