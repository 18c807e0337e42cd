/// A position in a source file.
///
/// `line` and `column` are 1-based. The column unit is **Unicode scalars** counted from the
/// start of the line, exactly as libyaml counts characters (a tab is one column, `é` is one
/// column, an emoji is one column). `offset` is the 0-based **byte** offset into the file as it
/// is on disk (a UTF-8 byte-order mark counts as 3 bytes).
public struct SourceLocation: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number, file-absolute (not reset by `---`).
    public var line: Int
    /// 1-based column in Unicode scalars.
    public var column: Int
    /// 0-based byte offset into the file.
    public var offset: Int

    /// Creates a location.
    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    /// The start of a file.
    public static let start = SourceLocation(line: 1, column: 1, offset: 0)

    public static func < (lhs: SourceLocation, rhs: SourceLocation) -> Bool {
        if lhs.line != rhs.line { return lhs.line < rhs.line }
        if lhs.column != rhs.column { return lhs.column < rhs.column }
        return lhs.offset < rhs.offset
    }

    public var description: String { "\(line):\(column)" }
}
