import ConstitutionCore
import ConstitutionYAML

/// A text with a piecewise map from its UTF-8 offsets back to the file: the working form of
/// every string a facet slices, joins or re-tokenises.
///
/// ``LocatedText`` maps whole lines; a facet needs more. A command line joined across `\`
/// continuations, a folded `>-` scalar, a free-form `k=v` value with `\n` escapes or a command
/// with `chdir=…` removed from its middle are each made of pieces that sit at different places
/// of the file. ``MappedText`` keeps one ``Anchor`` per piece, so the token `servicelb` of a
/// folded `extra_server_args: >-` block still points at its own line and column.
///
/// Offsets are UTF-8 byte offsets into ``bytes``; columns advance by Unicode scalars, as
/// ``SourceLocation`` counts them.
struct MappedText: Sendable {
    /// Where a piece of the text starts in the file.
    struct Anchor: Sendable, Equatable {
        /// The UTF-8 offset in ``MappedText/bytes`` where the piece starts.
        var offset: Int
        /// Where that byte is in the file.
        var location: SourceLocation
    }

    /// The text's UTF-8 bytes.
    let bytes: [UInt8]
    /// Piece starts, sorted by offset; the first is at offset 0.
    let anchors: [Anchor]
    /// Whether offsets map exactly; when false every offset maps to the first anchor.
    let exact: Bool
    /// Where the text as a whole is reported when it is not one exact run of lines: the start
    /// of a folded or multi-line plain scalar (as ``LocatedText/init(scalar:)`` reports it).
    /// Tokens inside still map exactly.
    var origin: SourceLocation?

    /// Creates a mapped text. `anchors` must be sorted and non-empty.
    init(bytes: [UInt8], anchors: [Anchor], exact: Bool, origin: SourceLocation? = nil) {
        self.bytes = bytes
        self.anchors = anchors.isEmpty ? [Anchor(offset: 0, location: .start)] : anchors
        self.exact = exact
        self.origin = origin
    }

    /// A text that maps wholly to `location`.
    init(synthetic text: String, at location: SourceLocation) {
        self.init(bytes: Array(text.utf8), anchors: [Anchor(offset: 0, location: location)], exact: false)
    }

    /// The mapped form of a located text (one anchor per line when exact).
    init(_ text: LocatedText) {
        let bytes = Array(text.text.utf8)
        guard text.exact else {
            self.init(bytes: bytes, anchors: [Anchor(offset: 0, location: text.lineStarts[0])], exact: false)
            return
        }
        var anchors = [Anchor(offset: 0, location: text.lineStarts[0])]
        var line = 1
        for i in bytes.indices where bytes[i] == 0x0A {
            guard line < text.lineStarts.count else { break }
            anchors.append(Anchor(offset: i + 1, location: text.lineStarts[line]))
            line += 1
        }
        self.init(bytes: bytes, anchors: anchors, exact: true)
    }

    /// The mapped text of a scalar node, or nil for collections.
    ///
    /// Literal blocks and single-line scalars map exactly (as ``LocatedText/init(scalar:)``);
    /// folded blocks and multi-line plain scalars are aligned with their source lines so that
    /// each folded line keeps its own position. Other scalars map to their start.
    init?(scalar node: YAMLNode) {
        guard let located = LocatedText(scalar: node) else { return nil }
        let value = Array(located.text.utf8)
        // A plain scalar folded from several lines has no line break left, so LocatedText calls
        // it exact; it is only when the scalar fits on its first line.
        let folded = node.scalarStyle == .folded || (node.scalarStyle == .plain && !Self.fitsOnFirstLine(node, value.count))
        if folded || !located.exact, let aligned = Self.alignFolded(node: node, value: value) {
            self = aligned
            return
        }
        if folded {
            self.init(bytes: value, anchors: [Anchor(offset: 0, location: located.lineStarts[0])], exact: false)
            return
        }
        self.init(located)
    }

