import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace
import ConstitutionYAML

/// A baseline: the findings a lab already had when it adopted the gate, a debt list rather than
/// reviewed decisions (those are waivers). `lint --baseline FILE` reports the findings it lists
/// as known (shown, counted, never failing) and fails only on new ones.
///
/// ```yaml
/// schema: 1
/// entries:
///   - rule: image-tag-pinned
///     path: "k8s/apps/web/deploy.yaml"
///     hash: 5f1c0e4b9a7d2c13
///     excerpt: "image: nginx:latest"
///     count: 2
/// ```
///
/// **Fingerprint.** A finding matches an entry when its rule id, its path (relative to the linted
/// root) and the hash of its source line agree. The line is the text of the line the finding
/// points at, with leading and trailing white space removed and every run of inner white space
/// made one space; `hash` is the first 16 hex digits of its SHA-256. Neither the line number,
/// the column nor the message takes part, so edits elsewhere in the file (lines added or
/// removed above, re-indentation, a reflowed document) keep the match. Editing the offending
/// line itself, renaming or moving the file, or a rule renamed, makes the finding new (and the
/// old entry no longer matches). Findings with the same fingerprint (the same offending line
/// repeated, e.g. two containers with `image: nginx:latest` in one file) share one entry whose
/// `count` says how many are known: the first `count` of them in file order are known, any
/// more are new. `excerpt` (the normalised line, cut at 120 characters) is for the reviewer
/// only.
///
/// The file is written sorted (path, rule, hash) with a fixed layout, so the same findings give
/// the same bytes.
public struct Baseline: Sendable, Equatable {
    /// The schema this tool writes and reads.
    public static let schemaVersion = 1
    /// The largest count an entry may have (so no sum of counts can overflow).
    public static let maxCount = 1_000_000_000
    /// The default file name (`baseline:` in `.constitution.yaml` usually names it).
    public static let defaultFileName = "constitution-baseline.yaml"

    /// What identifies a finding across edits.
    public struct Fingerprint: Sendable, Hashable, Comparable {
        public var rule: String
        public var path: String
        /// 16 hex digits of the SHA-256 of the normalised source line.
        public var hash: String

        public static func < (a: Fingerprint, b: Fingerprint) -> Bool {
            if a.path != b.path { return PathText.less(a.path, b.path) }
            if a.rule != b.rule { return PathText.less(a.rule, b.rule) }
            return a.hash < b.hash
        }
    }

    /// One fingerprint and how many findings carry it.
    public struct Entry: Sendable, Equatable {
        public var fingerprint: Fingerprint
        /// The normalised line, shortened, for people reading the file.
        public var excerpt: String
        public var count: Int
        /// Where the entry is written in the file read (nil for a baseline just recorded).
        public var line: Int?
    }

    /// The entries, sorted by fingerprint, one per fingerprint.
    public private(set) var entries: [Entry]

    /// A baseline of `entries`, merging those with the same fingerprint.
    public init(entries: [Entry]) {
        var merged: [Fingerprint: Entry] = [:]
        for e in entries where e.count > 0 {
            if var old = merged[e.fingerprint] {
                old.count = min(old.count + e.count, Self.maxCount)
                merged[e.fingerprint] = old
            } else {
                merged[e.fingerprint] = e
            }
        }
        self.entries = merged.values.sorted { $0.fingerprint < $1.fingerprint }
    }

    /// The number of findings the baseline covers.
    public var findingCount: Int { entries.reduce(0) { $0 + $1.count } }

    // MARK: Fingerprints

    /// `line` with leading and trailing white space removed and inner runs of it made one space.
    public static func normalise(_ line: String) -> String {
        String(decoding: normalisedBytes(line), as: UTF8.self)
    }

    /// ``normalise(_:)`` as UTF-8 bytes (the hashed form; spaces, tabs, CR, VT and FF are the
    /// white space, all ASCII, so working on bytes never splits a character).
    static func normalisedBytes(_ line: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(line.utf8.count)
        var pendingSpace = false
        for byte in line.utf8 {
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0B || byte == 0x0C {
                pendingSpace = !out.isEmpty
                continue
            }
            if pendingSpace { out.append(0x20) }
            pendingSpace = false
            out.append(byte)
        }
        return out
    }

    /// The fingerprint of `finding` whose source line is `line` (nil when it could not be read,
    /// which fingerprints as an empty line).
    public static func fingerprint(_ finding: Finding, line: String?) -> Fingerprint {
        Fingerprint(rule: finding.rule, path: finding.path, hash: String(SHA256.hex(normalisedBytes(line ?? "")).prefix(16)))
    }

    /// What a reviewer reads for `line`: normalised and cut at 120 characters.
    static func excerpt(_ line: String?) -> String {
        let text = normalise(line ?? "")
        guard text.unicodeScalars.count > 120 else { return text }
        var out = ""
        out.unicodeScalars.append(contentsOf: text.unicodeScalars.prefix(119))
        return out + "…"
    }

