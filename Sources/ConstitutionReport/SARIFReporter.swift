import ConstitutionCore

/// A lint report as SARIF 2.1.0 (one run), for code-scanning uploads and SARIF viewers.
///
/// Shape:
/// - `tool.driver.rules` lists every rule that ran, plus any rule a result names that did not
///   (such as the waiver pseudo-rule), sorted by id; `ruleIndex` points into it.
/// - Every result has `locations[0].physicalLocation` with an `artifactLocation` relative to the
///   `SRCROOT` base (the linted root) and a `region` with `startLine` and `startColumn`; columns
///   count Unicode scalars (`columnKind: unicodeCodePoints`).
/// - Waived findings are results too, with a `suppressions` entry (`inSource` for an inline
///   waiver, `external` for `waivers.yaml`), so viewers can show them as suppressed.
/// - Files that could not be parsed are `toolExecutionNotifications` of the invocation.
/// - With a baseline, every result has a `baselineState`: `new`, or `unchanged` for the
///   findings the baseline lists (known debt, at their own level: code scanning shows them);
///   `run.properties.baseline` counts them and the entries that no longer match.
///
/// Pure and deterministic: the same report gives byte-identical text.
public enum SARIFReporter {
    /// The `uriBaseId` of every artifact: the linted root. Its value is left to the consumer
    /// (code scanning resolves it to the repository root), so the output does not depend on
    /// where the repository was checked out.
    public static let sourceRootID = "SRCROOT"

