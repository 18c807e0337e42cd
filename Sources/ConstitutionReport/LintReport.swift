import ConstitutionCore

/// What a reporter needs to know about a rule (SARIF `rules`, Markdown links).
public struct RuleInfo: Sendable, Hashable {
    public var id: String
    public var severity: Severity
    /// What the rule checks (its message).
    public var message: String
    /// The one line of guidance.
    public var guidance: String
    /// The incident id, if any.
    public var incident: String?
    /// The incident record's path relative to the linted root (for links), if known.
    public var incidentPath: String?

    public init(id: String, severity: Severity, message: String, guidance: String, incident: String?, incidentPath: String?) {
        self.id = id
        self.severity = severity
        self.message = message
        self.guidance = guidance
        self.incident = incident
        self.incidentPath = incidentPath
    }
}

/// A finding a waiver silenced: still counted and shown, never hidden.
public struct WaivedFinding: Sendable, Hashable {
    /// Where the waiver came from.
    public enum Kind: String, Sendable, Hashable {
        /// `# constitution:ignore …` in the file.
        case inline
        /// An entry of `waivers.yaml`.
        case central
    }

    public var finding: Finding
    public var kind: Kind
    public var reason: String
    /// `YYYY-MM-DD`, if the waiver expires.
    public var expires: String?
    /// Who owns the waiver (central waivers).
    public var owner: String?
    /// Where the waiver is written (`path:line`).
    public var waiverPath: String
    public var waiverLine: Int

    public init(finding: Finding, kind: Kind, reason: String, expires: String?, owner: String?, waiverPath: String, waiverLine: Int) {
        self.finding = finding
        self.kind = kind
        self.reason = reason
        self.expires = expires
        self.owner = owner
        self.waiverPath = waiverPath
        self.waiverLine = waiverLine
    }
}

/// A run compared with a baseline (`lint --baseline FILE`): the findings it covers are the
/// report's ``LintReport/known``; this says which file it was and what in it matched nothing.
public struct BaselineComparison: Sendable, Hashable {
    /// An entry of the baseline (or what is left of its count) that no finding matched.
    public struct Absent: Sendable, Hashable {
        public var rule: String
        public var path: String
        /// The normalised source line the entry was recorded from (shortened).
        public var excerpt: String
        /// How many of the findings it covers are gone.
        public var count: Int

        public init(rule: String, path: String, excerpt: String, count: Int) {
            self.rule = rule
            self.path = path
            self.excerpt = excerpt
            self.count = count
        }
    }

    /// The baseline file, as given.
    public var file: String
    /// Entries no finding matched, in the file's order.
    public var absent: [Absent]

    public init(file: String, absent: [Absent]) {
        self.file = file
        self.absent = absent
    }

    /// How many recorded findings are gone (the sum of the absent counts).
    public var absentCount: Int { absent.reduce(0) { $0 + $1.count } }

    /// `2 baseline entries no longer match; run `constitution lint --write-baseline FILE` to shrink the file`.
    public var absentNote: String {
        let n = absentCount
        return "\(n) baseline \(n == 1 ? "entry no longer matches" : "entries no longer match") (fixed or changed); run `constitution lint --write-baseline \(file)` to shrink \(file)"
    }
}