    /// Whether `finding` can be baselined: every finding but the waiver problems (an expired or
    /// reasonless waiver is fixed by renewing or removing it, not recorded as debt).
    public static func accepts(_ finding: Finding) -> Bool { finding.rule != WaiverApplier.rule }

    /// The baseline of `findings`, whose source lines are in `sourceLines`.
    public static func recording(_ findings: [Finding], sourceLines: [String: String]) -> Baseline {
        Baseline(
            entries: findings.filter(accepts).map { f in
                let line = sourceLines[LintReport.lineKey(f.path, f.location.line)]
                return Entry(fingerprint: fingerprint(f, line: line), excerpt: excerpt(line), count: 1)
            })
    }

    // MARK: Comparing

    /// Findings split by the baseline, and the entries nothing matched.
    public struct Comparison: Sendable {
        /// Findings the baseline does not cover: they decide the exit status.
        public var new: [Finding]
        /// Findings the baseline covers.
        public var known: [Finding]
        /// Entries (with the count left unmatched) that matched fewer findings than they count,
        /// among the paths in scope.
        public var absent: [Entry]
    }

    /// Splits `findings` (sorted) into new and known; `inScope` says which paths this run
    /// checked, so that a run over part of the tree (named files, one folder) does not call
    /// the rest of the baseline absent.
    public func compare(_ findings: [Finding], sourceLines: [String: String], inScope: (String) -> Bool) -> Comparison {
        var left: [Fingerprint: Int] = [:]
        for e in entries { left[e.fingerprint] = e.count }
        var result = Comparison(new: [], known: [], absent: [])
        for f in findings {
            guard Self.accepts(f) else {
                result.new.append(f)
                continue
            }
            let key = Self.fingerprint(f, line: sourceLines[LintReport.lineKey(f.path, f.location.line)])
            if let n = left[key], n > 0 {
                left[key] = n - 1
                result.known.append(f)
            } else {
                result.new.append(f)
            }
        }
        for e in entries where inScope(e.fingerprint.path) {
            if let n = left[e.fingerprint], n > 0 {
                var missing = e
                missing.count = n
                result.absent.append(missing)
            }
        }
        return result
    }

    /// This baseline brought up to date with `current` (today's findings recorded): entries of
    /// paths out of scope are kept as they are; in scope, each keeps the smaller of its count
    /// and today's, so the file only shrinks. With `addingNew`, fingerprints it lacks are
    /// added too (the file may grow).
    public func updated(with current: Baseline, inScope: (String) -> Bool, addingNew: Bool) -> Baseline {
        var today: [Fingerprint: Entry] = [:]
        for e in current.entries { today[e.fingerprint] = e }
        var out: [Entry] = []
        for e in entries {
            guard inScope(e.fingerprint.path) else {
                out.append(e)
                continue
            }
            guard let now = today.removeValue(forKey: e.fingerprint) else { continue }
            var kept = now
            kept.count = addingNew ? now.count : min(e.count, now.count)
            out.append(kept)
        }
        if addingNew { out += today.values }
        return Baseline(entries: out.map { var e = $0; e.line = nil; return e })
    }

    // MARK: The file

    /// The file's text: a header comment, `schema:`, then the sorted entries.
    public func yaml() -> String {
        var out = """
            # constitution baseline: findings that were already there when the gate was adopted. A debt
            # list, not reviewed decisions (those are waivers). `constitution lint --baseline FILE` shows
            # them as known and fails only on new findings. An entry matches by rule, path and the hash of
            # the finding's source line (white space collapsed; `excerpt` is for reading), never by line
            # number; `count` is how many identical findings it covers. Shrink it after fixes with
            # `constitution lint --write-baseline FILE` (it never adds entries to an existing file
            # unless given --baseline-add-new).
            schema: \(Self.schemaVersion)

            """
        if entries.isEmpty { return out + "entries: []\n" }
        out += "entries:\n"
        for e in entries {
            out += "  - rule: " + (Self.isPlainID(e.fingerprint.rule) ? e.fingerprint.rule : Self.quoted(e.fingerprint.rule)) + "\n"
            out += "    path: " + Self.quoted(e.fingerprint.path) + "\n"
            out += "    hash: " + e.fingerprint.hash + "\n"
            out += "    excerpt: " + Self.quoted(e.excerpt) + "\n"
            out += "    count: \(e.count)\n"
        }
        return out
    }

