/// Fast byte-level helpers for `/`-separated paths. `String`'s Character-based APIs do grapheme
/// breaking on every call; paths are compared and split by bytes instead (also making the
/// sort order plain byte order, independent of Unicode normalisation).
public enum PathText {
    /// Calls `body` with the UTF-8 bytes of `text`: in place for native and small strings (every
    /// string this tool builds), through a contiguous copy otherwise (bridged strings).
    @inlinable
    public static func withBytes<R>(_ text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        if let result = try text.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = text
        return try copy.withUTF8(body)
    }

    /// `a + "/" + b`, built with one allocation and one copy of each side.
    public static func join(_ a: String, _ b: String) -> String {
        withBytes(a) { x in
            withBytes(b) { y in
                String(unsafeUninitializedCapacity: x.count + 1 + y.count) { out in
                    var i = out.initialize(fromContentsOf: x)
                    out[i] = UInt8(ascii: "/")
                    i += 1
                    i += UnsafeMutableBufferPointer(rebasing: out[i...]).initialize(fromContentsOf: y)
                    return i
                }
            }
        }
    }

    /// The path's segments, split on `/`, empty segments dropped.
    public static func segments(_ path: String) -> [Substring] {
        let u = path.utf8
        var out: [Substring] = []
        withBytes(path) { bytes in
            var count = 0
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "/") {
                if start != i { count += 1 }
                start = i + 1
            }
            out.reserveCapacity(count)
            start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "/") {
                if start != i {
                    out.append(Substring(u[u.index(u.startIndex, offsetBy: start)..<u.index(u.startIndex, offsetBy: i)]))
                }
                start = i + 1
            }
        }
        return out
    }

    /// The byte offset just after the last `/` (0 when there is none): where the last segment starts.
    @inlinable
    public static func lastSegmentOffset(_ bytes: UnsafeBufferPointer<UInt8>) -> Int {
        var i = bytes.count
        while i > 0 {
            if bytes[i - 1] == UInt8(ascii: "/") { return i }
            i -= 1
        }
        return 0
    }

    /// The last segment.
    public static func lastSegment(_ path: String) -> Substring {
        let start = withBytes(path) { lastSegmentOffset($0) }
        if start == 0 { return Substring(path) }
        let u = path.utf8
        return Substring(u[u.index(u.startIndex, offsetBy: start)...])
    }

    /// The byte range of the last segment's extension, without the dot; nil when there is none
    /// (no dot, or a dot-file such as `.bashrc`).
    @inlinable
    public static func extensionRange(_ bytes: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        let nameStart = lastSegmentOffset(bytes)
        var i = bytes.count
        while i > nameStart {
            if bytes[i - 1] == UInt8(ascii: ".") { return i - 1 == nameStart ? nil : i..<bytes.count }
            i -= 1
        }
        return nil
    }

    /// The lowercase extension of the last segment without the dot (`""` when none, or for
    /// dot-files such as `.bashrc`).
    public static func fileExtension(_ path: String) -> String {
        withBytes(path) { bytes in
            guard let range = extensionRange(bytes) else { return "" }
            return String(unsafeUninitializedCapacity: range.count) { out in
                for (k, byte) in bytes[range].enumerated() { out[k] = asciiLowercase(byte) }
                return range.count
            }
        }
    }

    /// `byte` with `A`–`Z` mapped to `a`–`z`.
    @inlinable
    public static func asciiLowercase(_ byte: UInt8) -> UInt8 {
        byte &- UInt8(ascii: "A") < 26 ? byte | 0x20 : byte
    }

    /// Whether `bytes`, ASCII-lowercased, equal `lowercaseLiteral` (which must be lowercase ASCII).
    @inlinable
    public static func equalsLowercased(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ lowercaseLiteral: StaticString) -> Bool {
        guard bytes.count == lowercaseLiteral.utf8CodeUnitCount else { return false }
        let literal = lowercaseLiteral.utf8Start
        var k = 0
        for byte in bytes {
            if asciiLowercase(byte) != literal[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether `bytes` equal `literal` exactly.
    @inlinable
    public static func equals(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ literal: StaticString) -> Bool {
        guard bytes.count == literal.utf8CodeUnitCount else { return false }
        let l = literal.utf8Start
        var k = 0
        for byte in bytes {
            if byte != l[k] { return false }
            k += 1
        }
        return true
    }

    /// Whether `bytes` start with `literal`.
    @inlinable
    public static func hasPrefix(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ literal: StaticString) -> Bool {
        guard bytes.count >= literal.utf8CodeUnitCount else { return false }
        return equals(bytes.prefix(literal.utf8CodeUnitCount), literal)
    }

    /// Whether `bytes` end with `literal`.
    @inlinable
    public static func hasSuffix(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ literal: StaticString) -> Bool {
        guard bytes.count >= literal.utf8CodeUnitCount else { return false }
        return equals(bytes.suffix(literal.utf8CodeUnitCount), literal)
    }

    /// Whether `bytes`, ASCII-lowercased, start with `lowercaseLiteral`.
    @inlinable
    public static func hasPrefixLowercased(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ lowercaseLiteral: StaticString) -> Bool {
        guard bytes.count >= lowercaseLiteral.utf8CodeUnitCount else { return false }
        return equalsLowercased(bytes.prefix(lowercaseLiteral.utf8CodeUnitCount), lowercaseLiteral)
    }

    /// Whether `bytes`, ASCII-lowercased, end with `lowercaseLiteral`.
    @inlinable
    public static func hasSuffixLowercased(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, _ lowercaseLiteral: StaticString) -> Bool {
        guard bytes.count >= lowercaseLiteral.utf8CodeUnitCount else { return false }
        return equalsLowercased(bytes.suffix(lowercaseLiteral.utf8CodeUnitCount), lowercaseLiteral)
    }

    /// Whether every byte is ASCII (then Character-based and byte-based string operations agree,
    /// except for `\r\n`, which no path helper splits on).
    @inlinable
    public static func isASCII(_ bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        for byte in bytes where byte >= 0x80 { return false }
        return true
    }

    /// The positions of `paths` in listing order (``less``), each path once (the first of equal
    /// ones). Already sorted paths, as one walked folder gives, are returned as they are.
    public static func sortedUniqueOrder(_ paths: [String]) -> [Int] {
        if paths.indices.dropFirst().allSatisfy({ less(paths[$0 - 1], paths[$0]) }) { return Array(paths.indices) }
        var keep: [Int] = []
        keep.reserveCapacity(paths.count)
        for i in paths.indices.sorted(by: { less(paths[$0], paths[$1]) }) where keep.last.map({ paths[$0] != paths[i] }) ?? true {
            keep.append(i)
        }
        return keep
    }

    /// The order of every sorted listing: byte order, except that `/` sorts before every other
    /// byte, so a folder's files come right after each other (`a/b` < `a-c`), exactly the order
    /// of a depth-first walk with sorted folder entries.
    public static func less(_ a: String, _ b: String) -> Bool {
        withBytes(a) { x in
            withBytes(b) { y in
                let n = min(x.count, y.count)
                var i = 0
                // Paths in one listing share long prefixes: skip equal 8-byte words first.
                if n >= 8, let xBase = x.baseAddress, let yBase = y.baseAddress {
                    let px = UnsafeRawPointer(xBase), py = UnsafeRawPointer(yBase)
                    while i + 8 <= n,
                        px.loadUnaligned(fromByteOffset: i, as: UInt64.self) == py.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                    {
                        i += 8
                    }
                }
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
