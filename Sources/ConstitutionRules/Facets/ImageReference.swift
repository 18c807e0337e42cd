/// A container image reference split into its parts, following the Docker reference grammar:
/// `[registry/]path[:tag][@digest]`.
///
/// The first path component is a registry when it contains a `.` or a `:`, or is `localhost`,
/// and more components follow; otherwise the registry is Docker Hub (`docker.io`), whose
/// aliases (`index.docker.io`, `registry-1.docker.io`, `registry.hub.docker.com`) are
/// normalised, and whose `library/` prefix is dropped from ``name`` (`nginx`, not
/// `library/nginx`). Template expressions (`{{ … }}`, `${ … }`) are kept as written and never
/// split, so a templated part stays in the component that holds it.
public struct ImageReference: Sendable, Hashable {
    /// The reference as written (trimmed).
    public var reference: String
    /// The registry host (with port when given), e.g. `docker.io`, `quay.io`, `localhost:5000`.
    public var registry: String
    /// The repository path without registry, Docker Hub's `library/` dropped.
    public var name: String
    /// The tag, empty when absent.
    public var tag: String
    /// The digest (`sha256:…`), empty when absent.
    public var digest: String
    /// Where an explicitly written registry ends in ``reference`` (the `/` after it); nil when
    /// the registry is implied (Docker Hub).
    public var registryEnd: Int?
    /// Where ``name`` starts in ``reference`` (after the registry and Docker Hub's `library/`).
    public var nameStart: Int
    /// Where the tag starts in ``reference`` (its length when absent).
    public var tagStart: Int
    /// Where the digest starts in ``reference`` (its length when absent).
    public var digestStart: Int

    /// Docker Hub's host names.
    static let dockerHubAliases: Set<String> = ["docker.io", "index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"]

    /// Parses a reference. Never fails: odd input gives odd parts, not a crash.
    public init(_ text: String) {
        let b = Array(text.utf8)
        var lower = 0
        var upper = b.count
        while lower < upper, b[lower] == 0x20 || b[lower] == 0x09 { lower += 1 }
        while upper > lower, b[upper - 1] == 0x20 || b[upper - 1] == 0x09 || b[upper - 1] == 0x0A { upper -= 1 }
        let r = Array(b[lower..<upper])
        reference = String(decoding: r, as: UTF8.self)

        // Scan once, skipping template spans, for the digest `@`, slashes and colons.
        var at: Int?
        var firstSlash: Int?
        var lastSlash: Int?
        var lastColon: Int?
        var i = 0
        while i < r.count {
            let c = r[i]
            if (c == UInt8(ascii: "{") || c == UInt8(ascii: "$")), i + 1 < r.count, r[i + 1] == UInt8(ascii: "{") || r[i + 1] == UInt8(ascii: "%") {
                i = Self.skipTemplate(r, from: i)
                continue
            }
            if at == nil {
                if c == UInt8(ascii: "@") {
                    at = i
                } else if c == UInt8(ascii: "/") {
                    if firstSlash == nil { firstSlash = i }
                    lastSlash = i
                    lastColon = nil
                } else if c == UInt8(ascii: ":") {
                    lastColon = i
                }
            }
            i += 1
        }
        let nameEnd = at ?? r.count
        digestStart = at.map { $0 + 1 } ?? r.count
        digest = at.map { String(decoding: r[($0 + 1)...], as: UTF8.self) } ?? ""
        var pathEnd = nameEnd
        if let colon = lastColon, colon < nameEnd, colon > lastSlash ?? -1 {
            tag = String(decoding: r[(colon + 1)..<nameEnd], as: UTF8.self)
            tagStart = colon + 1
            pathEnd = colon
        } else {
            tag = ""
            tagStart = r.count
        }
        var start = 0
        var host = "docker.io"
        if let slash = firstSlash, slash < pathEnd {
            let first = r[0..<slash]
            let looksLikeHost =
                first.contains(UInt8(ascii: ".")) || first.contains(UInt8(ascii: ":")) || first.elementsEqual("localhost".utf8)
            if looksLikeHost && !first.contains(UInt8(ascii: "{")) {
                host = String(decoding: first, as: UTF8.self)
                start = slash + 1
                registryEnd = slash
            }
        }
        if Self.dockerHubAliases.contains(host) { host = "docker.io" }
        registry = host
        if host == "docker.io", pathEnd - start > 8, r[start..<(start + 8)].elementsEqual("library/".utf8) { start += 8 }
        nameStart = start
        name = String(decoding: r[start..<max(start, pathEnd)], as: UTF8.self)
    }

    /// The offset after a `{{ … }}`, `{% … %}` or `${ … }` span starting at `from`.
    private static func skipTemplate(_ b: [UInt8], from: Int) -> Int {
        // `${{ … }}` (Actions expressions) reads like `{{ … }}`.
        if b[from] == UInt8(ascii: "$"), from + 2 < b.count, b[from + 2] == UInt8(ascii: "{") { return skipTemplate(b, from: from + 1) }
        let dollar = b[from] == UInt8(ascii: "$")
        var i = from + 2
        while i < b.count {
            if dollar {
                if b[i] == UInt8(ascii: "}") { return i + 1 }
            } else if i + 1 < b.count, b[i + 1] == UInt8(ascii: "}"), b[i] == UInt8(ascii: "}") || b[i] == UInt8(ascii: "%") {
                return i + 2
            }
            i += 1
        }
        return b.count
    }
}