    /// Whether `s` reads back as itself written plain: a kebab-case rule id.
    static func isPlainID(_ s: String) -> Bool {
        guard let first = s.utf8.first, first != UInt8(ascii: "-") else { return false }
        return s.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: "-") }
    }

    /// `s` as a YAML double-quoted scalar that every reader reads back the same: quotes and
    /// backslashes escaped, and every control, line-separator or non-character as `\uXXXX`.
    static func quoted(_ s: String) -> String {
        var out = "\""
        let hex = Array("0123456789ABCDEF".unicodeScalars)
        for u in s.unicodeScalars {
            switch u.value {
            case 0x22: out += "\\\""
            case 0x5C: out += "\\\\"
            case 0..<0x20, 0x7F...0x9F, 0x2028, 0x2029, 0xFEFF, 0xFFFE, 0xFFFF:
                out += "\\u"
                for shift in [12, 8, 4, 0] { out.unicodeScalars.append(hex[Int((u.value >> UInt32(shift)) & 0xF)]) }
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    /// Reads the baseline at `path` (shown as `path` in messages). A file that cannot be read,
    /// is not YAML, or breaks the schema is a located error (a constitution problem, exit 3).
    public static func load(_ path: String) throws(ConstitutionProblem) -> Baseline {
        switch FileReader.read(path, maxSize: FileReader.defaultMaxFileSize) {
        case .success(let bytes): return try decode(bytes, path: path)
        case .failure(let failure) where failure.reason != .unreadable:
            throw ConstitutionProblem(diagnostics: [Diagnostic(path: path, location: .start, severity: .error, message: failure.message)], messages: [])
        case .failure:
            throw ConstitutionProblem(
                diagnostics: [], messages: ["cannot read the baseline \(path); record one with `constitution lint --write-baseline \(path)`"])
        }
    }

    /// Decodes a baseline file's bytes.
    public static func decode(_ bytes: [UInt8], path: String) throws(ConstitutionProblem) -> Baseline {
        let file = YAMLParser.parse(path: path, source: bytes)
        if let e = file.error {
            throw ConstitutionProblem(diagnostics: [Diagnostic(path: path, location: e.location, severity: .error, message: e.message)], messages: [])
        }
        var r = SchemaReader(path: path)
        var entries: [Entry] = []
        guard let root = file.documents.first, root.kind == .mapping else {
            let at = file.documents.first?.location ?? .start
            throw ConstitutionProblem(
                diagnostics: [Diagnostic(path: path, location: at, severity: .error, message: "a baseline is a mapping with 'schema: 1' and 'entries:'")],
                messages: [])
        }
        if file.documents.count > 1 { r.error("a baseline is one YAML document", at: file.documents[1].location) }
        if r.checkKeys(root, known: ["schema", "entries"], what: "the baseline") {
            if let s = root["schema"] {
                if let n = s.scalar.flatMap({ Int($0) }) {
                    if n > schemaVersion {
                        r.error("schema \(n) is newer than this tool understands (\(schemaVersion)); upgrade constitution", at: s.location)
                    } else if n < 1 {
                        r.error("schema must be 1", at: s.location)
                    }
                } else {
                    r.error("schema must be a number", at: s.location)
                }
            } else {
                r.error("missing required key 'schema' (write 'schema: 1')", at: root.location)
            }
            if let list = root["entries"], !list.isNull {
                if list.kind != .sequence { r.error("'entries' must be a list", at: list.location) }
                for item in list.elements {
                    guard item.kind == .mapping else {
                        r.error("a baseline entry must be a mapping with rule, path, hash and count", at: item.location)
                        continue
                    }
                    guard r.checkKeys(item, known: ["rule", "path", "hash", "excerpt", "count"], what: "a baseline entry") else { continue }
                    let rule = r.requiredString(item, "rule", what: "a baseline entry")
                    let path = r.requiredString(item, "path", what: "a baseline entry")
                    let hash = r.requiredString(item, "hash", what: "a baseline entry")
                    let excerpt = r.optionalString(item, "excerpt") ?? ""
                    var count = 1
                    if let c = item["count"] {
                        if let n = c.scalar.flatMap({ Int($0) }), n >= 1, n <= maxCount { count = n } else {
                            r.error("count must be a whole number from 1 to \(maxCount)", at: c.location)
                        }
                    }
                    if let hash, hash.utf8.count != 16 || !hash.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) {
                        r.error("hash must be 16 lowercase hex digits (as --write-baseline writes it), found '\(hash)'", at: item["hash"]!.location)
                        continue
                    }
                    guard let rule, let path, let hash else { continue }
                    entries.append(Entry(fingerprint: Fingerprint(rule: rule, path: path, hash: hash), excerpt: excerpt, count: count, line: item.location.line))
                }
            }
        }
        if r.hasErrors { throw ConstitutionProblem(diagnostics: r.diagnostics, messages: []) }
        var baseline = Baseline(entries: entries)
        baseline.warnings = r.diagnostics
        return baseline
    }

    /// Warnings met while reading (unknown keys).
    public var warnings: [Diagnostic] = []
}
