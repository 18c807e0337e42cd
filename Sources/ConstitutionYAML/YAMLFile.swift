import ConstitutionCore

/// One node of the arena. Internal: the public face is ``YAMLNode``.
///
/// `a` and `b` depend on the kind: for a scalar, the start and length of its value in
/// ``YAMLFile/scalarBytes``; for a collection, the start and count of its entries in
/// ``YAMLFile/children`` (a mapping stores key, value, key, value…); for an alias, `a` is the
/// anchor's node id.
@usableFromInline
struct RawNode: Sendable {
    @usableFromInline var kind: YAMLNodeKind
    @usableFromInline var style: UInt8
    @usableFromInline var tag: UInt16
    @usableFromInline var line: UInt32
    @usableFromInline var column: UInt32
    @usableFromInline var offset: UInt32
    @usableFromInline var a: UInt32
    @usableFromInline var b: UInt32
}

/// A key written twice in one mapping. YAML forbids it, and readers disagree on which value
/// wins (libyaml-based tools, PyYAML and Go's yaml.v3 differ), so the tree keeps both entries
/// and the duplicate is reported.
public struct YAMLDuplicateKey: Sendable, Hashable {
    /// The key's text.
    public var key: String
    /// The repeated key (the later one).
    public var location: SourceLocation
    /// The earlier key it repeats.
    public var first: SourceLocation

    /// Creates a duplicate-key record.
    public init(key: String, location: SourceLocation, first: SourceLocation) {
        self.key = key
        self.location = location
        self.first = first
    }

    /// `duplicate key 'reclaimPolicy' (also at 4:1): readers disagree on which value wins`.
    public var message: String {
        "duplicate key '\(key)' (also at \(first.line):\(first.column)): readers disagree on which value wins"
    }
}

/// One document of a stream: its root node and where it starts and ends.
public struct YAMLDocumentInfo: Sendable, Hashable {
    /// The root node's id, or `nil` for a document whose root could not be built.
    public var root: Int32
    /// Where the document starts (the `---` marker when explicit, else its first token).
    public var start: SourceLocation
    /// Where the document ends.
    public var end: SourceLocation
    /// Whether it began with an explicit `---`.
    public var explicitStart: Bool
}

/// An immutable, position-carrying YAML stream: every node of every document of one file in one
/// arena of value-type nodes addressed by integer ids.
///
/// Build one with ``YAMLParser``. Read it through ``documents`` and ``YAMLNode``.
public final class YAMLFile: Sendable {
    /// The path the file was read from (as given by the caller).
    public let path: String
    /// The file's bytes as read.
    public let source: [UInt8]
    @usableFromInline let nodes: [RawNode]
    @usableFromInline let children: [Int32]
    @usableFromInline let scalarBytes: [UInt8]
    @usableFromInline let tags: [String]
    /// The documents that parsed completely, in order.
    public let documentInfos: [YAMLDocumentInfo]
    /// Located warnings such as duplicate keys.
    public let diagnostics: [Diagnostic]
    /// Every key that repeats an earlier key of the same mapping, in the order found.
    public let duplicateKeys: [YAMLDuplicateKey]
    /// The error that stopped parsing, if any. Documents before it are kept.
    public let error: YAMLParseError?

    init(
        path: String, source: [UInt8], nodes: [RawNode], children: [Int32], scalarBytes: [UInt8],
        tags: [String], documentInfos: [YAMLDocumentInfo], diagnostics: [Diagnostic],
        duplicateKeys: [YAMLDuplicateKey] = [], error: YAMLParseError?
    ) {
        self.path = path
        self.source = source
        self.nodes = nodes
        self.children = children
        self.scalarBytes = scalarBytes
        self.tags = tags
        self.documentInfos = documentInfos
        self.diagnostics = diagnostics
        self.duplicateKeys = duplicateKeys
        self.error = error
    }

    /// The documents' root nodes, in order: a view over ``documentInfos``, so reading them
    /// allocates nothing.
    public var documents: Documents { Documents(file: self) }

    /// The root nodes of a file's documents, in order.
    public struct Documents: RandomAccessCollection, Sendable {
        let file: YAMLFile?

        /// No documents (for a file that was not parsed).
        public static let empty = Documents(file: nil)

        public var startIndex: Int { 0 }
        public var endIndex: Int { file?.documentInfos.count ?? 0 }

        public subscript(position: Int) -> YAMLNode {
            YAMLNode(file: file!, id: file!.documentInfos[position].root)
        }
    }

    /// The number of nodes in the arena (aliases count once, not expanded).
    public var nodeCount: Int { nodes.count }

    /// The text of 1-based line `line` without its line break, for caret snippets.
    public func lineText(_ line: Int) -> String {
        SourceText.line(line, in: source)
    }
}
