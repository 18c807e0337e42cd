#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Substring search over bytes (memchr for the first byte, then a compare).
public enum ByteSearch {
    /// The offset of the first occurrence of `needle` in `haystack`, or nil.
    public static func firstOffset(of needle: [UInt8], in haystack: UnsafeBufferPointer<UInt8>) -> Int? {
        guard let first = needle.first else { return 0 }
        guard needle.count <= haystack.count, let base = haystack.baseAddress else { return nil }
        var start = 0
        let last = haystack.count - needle.count
        while start <= last {
            guard let hit = memchr(base + start, Int32(first), last - start + 1) else { return nil }
            let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
            if needle.withUnsafeBytes({ memcmp(base + at, $0.baseAddress!, needle.count) == 0 }) { return at }
            start = at + 1
        }
        return nil
    }

    /// The offset of the first occurrence of `needle` in `haystack`, or nil.
    public static func firstOffset(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        haystack.withUnsafeBufferPointer { firstOffset(of: needle, in: $0) }
    }

    /// Whether `needle` occurs in `haystack`.
    public static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        firstOffset(of: needle, in: haystack) != nil
    }

    /// Whether `needle` occurs in `haystack`.
    public static func contains(_ haystack: UnsafeBufferPointer<UInt8>, _ needle: [UInt8]) -> Bool {
        firstOffset(of: needle, in: haystack) != nil
    }
}

extension StringProtocol {
    /// Whether the text contains `other`, compared as UTF-8 bytes.
    ///
    /// Shadows the standard library's Character-based `contains(_:)` (from _StringProcessing),
    /// which costs tens of thousands of instructions per call: every needle in this code base
    /// is matched byte for byte (paths, flags, keys), so byte equality is the intended meaning.
    @inlinable
    public func contains(_ other: String) -> Bool {
        var other = other
        return other.withUTF8 { needle in
            if let hit = utf8.withContiguousStorageIfAvailable({ ByteSearch.contains($0, Array(needle)) }) { return hit }
            return ByteSearch.contains(Array(utf8), Array(needle))
        }
    }
}
