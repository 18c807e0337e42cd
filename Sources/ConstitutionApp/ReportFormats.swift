import ConstitutionCore
import ConstitutionReport

/// Renders a lint report in a named format (the names of ``LintConfig/formatNames``).
public enum ReportFormats {
    /// The text of `report` in `format`.
    public static func render(_ report: LintReport, format: String, style: TerminalStyle, quiet: Bool) -> String {
        switch format {
        case "json": return report.json()
        default: return report.text(style: style, quiet: quiet)
        }
    }
}