/// Everything a lint run produced, ready for any output format. Pure data: reporters turn it
/// into text without touching the file system.
///
/// Waiver problems (a waiver without a reason, an expired waiver) are ordinary findings of the
/// pseudo-rule `constitution-waiver`, so every format shows them.
public struct LintReport: Sendable {
    /// Findings, sorted by (path, line, column, rule).
    public var findings: [Finding]
    /// Files that could not be read or parsed, sorted.
    public var errors: [Diagnostic]
    /// Number of files checked.
    public var fileCount: Int
    /// Number of rules evaluated.
    public var ruleCount: Int
    /// Source lines for snippets, keyed by ``LintReport/lineKey(_:_:)``.
    public var sourceLines: [String: String]
    /// The severity at or above which findings fail the run.
    public var threshold: Severity
    /// Findings silenced by waivers, sorted like findings.
    public var waived: [WaivedFinding]
    /// The rules that ran, sorted by id.
    public var rules: [RuleInfo]
    /// The exit status the run ends with (reported by SARIF's invocation).
    public var exitStatus: Int32
    /// The tool's version.
    public var toolVersion: String
    /// Findings the baseline lists (known debt), sorted like findings: shown and counted, never
    /// failing. Empty without a baseline.
    public var known: [Finding] = []
    /// The baseline the run was compared with, if any. With one, ``findings`` holds only the
    /// new findings.
    public var baseline: BaselineComparison?

    /// The pseudo-rule of waiver problems.
    public static let waiverRule = "constitution-waiver"

    /// Creates a report; sorts its inputs.
    public init(
        findings: [Finding], errors: [Diagnostic], fileCount: Int, ruleCount: Int, sourceLines: [String: String],
        threshold: Severity, waived: [WaivedFinding] = [], rules: [RuleInfo] = [], exitStatus: Int32 = 0,
        toolVersion: String = "0.1.0"
    ) {
        self.findings = findings.sorted(by: Finding.sortKey)
        self.errors = errors.sorted(by: Diagnostic.sortKey)
        self.fileCount = fileCount
        self.ruleCount = ruleCount
        self.sourceLines = sourceLines
        self.threshold = threshold
        self.waived = waived.sorted { Finding.sortKey($0.finding, $1.finding) }
        self.rules = rules.sorted { PathText.less($0.id, $1.id) }
        self.exitStatus = exitStatus
        self.toolVersion = toolVersion
    }

    /// The report with every path (findings, errors, waivers, relative incident paths, source
    /// line keys) put under `prefix`: for formats read from the repository's top (annotations,
    /// SARIF, JUnit, Markdown links) when a sub-folder was linted.
    public func relocated(under prefix: String) -> LintReport {
        guard !prefix.isEmpty, prefix != "." else { return self }
        func moved(_ path: String) -> String { path.hasPrefix("/") ? path : prefix + "/" + path }
        var copy = self
        copy.findings = findings.map { var f = $0; f.path = moved(f.path); return f }
        copy.errors = errors.map { var d = $0; d.path = moved(d.path); return d }
        copy.waived = waived.map { var w = $0; w.finding.path = moved(w.finding.path); w.waiverPath = moved(w.waiverPath); return w }
        copy.rules = rules.map { var r = $0; r.incidentPath = r.incidentPath.map(moved); return r }
        copy.known = known.map { var f = $0; f.path = moved(f.path); return f }
        copy.baseline = baseline.map { b in
            var b = b
            b.absent = b.absent.map { var a = $0; a.path = moved(a.path); return a }
            return b
        }
        var lines: [String: String] = [:]
        for (key, line) in sourceLines {
            guard let nul = key.firstIndex(of: "\u{0}") else { continue }
            lines[moved(String(key[..<nul])) + String(key[nul...])] = line
        }
        copy.sourceLines = lines
        return copy
    }

    /// The key for ``sourceLines``.
    public static func lineKey(_ path: String, _ line: Int) -> String { "\(path)\u{0}\(line)" }

    /// Counts by severity.
    public func count(_ s: Severity) -> Int { findings.filter { $0.severity == s }.count }

    /// Findings at or above the threshold.
    public var failing: Int { findings.filter { $0.severity >= threshold }.count }