    /// A whole text file: one anchor per line, a UTF-8 byte-order mark skipped.
    static func file(_ source: [UInt8]) -> MappedText {
        var start = 0
        if source.count >= 3, source[0] == 0xEF, source[1] == 0xBB, source[2] == 0xBF { start = 3 }
        let bytes = start == 0 ? source : Array(source[start...])
        var anchors = [Anchor(offset: 0, location: SourceLocation(line: 1, column: 1, offset: start))]
        var line = 1
        for i in bytes.indices where bytes[i] == 0x0A {
            line += 1
            anchors.append(Anchor(offset: i + 1, location: SourceLocation(line: line, column: 1, offset: start + i + 1)))
        }
        return MappedText(bytes: bytes, anchors: anchors, exact: true)
    }

    /// The text as a string.
    var string: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the text is empty or only whitespace.
    var isBlank: Bool { bytes.allSatisfy { ShellWords.isSpace($0) || $0 == 0x0A } }

    /// Where the byte at `offset` is in the file.
    func location(at offset: Int) -> SourceLocation {
        guard exact else { return anchors[0].location }
        let anchor = anchors[anchorIndex(at: offset)]
        let end = min(max(offset, anchor.offset), bytes.count)
        var columns = 0
        var i = anchor.offset
        while i < end {
            if bytes[i] & 0xC0 != 0x80 { columns += 1 }
            i += 1
        }
        return SourceLocation(
            line: anchor.location.line, column: anchor.location.column + columns,
            offset: anchor.location.offset + (end - anchor.offset))
    }

    /// Finds the locations of offsets asked in increasing order by scanning on from the last
    /// one (``location(at:)`` scans from the start of the offset's piece every time). An offset
    /// before the last one is answered by ``location(at:)``.
    struct Locator {
        let text: MappedText
        private var anchor = 0
        private var offset: Int
        private var current: SourceLocation

        init(_ text: MappedText) {
            self.text = text
            offset = text.anchors[0].offset
            current = text.anchors[0].location
        }

        /// The same as `text.location(at: target)`.
        mutating func location(at target: Int) -> SourceLocation {
            guard text.exact else { return text.anchors[0].location }
            if target < offset { return text.location(at: target) }
            var a = anchor
            while a + 1 < text.anchors.count, text.anchors[a + 1].offset <= target { a += 1 }
            if a != anchor {
                anchor = a
                offset = text.anchors[a].offset
                current = text.anchors[a].location
            }
            let end = min(max(target, offset), text.bytes.count)
            var columns = 0
            var i = offset
            while i < end {
                if text.bytes[i] & 0xC0 != 0x80 { columns += 1 }
                i += 1
            }
            current = SourceLocation(line: current.line, column: current.column + columns, offset: current.offset + (end - offset))
            offset = end
            return current
        }
    }

    /// The index of the last anchor at or before `offset`.
    private func anchorIndex(at offset: Int) -> Int {
        var low = 0
        var high = anchors.count - 1
        while low < high {
            let mid = (low + high + 1) / 2
            if anchors[mid].offset <= offset { low = mid } else { high = mid - 1 }
        }
        return low
    }

    /// The text made of `ranges` of this one, in order, each keeping its positions.
    func extract(_ ranges: [Range<Int>]) -> MappedText {
        var out: [UInt8] = []
        var outAnchors: [Anchor] = []
        for range in ranges where !range.isEmpty {
            let lower = max(0, range.lowerBound)
            let upper = min(bytes.count, range.upperBound)
            guard lower < upper else { continue }
            let base = out.count
            outAnchors.append(Anchor(offset: base, location: location(at: lower)))
            if exact {
                var k = anchorIndex(at: lower) + 1
                while k < anchors.count, anchors[k].offset < upper {
                    outAnchors.append(Anchor(offset: base + anchors[k].offset - lower, location: anchors[k].location))
                    k += 1
                }
            }
            out.append(contentsOf: bytes[lower..<upper])
        }
        if outAnchors.isEmpty { outAnchors = [Anchor(offset: 0, location: location(at: ranges.first?.lowerBound ?? 0))] }
        return MappedText(bytes: out, anchors: outAnchors, exact: exact, origin: origin)
    }