    /// The SARIF document.
    ///
    /// - Parameters:
    ///   - report: the lint run.
    ///   - helpURIBase: an absolute URI that the incident paths are relative to, such as
    ///     `https://git.lab/ops/homelab/src/branch/main/`. With it, each rule's `helpUri` is the
    ///     incident record's URL. SARIF requires `helpUri` to be absolute, so without it a rule
    ///     carries the incident path in `help` and `properties.incidentPath` only.
    ///   - informationURI: the tool's home page (`tool.driver.informationUri`), if it has one.
    public static func render(_ report: LintReport, helpURIBase: String? = nil, informationURI: String? = nil) -> String {
        let rules = report.reportedRules
        var ruleIndex: [String: Int] = [:]
        for (i, rule) in rules.enumerated() { ruleIndex[rule.id] = i }

        var driver: [(String, JSONValue)] = [("name", .string("constitution")), ("version", .string(report.toolVersion))]
        if let informationURI { driver.append(("informationUri", .string(informationURI))) }
        driver.append(("rules", .array(rules.map { descriptor($0, helpURIBase: helpURIBase) })))

        // With a baseline every result carries a state (the spec asks for all or none): findings it
        // does not list are `new` (waived ones too: a baseline never lists them), listed ones
        // `unchanged`.
        let compared = report.baseline != nil
        var results: [JSONValue] = report.findings.map {
            result($0, ruleIndex: ruleIndex, suppression: nil, baselineState: compared ? "new" : nil)
        }
        results += report.known.map { result($0, ruleIndex: ruleIndex, suppression: nil, baselineState: "unchanged") }
        results += report.waived.map {
            result($0.finding, ruleIndex: ruleIndex, suppression: suppression($0), baselineState: compared ? "new" : nil)
        }

        let invocation = JSONValue.object([
            ("executionSuccessful", .bool(report.exitStatus == 0 || report.exitStatus == 1)),
            ("exitCode", .int(Int(report.exitStatus))),
            ("toolExecutionNotifications", .array(report.errors.map(notification))),
        ])

        let run = JSONValue.object([
            ("tool", .object([("driver", .object(driver))])),
            ("invocations", .array([invocation])),
            (
                "originalUriBaseIds",
                .object([
                    (
                        sourceRootID,
                        .object([("description", .object([("text", .string("The linted root; every artifact path is relative to it."))]))])
                    )
                ])
            ),
            ("columnKind", .string("unicodeCodePoints")),
            ("results", .array(results)),
        ] + baselineProperties(report))

        let document = JSONValue.object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            ("runs", .array([run])),
        ])
        return document.serialized(pretty: true) + "\n"
    }

    /// SARIF's level for a severity (`info` is `note`).
    public static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "note"
        }
    }

    /// The `helpUri` of a rule: `base` joined with the percent-encoded incident path, the
    /// incident path itself when it is already an absolute URI, or a `file://` URI when it is an
    /// absolute path (outside the linted tree); nil otherwise.
    public static func helpURI(incidentPath: String?, base: String?) -> String? {
        guard let incidentPath, !incidentPath.isEmpty else { return nil }
        if URIEncoding.hasScheme(incidentPath) { return incidentPath }
        // A constitution outside the linted tree (the starter one, `--constitution /elsewhere`):
        // its own file, never glued under the base.
        if incidentPath.hasPrefix("/") { return "file://" + URIEncoding.path(incidentPath) }
        guard let base, URIEncoding.hasScheme(base) else { return nil }
        var relative = Substring(incidentPath)
        while relative.hasPrefix("./") { relative = relative.dropFirst(2) }
        while relative.hasPrefix("/") { relative = relative.dropFirst() }
        return (base.hasSuffix("/") ? base : base + "/") + URIEncoding.path(String(relative))
    }

    private static func descriptor(_ rule: RuleInfo, helpURIBase: String?) -> JSONValue {
        var d: [(String, JSONValue)] = [
            ("id", .string(rule.id)),
            ("name", .string(rule.id)),
            ("shortDescription", text(rule.message)),
            ("fullDescription", text(rule.guidance.isEmpty ? rule.message : rule.guidance)),
        ]
        if let uri = helpURI(incidentPath: rule.incidentPath, base: helpURIBase) { d.append(("helpUri", .string(uri))) }
        var help = rule.guidance.isEmpty ? rule.message : rule.guidance
        if let incident = rule.incident {
            help += "\n\nIncident: " + incident + (rule.incidentPath.map { " (" + $0 + ")" } ?? "")
        }
        d.append(("help", text(help)))
        d.append(("defaultConfiguration", .object([("level", .string(level(rule.severity)))])))
        var properties: [(String, JSONValue)] = []
        if let incident = rule.incident { properties.append(("incident", .string(incident))) }
        if let path = rule.incidentPath { properties.append(("incidentPath", .string(path))) }
        if !properties.isEmpty { d.append(("properties", .object(properties))) }
        return .object(d)
    }

    /// `properties.baseline` of the run when there was a baseline: its file and the counts. Entries
    /// that no longer match are counted here, not written as `absent` results: they have no
    /// location (the project's SARIF gives every result a region), and code scanning ignores
    /// `baselineState`, so it would raise them as alerts for code that was fixed.
    private static func baselineProperties(_ report: LintReport) -> [(String, JSONValue)] {
        guard let baseline = report.baseline else { return [] }
        return [
            (
                "properties",
                .object([
                    (
                        "baseline",
                        .object([
                            ("file", .string(baseline.file)), ("new", .int(report.findings.count + report.waived.count)),
                            ("unchanged", .int(report.known.count)), ("absent", .int(baseline.absentCount)),
                        ])
                    )
                ])
            )
        ]
    }

    private static func result(_ f: Finding, ruleIndex: [String: Int], suppression: JSONValue?, baselineState: String?) -> JSONValue {
        var message = f.message
        if let incident = f.incident { message += " [" + incident + "]" }
        var r: [(String, JSONValue)] = [("ruleId", .string(f.rule))]
        if let index = ruleIndex[f.rule] { r.append(("ruleIndex", .int(index))) }
        r.append(("level", .string(level(f.severity))))
        r.append(("message", text(message)))
        r.append(("locations", .array([.object([("physicalLocation", physicalLocation(f.path, f.location.line, f.location.column))])])))
        if let suppression { r.append(("suppressions", .array([suppression]))) }
        if let baselineState { r.append(("baselineState", .string(baselineState))) }
        if let incident = f.incident { r.append(("properties", .object([("incident", .string(incident))]))) }
        return .object(r)
    }

    private static func suppression(_ w: WaivedFinding) -> JSONValue {
        var s: [(String, JSONValue)] = [
            ("kind", .string(w.kind == .inline ? "inSource" : "external")),
            ("status", .string("accepted")),
            ("justification", .string(w.reason)),
            // Where the waiver is written; only its line is known.
            (
                "location",
                .object([
                    (
                        "physicalLocation",
                        .object([
                            ("artifactLocation", artifactLocation(w.waiverPath)),
                            ("region", .object([("startLine", .int(max(1, w.waiverLine)))])),
                        ])
                    )
                ])
            ),
        ]
        var properties: [(String, JSONValue)] = []
        if let expires = w.expires { properties.append(("expires", .string(expires))) }
        if let owner = w.owner { properties.append(("owner", .string(owner))) }
        if !properties.isEmpty { s.append(("properties", .object(properties))) }
        return .object(s)
    }

    private static func notification(_ e: Diagnostic) -> JSONValue {
        .object([
            ("level", .string(level(e.severity))),
            ("message", text(e.message)),
            ("locations", .array([.object([("physicalLocation", physicalLocation(e.path, e.location.line, e.location.column))])])),
        ])
    }

    private static func physicalLocation(_ path: String, _ line: Int, _ column: Int) -> JSONValue {
        // SARIF's minimum is 1; a position-less diagnostic still points at the file's start.
        .object([
            ("artifactLocation", artifactLocation(path)),
            ("region", .object([("startLine", .int(max(1, line))), ("startColumn", .int(max(1, column)))])),
        ])
    }

    private static func artifactLocation(_ path: String) -> JSONValue {
        .object([("uri", .string(URIEncoding.path(path))), ("uriBaseId", .string(sourceRootID))])
    }

    private static func text(_ s: String) -> JSONValue { .object([("text", .string(s))]) }
}