    /// Compiler-style text with source lines and carets, then a summary line.
    ///
    /// Messages and source lines are made displayable (no control characters from the files
    /// reach the terminal), and each source line is prepared once for all the findings on it.
    public func text(style: TerminalStyle, quiet: Bool = false) -> String {
        var out = ""
        var prepared: (key: String, window: DiagnosticFormatter.SourceWindow?)?
        for f in findings {
            if quiet && f.severity < threshold { continue }
            var tag = f.rule
            if let incident = f.incident { tag += ", " + incident }
            let key = Self.lineKey(f.path, f.location.line)
            if prepared?.key != key { prepared = (key, sourceLines[key].map { DiagnosticFormatter.SourceWindow($0) }) }
            out += DiagnosticFormatter.format(
                path: f.path, location: f.location, severity: f.severity.rawValue,
                message: DiagnosticFormatter.displayable(f.message) + " " + style.dim("[\(DiagnosticFormatter.displayable(tag))]"),
                source: prepared?.window, style: style)
            out += "\n"
        }
        for e in errors {
            out += DiagnosticFormatter.format(e, sourceLine: sourceLines[Self.lineKey(e.path, e.location.line)], style: style) + "\n"
        }
        if let baseline {
            out += baselineText(baseline, style: style, quiet: quiet)
        }
        out += summaryLine(style: style) + "\n"
        return out
    }

    /// The known findings, one compact line each (no source line; `--quiet` leaves them out),
    /// then the entries that no longer match.
    func baselineText(_ baseline: BaselineComparison, style: TerminalStyle, quiet: Bool) -> String {
        var out = ""
        if !known.isEmpty && !quiet {
            out += style.bold("known (baseline \(DiagnosticFormatter.displayable(baseline.file))): \(known.count) finding\(known.count == 1 ? "" : "s"), not failing") + "\n"
            for f in known {
                var tag = f.rule
                if let incident = f.incident { tag += ", " + incident }
                out += style.dim(
                    "  \(DiagnosticFormatter.displayable(f.path)):\(f.location.line):\(f.location.column): \(f.severity.rawValue): "
                        + DiagnosticFormatter.displayable(f.message) + " [\(DiagnosticFormatter.displayable(tag))]") + "\n"
            }
        }
        if !baseline.absent.isEmpty {
            out += "note: " + DiagnosticFormatter.displayable(baseline.absentNote) + "\n"
            if !quiet {
                for a in baseline.absent {
                    let times = a.count == 1 ? "" : " (×\(a.count))"
                    out += style.dim("  gone: \(DiagnosticFormatter.displayable(a.path)) [\(DiagnosticFormatter.displayable(a.rule))] \(DiagnosticFormatter.displayable(a.excerpt))\(times)") + "\n"
                }
            }
        }
        return out
    }