    /// The sub-text at `range`.
    func slice(_ range: Range<Int>) -> MappedText { extract([range]) }

    /// The sub-text without leading and trailing spaces, tabs, carriage returns and newlines.
    func trimmed() -> MappedText {
        var lower = 0
        var upper = bytes.count
        while lower < upper, ShellWords.isSpace(bytes[lower]) || bytes[lower] == 0x0A { lower += 1 }
        while upper > lower, ShellWords.isSpace(bytes[upper - 1]) || bytes[upper - 1] == 0x0A { upper -= 1 }
        if lower == 0 && upper == bytes.count { return self }
        return slice(lower..<upper)
    }

    /// The located text for the facet API: exact when every piece boundary falls at a line
    /// start (so a line-based map is still right), else wholly at the text's start.
    var located: LocatedText {
        let text = string
        if let origin { return LocatedText(text, at: origin) }
        guard exact else { return LocatedText(text, at: anchors[0].location) }
        for k in anchors.indices.dropFirst() {
            let o = anchors[k].offset
            if o >= bytes.count || (o > 0 && bytes[o - 1] == 0x0A) { continue }
            // A piece inside a line is fine only when it simply continues the previous one.
            if anchors[k].location != continued(from: k - 1, to: o) { return LocatedText(text, at: anchors[0].location) }
        }
        var lineStarts = [location(at: 0)]
        for i in bytes.indices where bytes[i] == 0x0A { lineStarts.append(location(at: i + 1)) }
        return LocatedText(text: text, lineStarts: lineStarts, exact: true)
    }

    /// Where anchor `k`'s piece would put `offset` if it simply continued.
    private func continued(from k: Int, to offset: Int) -> SourceLocation {
        let a = anchors[k]
        var columns = 0
        for i in a.offset..<min(offset, bytes.count) where bytes[i] & 0xC0 != 0x80 { columns += 1 }
        return SourceLocation(line: a.location.line, column: a.location.column + columns, offset: a.location.offset + offset - a.offset)
    }

    /// This text, parsed out of `outer` (an embedded YAML document whose locations are
    /// offsets into `outer.bytes`), mapped through `outer` to the real file.
    func relocated(through outer: MappedText) -> MappedText {
        let moved = anchors.map { Anchor(offset: $0.offset, location: outer.location(at: $0.location.offset)) }
        return MappedText(
            bytes: bytes, anchors: moved, exact: exact && outer.exact,
            origin: origin.map { outer.location(at: $0.offset) } ?? (outer.exact ? nil : outer.origin ?? outer.anchors[0].location))
    }

    /// The text as a facet value.
    var value: Value { .text(located) }

    /// A single-location text for the token at `range` (its own position, exact or not).
    func token(_ range: Range<Int>) -> LocatedText {
        let lower = max(0, min(range.lowerBound, bytes.count))
        let upper = max(lower, min(range.upperBound, bytes.count))
        let text = String(decoding: bytes[lower..<upper], as: UTF8.self)
        let loc = location(at: lower)
        let singleLine = !bytes[lower..<upper].contains(0x0A)
        guard exact, singleLine else { return LocatedText(text, at: loc) }
        return LocatedText(text: text, lineStarts: [loc], exact: true)
    }
}

// MARK: - Folded and multi-line plain scalars

extension MappedText {
    /// Whether a plain scalar of `length` bytes fits between its start and the end of its line.
    fileprivate static func fitsOnFirstLine(_ node: YAMLNode, _ length: Int) -> Bool {
        let source = node.file.source
        let start = node.resolved.location.offset
        var i = start
        while i < source.count, source[i] != 0x0A, i - start < length { i += 1 }
        return i - start >= length
    }

