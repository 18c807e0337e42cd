/// A located message about an input file: a parse error, a duplicate key, a schema error.
///
/// Every diagnostic the tool prints carries a path, a line and a column.
public struct Diagnostic: Sendable, Hashable {
    /// The file's path as the user should see it (relative to the root given on the command line).
    public var path: String
    /// Where in the file.
    public var location: SourceLocation
    /// `error` blocks (exit codes 3 or 4), `warning` and `info` inform.
    public var severity: Severity
    /// One line, no trailing period, e.g. `duplicate key 'name' (first at line 3)`.
    public var message: String
    /// Lines printed under the message and its source line (a rule example's trace).
    public var notes: [String]

    /// Creates a diagnostic.
    public init(path: String, location: SourceLocation, severity: Severity, message: String, notes: [String] = []) {
        self.path = path
        self.location = location
        self.severity = severity
        self.message = message
        self.notes = notes
    }

    /// Orders by path, then position, then message, so output never depends on scheduling.
    public static func sortKey(_ a: Diagnostic, _ b: Diagnostic) -> Bool {
        if a.path != b.path { return PathText.less(a.path, b.path) }
        if a.location != b.location { return a.location < b.location }
        if a.severity != b.severity { return a.severity > b.severity }
        return a.message < b.message
    }
}
