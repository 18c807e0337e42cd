#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionYAML

/// A reviewed exception to a rule: inline (`# constitution:ignore RULE reason="…" until=DATE`,
/// on the finding's line or the line above) or central (an entry of `waivers.yaml`).
public struct Waiver: Sendable, Hashable {
    /// Inline or central.
    public enum Kind: String, Sendable, Hashable { case inline, central }

    public var kind: Kind
    /// The rule it silences.
    public var rule: String
    /// Central waivers: the files it covers (empty: every file).
    public var paths: [Glob]
    /// Why the exception is fine; a waiver without one is itself a finding and waives nothing.
    public var reason: String?
    /// `YYYY-MM-DD`; from that day on the waiver stops waiving and is reported.
    public var expires: String?
    public var owner: String?
    public var incident: String?
    /// Where the waiver is written.
    public var path: String
    public var location: SourceLocation
}

/// Reads waivers.
public enum WaiverReader {
    /// The marker of inline waivers.
    public static let marker = "constitution:ignore"
    /// The top-level keys of `waivers.yaml`.
    public static let fileKeys = ["schema", "waivers"]
    /// The keys of one central waiver.
    public static let keys = ["rule", "paths", "reason", "owner", "expires", "incident"]

    /// Inline waivers in a file's text (YAML comments and shell comments alike).
    public static func inline(in bytes: [UInt8], path: String) -> [Waiver] {
        guard ByteSearch.contains(bytes, Array(marker.utf8)) else { return [] }
        var out: [Waiver] = []
        let text = String(decoding: bytes, as: UTF8.self)
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let r = line.firstRange(of: marker) else { continue }
            // Only in a comment: a `#` before the marker on the same line.
            guard line[..<r.lowerBound].contains("#") else { continue }
            let column = line[..<r.lowerBound].unicodeScalars.count + 1
            let rest = line[r.upperBound...]
            let (words, pairs) = parseArguments(rest)
            guard let rule = words.first else { continue }
            out.append(
                Waiver(
                    kind: .inline, rule: rule, paths: [], reason: pairs["reason"].flatMap { $0.isEmpty ? nil : $0 },
                    expires: pairs["until"] ?? pairs["expires"], owner: pairs["owner"], incident: pairs["incident"], path: path,
                    location: SourceLocation(line: n + 1, column: column, offset: 0)))
        }
        return out
    }

    /// Splits `RULE key="value" key=value` into bare words and key/value pairs.
    static func parseArguments(_ s: Substring) -> ([String], [String: String]) {
        var words: [String] = []
        var pairs: [String: String] = [:]
        var i = s.startIndex
        while i < s.endIndex {
            while i < s.endIndex, s[i] == " " || s[i] == "\t" { i = s.index(after: i) }
            guard i < s.endIndex else { break }
            var key = ""
            while i < s.endIndex, s[i] != " ", s[i] != "=", s[i] != "\t" {
                key.append(s[i])
                i = s.index(after: i)
            }
            if i < s.endIndex, s[i] == "=" {
                i = s.index(after: i)
                var value = ""
                if i < s.endIndex, s[i] == "\"" || s[i] == "'" {
                    let q = s[i]
                    i = s.index(after: i)
                    while i < s.endIndex, s[i] != q {
                        value.append(s[i])
                        i = s.index(after: i)
                    }
                    if i < s.endIndex { i = s.index(after: i) }
                } else {
                    while i < s.endIndex, s[i] != " " {
                        value.append(s[i])
                        i = s.index(after: i)
                    }
                }
                pairs[key] = value
            } else if !key.isEmpty {
                words.append(key)
            }
        }
        return (words, pairs)
    }

    /// Central waivers from `waivers.yaml` (`schema: 1`, `waivers: [{rule, paths, reason,
    /// owner, expires, incident}]`), with located schema problems.
    public static func central(_ file: YAMLFile, path: String) -> ([Waiver], [Diagnostic]) {
        var r = SchemaReader(path: path)
        if let e = file.error { return ([], [Diagnostic(path: path, location: e.location, severity: .error, message: e.message)]) }
        guard let root = file.documents.first else { return ([], []) }
        guard r.checkKeys(root, known: fileKeys, what: "waivers.yaml") else { return ([], r.diagnostics) }
        IncidentDecoder.checkSchema(root, reader: &r)
        var out: [Waiver] = []
        if let list = root["waivers"] {
            for item in list.elements {
                guard r.checkKeys(item, known: keys, what: "a waiver") else { continue }
                guard let rule = r.requiredString(item, "rule", what: "a waiver") else { continue }
                let expires = r.optionalString(item, "expires")
                if let e = expires, !IncidentDecoder.isDate(e) {
                    r.error("expires must be YYYY-MM-DD, found '\(e)'", at: item["expires"]!.location)
                }
                out.append(
                    Waiver(
                        kind: .central, rule: rule, paths: r.stringList(item, "paths").map(Glob.init),
                        reason: r.optionalString(item, "reason").flatMap { $0.isEmpty ? nil : $0 }, expires: expires,
                        owner: r.optionalString(item, "owner"), incident: r.optionalString(item, "incident"), path: path,
                        location: item.location))
            }
        }
        return (out, r.diagnostics)
    }

    /// Today in UTC as `YYYY-MM-DD` (`$CONSTITUTION_TODAY` overrides it, for tests).
    public static func today() -> String {
        if let env = getenv("CONSTITUTION_TODAY") { return String(cString: env) }
        var t = time(nil)
        var parts = tm()
        gmtime_r(&t, &parts)
        func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(parts.tm_year + 1900)-\(two(parts.tm_mon + 1))-\(two(parts.tm_mday))"
    }
}

/// Applies waivers to findings.
public enum WaiverApplier {
    /// What applying produced.
    public struct Result: Sendable {
        /// Findings still standing (including waiver problems).
        public var findings: [Finding]
        /// Findings silenced, with the waiver that did it.
        public var waived: [(Finding, Waiver)]
    }

    /// The pseudo-rule waiver problems are reported under.
    public static let rule = "constitution-waiver"

    /// Applies `inline` (by file path) and `central` waivers to `findings` on `today`.
    public static func apply(_ findings: [Finding], inline: [String: [Waiver]], central: [Waiver], today: String) -> Result {
        var problems: [Finding] = []
        func usable(_ w: Waiver) -> Bool {
            if w.reason == nil {
                problems.append(
                    Finding(
                        path: w.path, location: w.location, rule: rule, severity: .error,
                        message: "the waiver of '\(w.rule)' has no reason; write reason=\"…\" (a waiver is reviewed data, not a silent hole)",
                        incident: nil))
                return false
            }
            if let e = w.expires, e < today {
                problems.append(
                    Finding(
                        path: w.path, location: w.location, rule: rule, severity: .warning,
                        message: "the waiver of '\(w.rule)' expired on \(e) and no longer applies", incident: nil))
                return false
            }
            return true
        }
        let usableInline = inline.mapValues { $0.filter(usable) }
        let usableCentral = central.filter(usable)
        var kept: [Finding] = []
        var waived: [(Finding, Waiver)] = []
        for f in findings {
            if let w = usableInline[f.path]?.first(where: { $0.rule == f.rule && ($0.location.line == f.location.line || $0.location.line + 1 == f.location.line) }) {
                waived.append((f, w))
            } else if let w = usableCentral.first(where: { $0.rule == f.rule && ($0.paths.isEmpty || $0.paths.contains { $0.matches(f.path) }) }) {
                waived.append((f, w))
            } else {
                kept.append(f)
            }
        }
        return Result(findings: kept + problems, waived: waived)
    }
}
