import ConstitutionCore

/// Why a file could not be (completely) read as YAML. The documents before the error are kept.
public struct YAMLParseError: Error, Sendable, Hashable {
    /// What went wrong, classified.
    public enum Reason: Sendable, Hashable {
        /// libyaml rejected the text (scanner, parser or reader error).
        case syntax
        /// Aliases expanded past the budget (an alias bomb).
        case aliasBudget
        /// Collections nested deeper than the limit (``YAMLParser/defaultMaxDepth``).
        case tooDeep
        /// The file could not be read (permissions, symlink loop, missing, a directory).
        case io
    }

    /// The classification of the error.
    public var reason: Reason
    /// Where the problem is: libyaml's problem mark, converted to 1-based line/column.
    public var location: SourceLocation
    /// The message, e.g. `found character that cannot start any token while scanning for the next token`.
    public var message: String

    /// Creates a parse error.
    public init(reason: Reason, location: SourceLocation, message: String) {
        self.reason = reason
        self.location = location
        self.message = message
    }
}
