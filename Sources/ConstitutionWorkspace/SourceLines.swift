import ConstitutionCore

/// Many lines of one file at once, for the source lines under findings and errors.
///
/// `SourceText.line` scans the file from its start for each line: fine for one line, quadratic
/// for a file with thousands of findings. This finds every wanted line in one pass.
public enum SourceLines {
    /// The text of each 1-based line in `lines` (any order, repeats allowed), exactly as
    /// `SourceText.line` gives it (lines break at `\n`, `\r\n` and `\r`; a UTF-8 byte-order mark
    /// is skipped; invalid UTF-8 is repaired with U+FFFD), in one pass that stops after the
    /// last wanted line. Lines past the end of the file are empty strings.
    public static func texts(_ lines: [Int], in bytes: [UInt8]) -> [Int: String] {
        var result: [Int: String] = [:]
        let wanted = Set(lines.filter { $0 >= 1 }).sorted()
        guard !wanted.isEmpty else { return result }
        result.reserveCapacity(wanted.count)
        bytes.withUnsafeBufferPointer { b in
            let n = b.count
            var start = 0
            if n >= 3, b[0] == 0xEF, b[1] == 0xBB, b[2] == 0xBF { start = 3 }
            var line = 1
            var next = 0  // index into `wanted`
            while next < wanted.count {
                // The line starting at `start` ends at the first CR or LF.
                var end = start
                while end < n, b[end] != 0x0A, b[end] != 0x0D { end += 1 }
                if line == wanted[next] {
                    result[line] = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
                    next += 1
                }
                guard end < n else { break }
                start = b[end] == 0x0D && end + 1 < n && b[end + 1] == 0x0A ? end + 2 : end + 1
                line += 1
            }
            // SourceText.line gives "" for a line past the end, and the last line's text for
            // the line after a final break (which is empty there too).
            while next < wanted.count {
                result[wanted[next]] = ""
                next += 1
            }
        }
        return result
    }
}
