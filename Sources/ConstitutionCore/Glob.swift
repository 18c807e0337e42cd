/// A path glob with gitignore's wildcard rules, matched against `/`-separated relative paths.
///
/// - `*` matches any run of characters except `/`; `?` one character except `/`;
///   `[abc]`, `[a-z]`, `[!a-z]` a character class; `\x` escapes `x`.
/// - `**` as a whole segment matches zero or more segments (`**/x`, `a/**/b`, `a/**`).
/// - A pattern without a `/` (other than a trailing one) matches the last segment at any depth
///   (`*.conf` matches `etc/dnsmasq.d/lab.conf`); with one it is anchored at the base.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    /// The pattern as written.
    public let pattern: String
    private let segments: [[UInt8]]
    private let anchored: Bool

    /// Compiles `pattern`. Leading `/` anchors; a trailing `/` is ignored here (callers that care
    /// about directories check ``GitIgnoreRule/directoryOnly``).
    public init(_ pattern: String) {
        self.pattern = pattern
        var p = pattern
        while p.hasSuffix("/"), p.count > 1 { p.removeLast() }
        var anchored = false
        if p.hasPrefix("/") {
            anchored = true
            p.removeFirst()
        }
        let parts = p.split(separator: "/", omittingEmptySubsequences: true).map { Array($0.utf8) }
        if parts.count > 1 { anchored = true }
        self.anchored = anchored
        self.segments = anchored ? parts : [Array("**".utf8)] + parts
    }

    public var description: String { pattern }

    /// Whether the relative path (segments separated by `/`, no leading `./`) matches.
    public func matches(_ path: String) -> Bool {
        Self.match(segments[...], Self.split(path)[...])
    }

    /// A path's segments as bytes (for matching one path against many globs).
    public static func split(_ path: String) -> [[UInt8]] {
        // Straight from the bytes (the segments of ``PathText/segments(_:)``, without making
        // Substrings first).
        PathText.withBytes(path) { bytes in
            var parts: [[UInt8]] = []
            var start = 0
            for i in 0...bytes.count where i == bytes.count || bytes[i] == UInt8(ascii: "/") {
                if start != i { parts.append(Array(UnsafeBufferPointer(rebasing: bytes[start..<i]))) }
                start = i + 1
            }
            return parts
        }
    }

    /// Whether the path's segments match.
    public func matches(segments parts: ArraySlice<[UInt8]>) -> Bool {
        Self.match(segments[...], parts)
    }

    private static let doubleStar = Array("**".utf8)

    private static func match(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == doubleStar {
            let rest = pattern.dropFirst()
            if rest.isEmpty { return true }
            var p = path
            while true {
                if match(rest, p) { return true }
                guard !p.isEmpty else { return false }
                p = p.dropFirst()
            }
        }
        guard let segment = path.first else { return false }
        return matchSegment(first[...], segment[...]) && match(pattern.dropFirst(), path.dropFirst())
    }

    /// fnmatch-style matching of one segment (no `/` inside either side).
    public static func matchSegment(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex
        var t = text.startIndex
        var starP = -1
        var starT = -1
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    starP = p
                    starT = t
                    p += 1
                    continue
                }
                if c == UInt8(ascii: "?") {
                    p += 1
                    t += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = matchClass(pattern, p, text[t]) {
                    if matched {
                        p = next
                        t += 1
                        continue
                    }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == UInt8(ascii: "\\"), p + 1 < pattern.endIndex {
                        literal = pattern[p + 1]
                        next = p + 2
                    }
                    if literal == text[t] {
                        p = next
                        t += 1
                        continue
                    }
                }
            }
            guard starP >= 0 else { return false }
            p = starP + 1
            starT += 1
            t = starT
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches `[...]` at `start`; returns whether `c` is in the class and the index after `]`,
    /// or nil when the bracket is not closed (then it is a literal `[`).
    private static func matchClass(_ pattern: ArraySlice<UInt8>, _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            let ch = pattern[i]
            if ch == UInt8(ascii: "]"), !first {
                return (matched != negate, i + 1)
            }
            first = false
            if i + 2 < pattern.endIndex, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != UInt8(ascii: "]") {
                if c >= ch && c <= pattern[i + 2] { matched = true }
                i += 3
            } else {
                if c == ch { matched = true }
                i += 1
            }
        }
        return nil
    }
}

/// One line of a `.constitutionignore` (gitignore syntax).
public struct GitIgnoreRule: Sendable, Hashable {
    /// The compiled pattern.
    public let glob: Glob
    /// `!pattern`: re-include what an earlier rule excluded.
    public let negated: Bool
    /// `pattern/`: only directories match.
    public let directoryOnly: Bool
    /// The directory (relative to the walk root, `""` for the root) whose ignore file holds it.
    public let base: String

    /// Parses the lines of an ignore file found in directory `base`.
    public static func parse(_ text: String, base: String) -> [GitIgnoreRule] {
        var rules: [GitIgnoreRule] = []
        for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var line = String(rawLine)
            // Trailing spaces are ignored unless escaped.
            while line.hasSuffix(" "), !line.hasSuffix("\\ ") { line.removeLast() }
            if line.isEmpty || line.hasPrefix("#") { continue }
            var negated = false
            if line.hasPrefix("!") {
                negated = true
                line.removeFirst()
            } else if line.hasPrefix("\\!") || line.hasPrefix("\\#") {
                line.removeFirst()
            }
            let directoryOnly = line.hasSuffix("/")
            if line.isEmpty { continue }
            rules.append(GitIgnoreRule(glob: Glob(line), negated: negated, directoryOnly: directoryOnly, base: base))
        }
        return rules
    }

    /// Whether this rule matches `path` (relative to the walk root).
    public func matches(_ path: String, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        if base.isEmpty { return glob.matches(path) }
        guard path.hasPrefix(base + "/") else { return false }
        return glob.matches(String(path.dropFirst(base.count + 1)))
    }
}
