import ConstitutionCore

/// A lint report as GitHub-flavoured Markdown, for `$GITHUB_STEP_SUMMARY` (Gitea Actions shows
/// job summaries, not annotations).
///
/// Sections, each left out when empty: a heading; a one-line verdict; counts by rule and
/// severity; the findings; waiver problems (findings of the `constitution-waiver` pseudo-rule);
/// waived findings; known findings (with a baseline: a count, entries that no longer match, and
/// the list folded in `<details>`); files that could not be parsed. Every table cell goes through
/// ``cell(_:)``, so no message can break a table. Links are relative to the linted root.
public enum MarkdownReporter {
    /// The Markdown document.
    public static func render(_ report: LintReport) -> String {
        var out = "## constitution lint\n\n" + verdict(report) + "\n"

        let byRule = countsByRule(report)
        if !byRule.isEmpty {
            out += "\n### Findings by rule\n\n"
            out += "| rule | severity | incident | findings | waived |\n|---|---|---|--:|--:|\n"
            for row in byRule {
                out += "| \(cell(row.rule)) | \(row.severity.rawValue) | \(incidentCell(report, rule: row.rule, incident: row.incident)) "
                out += "| \(row.findings) | \(row.waived) |\n"
            }
            let quiet = report.reportedRules.count - Set(byRule.map(\.rule)).count
            if quiet > 0 { out += "\n\(plural(quiet, "other rule")) found nothing.\n" }
        }

        if !report.findings.isEmpty {
            out += "\n### Findings\n\n| file:line | severity | rule | message |\n|---|---|---|---|\n"
            for f in report.findings {
                out += "| \(link(f.path, f.location.line)) | \(f.severity.rawValue) | \(ruleCell(f)) | \(cell(f.message)) |\n"
            }
        }

        let problems = report.findings.filter { $0.rule == LintReport.waiverRule }
        if !problems.isEmpty {
            out += "\n### Waiver problems\n\nWaivers without a reason, or past their expiry date:\n\n"
            out += "| file:line | severity | problem |\n|---|---|---|\n"
            for f in problems {
                out += "| \(link(f.path, f.location.line)) | \(f.severity.rawValue) | \(cell(f.message)) |\n"
            }
        }

        if !report.waived.isEmpty {
            out += "\n### Waived findings\n\n| file:line | rule | message | reason | owner | expires | waiver |\n"
            out += "|---|---|---|---|---|---|---|\n"
            for w in report.waived {
                let f = w.finding
                out += "| \(link(f.path, f.location.line)) | \(ruleCell(f)) | \(cell(f.message)) | \(cell(w.reason)) "
                out += "| \(w.owner.map(cell) ?? "—") | \(w.expires.map(cell) ?? "—") "
                out += "| \(w.kind.rawValue) at \(link(w.waiverPath, w.waiverLine)) |\n"
            }
        }

        if let baseline = report.baseline {
            out += "\n### Known findings (baseline)\n\n"
            out += "\(plural(report.known.count, "finding")) listed in `\(cell(baseline.file))`: known debt, shown but not failing.\n"
            if !baseline.absent.isEmpty { out += "\n" + cell(baseline.absentNote) + ".\n" }
            if !report.known.isEmpty {
                out += "\n<details><summary>\(plural(report.known.count, "known finding"))</summary>\n\n"
                out += "| file:line | severity | rule | message |\n|---|---|---|---|\n"
                for f in report.known {
                    out += "| \(link(f.path, f.location.line)) | \(f.severity.rawValue) | \(ruleCell(f)) | \(cell(f.message)) |\n"
                }
                out += "\n</details>\n"
            }
        }

        if !report.errors.isEmpty {
            out += "\n### Files that could not be parsed\n\n| file:line:column | message |\n|---|---|\n"
            for e in report.errors {
                out += "| \(link(e.path, e.location.line, column: e.location.column)) | \(cell(e.message)) |\n"
            }
        }
        return out
    }

    /// `s` made safe for a table cell: `\`, `|`, backticks, `[`, `]` backslash-escaped; `&`, `<`,
    /// `>` as entities (so no HTML gets through); line breaks as `<br>`.
    public static func cell(_ s: String) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        var previousCR = false
        for scalar in s.unicodeScalars {
            defer { previousCR = scalar == "\r" }
            switch scalar {
            case "\\", "|", "`", "[", "]":
                out += "\\"
                out.unicodeScalars.append(scalar)
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\r": out += "<br>"
            case "\n" where previousCR: break
            case "\n": out += "<br>"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `[path:line](path#Lline)`, the destination percent-encoded, the text escaped.
    private static func link(_ path: String, _ line: Int, column: Int? = nil) -> String {
        let text = column.map { "\(path):\(line):\($0)" } ?? "\(path):\(line)"
        return "[\(cell(text))](\(URIEncoding.path(path))#L\(line))"
    }

    private static func ruleCell(_ f: Finding) -> String {
        cell(f.incident.map { "\(f.rule) (\($0))" } ?? f.rule)
    }

    private static func incidentCell(_ report: LintReport, rule: String, incident: String?) -> String {
        guard let incident else { return "—" }
        if let path = report.ruleInfo(rule)?.incidentPath {
            let link = path.hasPrefix("/") ? "file://" + URIEncoding.path(path) : URIEncoding.path(path)
            return "[\(cell(incident))](\(link))"
        }
        return cell(incident)
    }

    private static func verdict(_ report: LintReport) -> String {
        var failures: [String] = []
        if report.failing > 0 {
            failures.append(plural(report.failing, "finding") + " at or above the threshold (\(report.threshold.rawValue))")
        }
        if !report.errors.isEmpty { failures.append(plural(report.errors.count, "file") + " could not be parsed") }
        let head =
            failures.isEmpty
            ? "✅ **Clean**: no findings at or above the threshold (\(report.threshold.rawValue))."
            : "❌ **" + failures.joined(separator: "; ") + ".**"
        return head + " " + cell(report.summaryLine(style: TerminalStyle(enabled: false))) + "."
    }

    private struct Row {
        var rule: String
        var severity: Severity
        var incident: String?
        var findings = 0
        var waived = 0
    }

    /// One row per (rule, severity) with a finding or a waived finding, by rule id, then
    /// severity from error down.
    private static func countsByRule(_ report: LintReport) -> [Row] {
        var rows: [Row] = []
        func add(_ f: Finding, waived: Bool) {
            let index =
                rows.firstIndex { $0.rule == f.rule && $0.severity == f.severity }
                ?? {
                    rows.append(Row(rule: f.rule, severity: f.severity, incident: f.incident ?? report.ruleInfo(f.rule)?.incident))
                    return rows.count - 1
                }()
            if waived { rows[index].waived += 1 } else { rows[index].findings += 1 }
        }
        for f in report.findings { add(f, waived: false) }
        for w in report.waived { add(w.finding, waived: true) }
        return rows.sorted { a, b in
            if a.rule != b.rule { return PathText.less(a.rule, b.rule) }
            return a.severity > b.severity
        }
    }

    private static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }
}
