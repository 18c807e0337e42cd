import ConstitutionCore

/// A lint report as GitHub / Gitea Actions workflow commands: one annotation line per finding,
/// then one per file that could not be parsed.
///
/// ```text
/// ::error file=k8s/app.yaml,line=12,col=7,title=no-privileged (INC-0003)::container runs privileged
/// ::warning file=…,line=…,col=…,title=RULE::MESSAGE
/// ::notice file=…,line=…,col=…,title=RULE::MESSAGE
/// ::error file=…,line=…,col=…,title=parse error::MESSAGE
/// ```
/// Waived findings are not annotated, nor are known findings (a baseline's), which get one
/// `::notice title=constitution baseline::…` line saying how many; there is no summary line (the Markdown reporter
/// writes the job summary). Values are escaped as the actions toolkit does, so a message can
/// neither end the line nor start another command.
public enum GitHubReporter {
    /// The workflow commands, one per line; empty when there is nothing to annotate.
    public static func render(_ report: LintReport) -> String {
        var out = ""
        for f in report.findings {
            var title = f.rule
            if let incident = f.incident { title += " (" + incident + ")" }
            out += command(command(for: f.severity), path: f.path, location: f.location, title: title, message: f.message)
        }
        for e in report.errors {
            out += command(command(for: e.severity), path: e.path, location: e.location, title: "parse error", message: e.message)
        }
        if let baseline = report.baseline, !report.known.isEmpty || !baseline.absent.isEmpty {
            // Known findings are debt the lab accepted: one notice for them all, not an
            // annotation each (every pull request would be covered in them).
            var message = "\(report.known.count) known finding\(report.known.count == 1 ? "" : "s") listed in \(baseline.file), not annotated"
            if !baseline.absent.isEmpty { message += "; " + baseline.absentNote }
            out += "::notice title=\(escapeProperty("constitution baseline"))::\(escapeData(message))\n"
        }
        return out
    }

    /// The command of a severity: `error`, `warning` or `notice`.
    public static func command(for severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .info: "notice"
        }
    }

    /// A command's message: `%`, CR and LF percent-encoded (the toolkit's `escapeData`).
    public static func escapeData(_ s: String) -> String {
        escape(s, property: false)
    }

    /// A command property's value: as ``escapeData(_:)``, plus `:` and `,` (the toolkit's
    /// `escapeProperty`), which would otherwise end the value.
    public static func escapeProperty(_ s: String) -> String {
        escape(s, property: true)
    }

    private static func command(_ name: String, path: String, location: SourceLocation, title: String, message: String) -> String {
        let properties = "file=\(escapeProperty(path)),line=\(location.line),col=\(location.column),title=\(escapeProperty(title))"
        return "::\(name) \(properties)::\(escapeData(message))\n"
    }

    private static func escape(_ s: String, property: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "%": out += "%25"
            case "\r": out += "%0D"
            case "\n": out += "%0A"
            case ":" where property: out += "%3A"
            case "," where property: out += "%2C"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
