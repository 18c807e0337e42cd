#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Fast byte-level helpers for `/`-separated paths. `String`'s Character-based APIs do grapheme
/// breaking on every call; paths are compared and split by bytes instead (also making the
/// sort order plain byte order, independent of Unicode normalisation).
public enum PathText {
    /// The path's segments, split on `/`, empty segments dropped.
    public static func segments(_ path: String) -> [Substring] {
        path.utf8.split(separator: UInt8(ascii: "/")).map { Substring($0) }
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

    /// Byte-order comparison, the order of every sorted listing.
    public static func less(_ a: String, _ b: String) -> Bool {
        let fast = a.utf8.withContiguousStorageIfAvailable { x in
            b.utf8.withContiguousStorageIfAvailable { y -> Bool in
                let n = min(x.count, y.count)
                if n > 0 {
                    let c = memcmp(x.baseAddress!, y.baseAddress!, n)
                    if c != 0 { return c < 0 }
                }
                return x.count < y.count
            }
        }
        if let result = fast ?? nil { return result }
        return a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}
