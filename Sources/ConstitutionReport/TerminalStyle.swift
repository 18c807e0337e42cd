/// ANSI styling for text output; a no-op when colour is off.
public struct TerminalStyle: Sendable {
    /// Whether escape codes are written.
    public let enabled: Bool

    /// Creates a style.
    public init(enabled: Bool) { self.enabled = enabled }

    private func wrap(_ text: String, _ code: String) -> String {
        enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    /// Bold.
    public func bold(_ text: String) -> String { wrap(text, "1") }
    /// Dim (source snippets, hints).
    public func dim(_ text: String) -> String { wrap(text, "2") }
    /// Green (the caret).
    public func green(_ text: String) -> String { wrap(text, "32") }

    /// `error:`, `warning:` or `info:` in its colour.
    public func label(_ severity: String) -> String {
        switch severity {
        case "error": wrap("error:", "1;31")
        case "warning": wrap("warning:", "1;33")
        default: wrap("\(severity):", "1;36")
        }
    }
}
