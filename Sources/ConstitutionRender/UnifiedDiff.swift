/// A unified diff of two texts (line based, LCS), for `render --check`.
public enum UnifiedDiff {
    /// `diff -u`-like output; empty when the texts are equal.
    public static func diff(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        diff(old: Array(old.utf8), new: Array(new.utf8), oldName: oldName, newName: newName, context: context)
    }

    /// `diff -u`-like output of two files' bytes; empty when they are equal. Lines are split at
    /// `\n` bytes only, so a CRLF line keeps its `\r` (a line that differs only in its ending
    /// shows as changed); bytes that are not UTF-8 are shown as U+FFFD.
    public static func diff(old: [UInt8], new: [UInt8], oldName: String, newName: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let a = old.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        let b = new.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        // The common head and tail are unchanged lines: only the middle needs the LCS table
        // (render changes one block, so the table stays small however long the file is).
        var head = 0
        while head < a.count, head < b.count, a[head].elementsEqual(b[head]) { head += 1 }
        var tail = 0
        while tail < a.count - head, tail < b.count - head, a[a.count - 1 - tail].elementsEqual(b[b.count - 1 - tail]) { tail += 1 }
        let n = a.count - head - tail, m = b.count - head - tail
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] =
                    a[head + i].elementsEqual(b[head + j]) ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        func text(_ line: ArraySlice<UInt8>) -> String { String(decoding: line, as: UTF8.self) }
        enum Op { case same(String), del(String), add(String) }
        var ops: [Op] = a[..<head].map { .same(text($0)) }
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[head + i].elementsEqual(b[head + j]) {
                ops.append(.same(text(a[head + i]))); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Deletions first on ties, as diff -u prints them.
                ops.append(.del(text(a[head + i]))); i += 1
            } else {
                ops.append(.add(text(b[head + j]))); j += 1
            }
        }
        ops += a[(a.count - tail)...].map { .same(text($0)) }
        var out = "--- \(oldName)\n+++ \(newName)\n"
        var k = 0
        var oldLine = 1, newLine = 1
        while k < ops.count {
            if case .same = ops[k] { k += 1; oldLine += 1; newLine += 1; continue }
            // A hunk: back up `context` lines, run until `2*context` unchanged lines.
            let start = max(0, k - context)
            var end = k
            var quiet = 0
            while end < ops.count {
                if case .same = ops[end] { quiet += 1 } else { quiet = 0 }
                if quiet > 2 * context { break }
                end += 1
            }
            // The unchanged lines taken at the end (the one that stopped the loop is not taken).
            let trailing = end < ops.count ? quiet - 1 : quiet
            end -= max(0, trailing - context)
            let back = k - start
            var oldCount = 0, newCount = 0
            for op in ops[start..<end] {
                switch op {
                case .same: oldCount += 1; newCount += 1
                case .del: oldCount += 1
                case .add: newCount += 1
                }
            }
            out += "@@ -\(oldLine - back),\(oldCount) +\(newLine - back),\(newCount) @@\n"
            for op in ops[start..<end] {
                switch op {
                case .same(let s): out += " " + s + "\n"
                case .del(let s): out += "-" + s + "\n"
                case .add(let s): out += "+" + s + "\n"
                }
            }
            for op in ops[k..<end] {
                switch op {
                case .same: oldLine += 1; newLine += 1
                case .del: oldLine += 1
                case .add: newLine += 1
                }
            }
            k = end
        }
        return out
    }
}
