/// Fast byte-level helpers for `/`-separated paths. `String`'s Character-based APIs do grapheme
/// breaking on every call; paths are compared and split by bytes instead (also making the
/// sort order plain byte order, independent of Unicode normalisation).
public enum PathText {
    /// The path's segments, split on `/`, empty segments dropped.
    public static func segments(_ path: String) -> [Substring] {
        let u = path.utf8
        var out: [Substring] = []
        var start = u.startIndex
        var i = u.startIndex
        while i != u.endIndex {
            if u[i] == UInt8(ascii: "/") {
                if start != i { out.append(Substring(u[start..<i])) }
                start = u.index(after: i)
            }
            i = u.index(after: i)
        }
        if start != u.endIndex { out.append(Substring(u[start..<u.endIndex])) }
        return out
    }

    /// The last segment.
    public static func lastSegment(_ path: String) -> Substring {
        let u = path.utf8
        if let slash = u.lastIndex(of: UInt8(ascii: "/")) { return Substring(u[u.index(after: slash)...]) }
        return Substring(path)
    }

    /// The lowercase extension of the last segment without the dot (`""` when none, or for
    /// dot-files such as `.bashrc`).
    public static func fileExtension(_ path: String) -> String {
        let name = lastSegment(path).utf8
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")), dot != name.startIndex else { return "" }
        let ext = name[name.index(after: dot)...]
        if ext.allSatisfy({ $0 < UInt8(ascii: "A") || $0 > UInt8(ascii: "Z") }) { return String(Substring(ext)) }
        return String(decoding: ext.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 + 32 : $0 }, as: UTF8.self)
    }

    /// The order of every sorted listing: byte order, except that `/` sorts before every other
    /// byte, so a folder's files come right after each other (`a/b` < `a-c`), exactly the order
    /// of a depth-first walk with sorted folder entries.
    public static func less(_ a: String, _ b: String) -> Bool {
        var a = a, b = b
        return a.withUTF8 { x in
            b.withUTF8 { y in
                let n = min(x.count, y.count)
                var i = 0
                while i < n {
                    let p = x[i], q = y[i]
                    if p != q {
                        if p == 0x2F { return true }
                        if q == 0x2F { return false }
                        return p < q
                    }
                    i += 1
                }
                return x.count < y.count
            }
        }
    }
}