    /// `12 findings (3 errors, 9 warnings) in 64 files checked by 21 rules; 1 file could not be parsed`.
    public func summaryLine(style: TerminalStyle) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts: [String] = []
        for s in [Severity.error, .warning, .info] where count(s) > 0 { parts.append(plural(count(s), s.rawValue)) }
        var line = plural(findings.count, baseline == nil ? "finding" : "new finding")
        if !parts.isEmpty { line += " (" + parts.joined(separator: ", ") + ")" }
        line += " in \(plural(fileCount, "file")) checked by \(plural(ruleCount, "rule"))"
        if baseline != nil { line += "; \(known.count) known (baseline)" }
        if !waived.isEmpty { line += "; \(waived.count) waived" }
        if !errors.isEmpty { line += "; \(plural(errors.count, "file")) could not be parsed" }
        return findings.isEmpty && errors.isEmpty ? style.bold(line) : line
    }

    /// The JSON document (stable key order). Written straight into bytes, one finding at a
    /// time: a big tree's findings are never held twice as a JSON tree.
    public func json() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(256 * (findings.count + waived.count) + 512)
        var members: [(String, (inout [UInt8], Int) -> Void)] = [
            (
                "findings",
                { out, indent in
                    JSONValue.writeArray(findings, pretty: true, indent: indent, into: &out) { f, out, indent in
                        Self.findingJSON(f, baselineState: baseline == nil ? nil : "new").write(into: &out, pretty: true, indent: indent)
                    }
                }
            ),
            (
                "errors",
                { out, indent in
                    JSONValue.writeArray(errors, pretty: true, indent: indent, into: &out) { e, out, indent in
                        JSONValue.object([
                            ("path", .string(e.path)), ("line", .int(e.location.line)), ("column", .int(e.location.column)),
                            ("message", .string(e.message)),
                        ]).write(into: &out, pretty: true, indent: indent)
                    }
                }
            ),
            (
                "waived",
                { out, indent in
                    JSONValue.writeArray(waived, pretty: true, indent: indent, into: &out) { w, out, indent in
                        JSONValue.object([
                            ("path", .string(w.finding.path)), ("line", .int(w.finding.location.line)),
                            ("column", .int(w.finding.location.column)), ("rule", .string(w.finding.rule)),
                            ("severity", .string(w.finding.severity.rawValue)), ("message", .string(w.finding.message)),
                            ("incident", w.finding.incident.map(JSONValue.string) ?? .null), ("waiver", .string(w.kind.rawValue)),
                            ("reason", .string(w.reason)), ("expires", w.expires.map(JSONValue.string) ?? .null),
                            ("owner", w.owner.map(JSONValue.string) ?? .null),
                            ("waiver_location", .string("\(w.waiverPath):\(w.waiverLine)")),
                        ]).write(into: &out, pretty: true, indent: indent)
                    }
                }
            ),
            (
                "summary",
                { out, indent in
                    var summary: [(String, JSONValue)] = [
                        ("files", .int(fileCount)), ("rules", .int(ruleCount)), ("findings", .int(findings.count)),
                        ("error", .int(count(.error))), ("warning", .int(count(.warning))), ("info", .int(count(.info))),
                        ("waived", .int(waived.count)), ("unparseable", .int(errors.count)), ("threshold", .string(threshold.rawValue)),
                    ]
                    if baseline != nil { summary.append(("known", .int(known.count))) }
                    JSONValue.object(summary).write(into: &out, pretty: true, indent: indent)
                }
            ),
        ]
        if let baseline {
            // Only with a baseline, so that a run without one gives the same document as before.
            members.insert(
                (
                    "known",
                    { out, indent in
                        JSONValue.writeArray(known, pretty: true, indent: indent, into: &out) { f, out, indent in
                            Self.findingJSON(f, baselineState: "unchanged").write(into: &out, pretty: true, indent: indent)
                        }
                    }
                ), at: members.count - 1)
            members.insert(
                (
                    "baseline",
                    { out, indent in
                        JSONValue.object([
                            ("file", .string(baseline.file)), ("new", .int(findings.count)), ("unchanged", .int(known.count)),
                            ("absent", .int(baseline.absentCount)),
                            (
                                "absent_entries",
                                .array(
                                    baseline.absent.map {
                                        .object([
                                            ("rule", .string($0.rule)), ("path", .string($0.path)), ("excerpt", .string($0.excerpt)),
                                            ("count", .int($0.count)),
                                        ])
                                    })
                            ),
                        ]).write(into: &out, pretty: true, indent: indent)
                    }
                ), at: members.count - 1)
        }
        JSONValue.writeObject(members, pretty: true, indent: 0, into: &out) { member, out, indent in member(&out, indent) }
        out.append(0x0A)
        return String(decoding: out, as: UTF8.self)
    }

    /// A finding as a JSON object; `baseline` (`new` or `unchanged`, SARIF's words) only when the
    /// run had a baseline.
    static func findingJSON(_ f: Finding, baselineState: String?) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("path", .string(f.path)), ("line", .int(f.location.line)), ("column", .int(f.location.column)),
            ("rule", .string(f.rule)), ("severity", .string(f.severity.rawValue)), ("message", .string(f.message)),
            ("incident", f.incident.map(JSONValue.string) ?? .null),
        ]
        if let baselineState { members.append(("baseline", .string(baselineState))) }
        return .object(members)
    }
}