    /// Aligns a folded block (`>`) or a multi-line plain scalar with the source lines it was
    /// folded from. Returns nil when the source does not line up (escapes, explicit indentation
    /// indicators, anything unexpected): callers then fall back to the scalar's start.
    fileprivate static func alignFolded(node: YAMLNode, value: [UInt8]) -> MappedText? {
        let style = node.scalarStyle
        guard style == .folded || style == .plain, !value.isEmpty else { return nil }
        let source = node.file.source
        let start = node.resolved.location
        guard start.offset < source.count else { return nil }
        var lines = SourceLines(source: source, start: start, style: style)
        var anchors: [Anchor] = []
        var i = 0
        var guardCount = 0
        while i < value.count {
            guardCount += 1
            if guardCount > value.count + 2 { return nil }
            guard let line = lines.next() else { return nil }
            let content = source[line.range]
            if content.isEmpty {
                if value[i] == 0x0A { i += 1 }
                continue
            }
            guard i + content.count <= value.count, value[i..<(i + content.count)].elementsEqual(content) else { return nil }
            anchors.append(Anchor(offset: i, location: line.location))
            i += content.count
            if i < value.count, value[i] == UInt8(ascii: " ") || value[i] == 0x0A { i += 1 }
        }
        guard !anchors.isEmpty else { return nil }
        return MappedText(bytes: value, anchors: anchors, exact: true, origin: start)
    }
}

/// Iterates the content lines of a folded block or a multi-line plain scalar in the source.
private struct SourceLines {
    let source: [UInt8]
    let style: ScalarStyle
    var position: Int
    var line: Int
    var indent: Int?
    var first: Bool
    var firstColumn: Int
    var failed = false

    init(source: [UInt8], start: SourceLocation, style: ScalarStyle) {
        self.source = source
        self.style = style
        self.line = start.line
        self.firstColumn = start.column
        self.first = true
        self.position = start.offset
        if style == .folded {
            // Skip the indicator line; refuse explicit indentation indicators.
            var j = start.offset + 1
            while j < source.count, source[j] != 0x0A {
                if source[j] >= UInt8(ascii: "1") && source[j] <= UInt8(ascii: "9") { failed = true }
                if source[j] == UInt8(ascii: "#") { break }
                j += 1
            }
            position = j + 1
            line += 1
            first = false
        }
    }

    /// The next line's content range (indentation and, for plain scalars, trailing blanks
    /// removed) and where it starts.
    mutating func next() -> (range: Range<Int>, location: SourceLocation)? {
        guard !failed, position <= source.count else { return nil }
        let n = source.count
        var lineEnd = position
        while lineEnd < n, source[lineEnd] != 0x0A { lineEnd += 1 }
        var contentEnd = lineEnd
        if contentEnd > position, source[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        defer {
            position = lineEnd + 1
            line += 1
        }
        if first {
            first = false
            var end = contentEnd
            while end > position, ShellWords.isSpace(source[end - 1]) { end -= 1 }
            return (position..<end, SourceLocation(line: line, column: firstColumn, offset: position))
        }
        var k = position
        var spaces = 0
        while k < contentEnd, source[k] == UInt8(ascii: " ") || (style == .plain && source[k] == 0x09) {
            k += 1
            spaces += 1
        }
        if k >= contentEnd { return (k..<k, SourceLocation(line: line, column: spaces + 1, offset: k)) }
        if style == .folded {
            if indent == nil { indent = spaces }
            guard let indent, spaces >= indent else { return nil }
            let begin = position + indent
            return (begin..<contentEnd, SourceLocation(line: line, column: indent + 1, offset: begin))
        }
        var end = contentEnd
        while end > k, ShellWords.isSpace(source[end - 1]) { end -= 1 }
        return (k..<end, SourceLocation(line: line, column: spaces + 1, offset: k))
    }
}
