import ConstitutionCore

/// Everything a lint run produced, ready for any output format. Pure data: reporters turn it
/// into text without touching the file system.
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

    /// Creates a report; sorts its inputs.
    public init(findings: [Finding], errors: [Diagnostic], fileCount: Int, ruleCount: Int, sourceLines: [String: String], threshold: Severity) {
        self.findings = findings.sorted(by: Finding.sortKey)
        self.errors = errors.sorted(by: Diagnostic.sortKey)
        self.fileCount = fileCount
        self.ruleCount = ruleCount
        self.sourceLines = sourceLines
        self.threshold = threshold
    }

    /// The key for ``sourceLines``.
    public static func lineKey(_ path: String, _ line: Int) -> String { "\(path)\u{0}\(line)" }

    /// Counts by severity.
    public func count(_ s: Severity) -> Int { findings.filter { $0.severity == s }.count }

    /// Findings at or above the threshold.
    public var failing: Int { findings.filter { $0.severity >= threshold }.count }

    /// Compiler-style text with source lines and carets, then a summary line.
    public func text(style: TerminalStyle, quiet: Bool = false) -> String {
        var out = ""
        for f in findings {
            if quiet && f.severity < threshold { continue }
            var tag = f.rule
            if let incident = f.incident { tag += ", " + incident }
            out += DiagnosticFormatter.format(
                path: f.path, location: f.location, severity: f.severity.rawValue, message: f.message + " " + style.dim("[\(tag)]"),
                sourceLine: sourceLines[Self.lineKey(f.path, f.location.line)], style: style)
            out += "\n"
        }
        for e in errors {
            out += DiagnosticFormatter.format(e, sourceLine: sourceLines[Self.lineKey(e.path, e.location.line)], style: style) + "\n"
        }
        out += summaryLine(style: style) + "\n"
        return out
    }

    /// `12 findings (3 errors, 9 warnings) in 64 files checked by 21 rules; 1 file could not be parsed`.
    public func summaryLine(style: TerminalStyle) -> String {
        func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
        var parts: [String] = []
        for s in [Severity.error, .warning, .info] where count(s) > 0 { parts.append(plural(count(s), s.rawValue)) }
        var line = plural(findings.count, "finding")
        if !parts.isEmpty { line += " (" + parts.joined(separator: ", ") + ")" }
        line += " in \(plural(fileCount, "file")) checked by \(plural(ruleCount, "rule"))"
        if !errors.isEmpty { line += "; \(plural(errors.count, "file")) could not be parsed" }
        return findings.isEmpty && errors.isEmpty ? style.bold(line) : line
    }

    /// The JSON document (stable key order).
    public func json() -> String {
        let value = JSONValue.object([
            (
                "findings",
                .array(
                    findings.map { f in
                        .object([
                            ("path", .string(f.path)), ("line", .int(f.location.line)), ("column", .int(f.location.column)),
                            ("rule", .string(f.rule)), ("severity", .string(f.severity.rawValue)), ("message", .string(f.message)),
                            ("incident", f.incident.map(JSONValue.string) ?? .null),
                        ])
                    })
            ),
            (
                "errors",
                .array(
                    errors.map { e in
                        .object([
                            ("path", .string(e.path)), ("line", .int(e.location.line)), ("column", .int(e.location.column)),
                            ("message", .string(e.message)),
                        ])
                    })
            ),
            (
                "summary",
                .object([
                    ("files", .int(fileCount)), ("rules", .int(ruleCount)), ("findings", .int(findings.count)),
                    ("error", .int(count(.error))), ("warning", .int(count(.warning))), ("info", .int(count(.info))),
                    ("unparseable", .int(errors.count)), ("threshold", .string(threshold.rawValue)),
                ])
            ),
        ])
        return value.serialized(pretty: true) + "\n"
    }
}
