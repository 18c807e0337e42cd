/// A rule violation at an exact position.
public struct Finding: Sendable, Hashable {
    /// Display path relative to the linted root.
    public var path: String
    /// The most specific position: the offending value, or the key of a missing field's parent.
    public var location: SourceLocation
    /// The rule's id.
    public var rule: String
    /// The rule's severity (after overrides).
    public var severity: Severity
    /// The rule's message.
    public var message: String
    /// The incident that taught the rule, if any.
    public var incident: String?

    /// Creates a finding.
    public init(path: String, location: SourceLocation, rule: String, severity: Severity, message: String, incident: String?) {
        self.path = path
        self.location = location
        self.rule = rule
        self.severity = severity
        self.message = message
        self.incident = incident
    }

    /// The order of every findings list: path (bytes), line, column, rule.
    public static func sortKey(_ a: Finding, _ b: Finding) -> Bool {
        if a.path != b.path { return PathText.less(a.path, b.path) }
        if a.location.line != b.location.line { return a.location.line < b.location.line }
        if a.location.column != b.location.column { return a.location.column < b.location.column }
        if a.rule != b.rule { return PathText.less(a.rule, b.rule) }
        return PathText.less(a.message, b.message)
    }
}
