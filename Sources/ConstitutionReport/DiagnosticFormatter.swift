import ConstitutionCore

/// Compiler-style rendering of a located message: `path:line:col: error: message`, the source
/// line and a caret under the column.
public enum DiagnosticFormatter {
    /// Formats one diagnostic. `sourceLine` is the text of the diagnostic's line, when known.
    public static func format(
        path: String, location: SourceLocation, severity: String, message: String, sourceLine: String?,
        style: TerminalStyle
    ) -> String {
        var out = style.bold("\(path):\(location.line):\(location.column):") + " " + style.label(severity) + " "
            + style.bold(message)
        if let sourceLine, !sourceLine.isEmpty {
            let snippet = SourceText.caretSnippet(line: sourceLine, column: location.column)
            let parts = snippet.split(separator: "\n", omittingEmptySubsequences: false)
            out += "\n" + String(parts[0]) + "\n" + style.green(String(parts[1]))
        }
        return out
    }

    /// Formats a ``Diagnostic``.
    public static func format(_ d: Diagnostic, sourceLine: String?, style: TerminalStyle) -> String {
        format(
            path: d.path, location: d.location, severity: d.severity.rawValue, message: d.message,
            sourceLine: sourceLine, style: style)
    }
}
