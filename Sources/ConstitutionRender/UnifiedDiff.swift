/// A unified diff of two texts (line based, Myers-style LCS), for `render --check`.
public enum UnifiedDiff {
    /// `diff -u`-like output; empty when the texts are equal.
    public static func diff(old: String, new: String, oldName: String, newName: String, context: Int = 3) -> String {
        guard old != new else { return "" }
        let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        // LCS table (texts here are small: CLAUDE.md, MEMORY.md, settings.json).
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
            }
        }
        enum Op { case same(String), del(String), add(String) }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(.same(a[i])); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Deletions first on ties, as diff -u prints them.
                ops.append(.del(a[i])); i += 1
            } else {
                ops.append(.add(b[j])); j += 1
            }
        }
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
            end = min(ops.count, end - max(0, quiet - context))
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
