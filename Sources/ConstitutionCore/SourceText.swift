/// Helpers over a file's raw bytes: lines, caret snippets, offset ↔ position.
public enum SourceText {
    /// The text of 1-based line `line` (without its line break); empty when out of range.
    ///
    /// Lines break at `\n`, `\r\n` and `\r`. Invalid UTF-8 is repaired with U+FFFD.
    public static func line(_ line: Int, in bytes: [UInt8]) -> String {
        guard line >= 1 else { return "" }
        var current = 1
        var start = 0
        var i = 0
        let n = bytes.count
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3; i = 3 }
        while current < line {
            guard i < n else { return "" }
            let c = bytes[i]
            i += 1
            if c == 0x0A {
                current += 1
                start = i
            } else if c == 0x0D {
                if i < n, bytes[i] == 0x0A { i += 1 }
                current += 1
                start = i
            }
        }
        var end = start
        while end < n, bytes[end] != 0x0A, bytes[end] != 0x0D { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// A compiler-style snippet: the source line, then a caret under `column` (1-based,
    /// Unicode scalars). Tabs in the prefix are kept so the caret lines up in a terminal.
    public static func caretSnippet(line text: String, column: Int) -> String {
        var pad = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= column - 1 { break }
            pad.append(scalar == "\t" ? "\t" : " ")
            count += 1
        }
        if count < column - 1 { pad += String(repeating: " ", count: column - 1 - count) }
        return text + "\n" + pad + "^"
    }

    /// The 1-based line and column (Unicode scalars) of byte `offset`.
    public static func location(ofByte offset: Int, in bytes: [UInt8]) -> SourceLocation {
        var line = 1
        var column = 1
        var i = 0
        let end = min(offset, bytes.count)
        if end >= 3, bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { i = 3 }
        while i < end {
            let c = bytes[i]
            if c == 0x0A {
                line += 1
                column = 1
            } else if c == 0x0D {
                if i + 1 < end, bytes[i + 1] == 0x0A { i += 1 }
                line += 1
                column = 1
            } else if c & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return SourceLocation(line: line, column: column, offset: offset)
    }
}
