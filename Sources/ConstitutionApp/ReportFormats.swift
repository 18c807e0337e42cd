import ConstitutionCore
import ConstitutionReport

/// Renders a lint report in a named format (the names of ``LintConfig/formatNames``).
public enum ReportFormats {
    /// The text of `report` in `format`.
    /// `helpURIBase` is where incident records are published (SARIF `helpUri`).
    public static func render(_ report: LintReport, format: String, style: TerminalStyle, quiet: Bool, helpURIBase: String?) -> String {
        switch format {
        case "json": return report.json()
        case "sarif": return SARIFReporter.render(report, helpURIBase: helpURIBase)
        case "junit": return JUnitReporter.render(report)
        case "github": return GitHubReporter.render(report)
        case "markdown": return MarkdownReporter.render(report)
        default: return report.text(style: style, quiet: quiet)
        }
    }
}
