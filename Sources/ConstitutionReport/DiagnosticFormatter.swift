import ConstitutionCore

/// Compiler-style rendering of a located message: `path:line:col: error: message`, the source
/// line and a caret under the column.
///
/// Text from the checked files is never echoed raw: control characters (ESC and the other C0
/// controls but tab, DEL, the C1 controls) become visible placeholders (`␛`, `␀`, `␡`, `�`), so a
/// file cannot move the cursor, recolour or retitle the terminal of whoever reads the report. A
/// source line longer than ``snippetWidth`` characters is cut to a window around the column,
/// with `…` where it was cut, so a 50 MB line prints about 200 characters, not 100 MB.
public enum DiagnosticFormatter {
    /// The most characters (Unicode scalars) of a source line shown under a message.
    public static let snippetWidth = 200

    /// Formats one diagnostic. `sourceLine` is the text of the diagnostic's line, when known.
    /// `path` and the source line are made displayable here; `message` is the caller's
    /// (it may carry styling), see ``displayable(_:)``.
    public static func format(
        path: String, location: SourceLocation, severity: String, message: String, sourceLine: String?,
        style: TerminalStyle
    ) -> String {
        format(
            path: path, location: location, severity: severity, message: message,
            source: sourceLine.map { SourceWindow($0) }, style: style)
    }

    /// ``format(path:location:severity:message:sourceLine:style:)`` with the line already
    /// prepared: many messages on one long line prepare it once.
    public static func format(
        path: String, location: SourceLocation, severity: String, message: String, source: SourceWindow?,
        style: TerminalStyle
    ) -> String {
        var out = style.bold("\(displayable(path)):\(location.line):\(location.column):") + " " + style.label(severity) + " "
            + style.bold(message)
        if let source, !source.isEmpty {
            let (line, caret) = source.snippet(column: location.column, width: snippetWidth)
            out += "\n" + line + "\n" + style.green(caret)
        }
        return out
    }

    /// Formats a ``Diagnostic`` (its message made displayable).
    public static func format(_ d: Diagnostic, sourceLine: String?, style: TerminalStyle) -> String {
        var out = format(
            path: d.path, location: d.location, severity: d.severity.rawValue, message: displayable(d.message),
            sourceLine: sourceLine, style: style)
        for note in d.notes { out += "\n  " + displayable(note) }
        return out
    }

    /// `text` with every control character but tab replaced by one visible character: C0
    /// controls by their Control Pictures (ESC → `␛`, NUL → `␀`, CR → `␍`), DEL by `␡`, C1
    /// controls by `�`. One scalar for one, so columns still line up. Text without them (the
    /// usual case) is returned as is after one pass over its bytes.
    public static func displayable(_ text: String) -> String {
        var clean = true
        var previous: UInt8 = 0
        for byte in text.utf8 {
            if (byte < 0x20 && byte != 0x09) || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte <= 0x9F) {
                clean = false
                break
            }
            previous = byte
        }
        if clean { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            out.append(displayable(scalar))
        }
        return String(out)
    }

    /// One scalar made displayable (see ``displayable(_:)-(String)``).
    static func displayable(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        switch scalar.value {
        case 0x09: return scalar
        case 0x00..<0x20: return Unicode.Scalar(0x2400 + scalar.value)!
        case 0x7F: return "\u{2421}"
        case 0x80..<0xA0: return "\u{FFFD}"
        default: return scalar
        }
    }

    /// A source line prepared for snippets: its length, and where its characters are, so that
    /// the window around any column is found without rescanning the line.
    public struct SourceWindow: Sendable {
        /// The whole line.
        let text: String
        /// Its length in Unicode scalars.
        let scalarCount: Int
        /// Every character is one byte: scalar `i` is byte `i`.
        let ascii: Bool
        /// For a long non-ASCII line, the byte offset of every ``stride``-th scalar.
        let checkpoints: [Int]
        static let stride = 64

        /// Prepares `line` (one pass over its bytes, two for a long non-ASCII line).
        public init(_ line: String) {
            text = line
            var scalars = 0
            var ascii = true
            for byte in line.utf8 {
                if byte & 0xC0 != 0x80 { scalars += 1 }
                if byte >= 0x80 { ascii = false }
            }
            scalarCount = scalars
            self.ascii = ascii
            var marks: [Int] = []
            if !ascii && scalars > DiagnosticFormatter.snippetWidth {
                marks.reserveCapacity(scalars / Self.stride + 1)
                var index = 0
                for (offset, byte) in line.utf8.enumerated() where byte & 0xC0 != 0x80 {
                    if index % Self.stride == 0 { marks.append(offset) }
                    index += 1
                }
            }
            checkpoints = marks
        }

        /// Whether the line is empty (no snippet is shown).
        public var isEmpty: Bool { scalarCount == 0 }

        /// The byte offset of scalar `index` (at most ``scalarCount``).
        private func byteOffset(ofScalar index: Int) -> Int {
            if ascii { return index }
            if index >= scalarCount { return text.utf8.count }
            let utf8 = text.utf8
            var offset = checkpoints[index / Self.stride]
            var remaining = index % Self.stride
            var i = utf8.index(utf8.startIndex, offsetBy: offset)
            while remaining > 0 {
                i = utf8.index(after: i)
                offset += 1
                if utf8[i] & 0xC0 != 0x80 { remaining -= 1 }
            }
            return offset
        }

        /// The text shown (displayable, at most `width` characters plus the `…` marks) and the
        /// caret line under 1-based `column`. Tabs before the column are kept in the caret line
        /// so the caret lines up in a terminal.
        public func snippet(column: Int, width: Int) -> (line: String, caret: String) {
            let target = max(column - 1, 0)
            var start = 0
            var end = scalarCount
            if scalarCount > width {
                start = min(max(target - width / 2, 0), scalarCount - width)
                end = start + width
            }
            let shown: Substring
            if start == 0 && end == scalarCount {
                shown = Substring(text)
            } else {
                let utf8 = text.utf8
                let from = utf8.index(utf8.startIndex, offsetBy: byteOffset(ofScalar: start))
                let to = utf8.index(utf8.startIndex, offsetBy: byteOffset(ofScalar: end))
                shown = Substring(utf8[from..<to])
            }
            var line = start > 0 ? "…" : ""
            var pad = start > 0 ? " " : ""
            var count = 0
            let limit = target - start
            for scalar in shown.unicodeScalars {
                if count < limit { pad.unicodeScalars.append(scalar == "\t" ? "\t" : " ") }
                line.unicodeScalars.append(DiagnosticFormatter.displayable(scalar))
                count += 1
            }
            if end < scalarCount { line += "…" }
            // A column past the end of the line (the window then ends with the line): the caret
            // goes where the column is, as if the line went on.
            if limit > count { pad += String(repeating: " ", count: min(limit - count, width)) }
            return (line, pad + "^")
        }
    }
}