// MARK: - Shared by the reporters

/// Percent-encoding of relative paths as RFC 3986 URI references (SARIF `uri`, Markdown links).
public enum URIEncoding {
    /// `path` as a relative URI reference: every byte of its UTF-8 outside the unreserved set,
    /// `/` and the sub-delimiters that need no escaping in a path is written `%XX`. A colon is
    /// always encoded, so `a:b/c.yaml` cannot read as a URI with scheme `a`; `(`, `)`, `'`, `*` and
    /// `!` are encoded too, so the result is also a safe Markdown link destination.
    public static func path(_ path: String) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(path.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"),
                UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="),
                UInt8(ascii: "@"):
                out.append(byte)
            default:
                out.append(contentsOf: [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            }
        }
        // `//x` would read as a network-path reference (authority `x`).
        if out.count >= 2, out[0] == UInt8(ascii: "/"), out[1] == UInt8(ascii: "/") {
            return "/." + String(decoding: out, as: UTF8.self)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Whether `s` starts with a URI scheme (`ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"`).
    static func hasScheme(_ s: String) -> Bool {
        var first = true
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"): break
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."):
                if first { return false }
            case UInt8(ascii: ":"): return !first
            default: return false
            }
            first = false
        }
        return false
    }
}

extension LintReport {
    /// The synthesised description of the waiver pseudo-rule, used when the run's rule list
    /// does not carry one.
    static let waiverRuleInfo = RuleInfo(
        id: LintReport.waiverRule, severity: .warning, message: "a waiver is missing its reason or has expired",
        guidance: "Give the waiver a reason=\"...\", or renew or remove it once it has expired.", incident: nil, incidentPath: nil)

    /// The rules every format describes: the rules that ran, plus any rule a finding or waived
    /// finding names that is not among them (the waiver pseudo-rule above all), sorted by id.
    var reportedRules: [RuleInfo] {
        var known = Set(rules.map(\.id))
        var extra: [RuleInfo] = []
        for f in findings + waived.map(\.finding) where !known.contains(f.rule) {
            known.insert(f.rule)
            if f.rule == Self.waiverRule {
                var info = Self.waiverRuleInfo
                info.severity = findings.filter { $0.rule == Self.waiverRule }.map(\.severity).max() ?? info.severity
                extra.append(info)
            } else {
                extra.append(
                    RuleInfo(id: f.rule, severity: f.severity, message: f.message, guidance: "", incident: f.incident, incidentPath: nil))
            }
        }
        return (rules + extra).sorted { PathText.less($0.id, $1.id) }
    }

    /// The description of rule `id` (see ``reportedRules``).
    func ruleInfo(_ id: String) -> RuleInfo? {
        if let info = rules.first(where: { $0.id == id }) { return info }
        return reportedRules.first { $0.id == id }
    }
}
