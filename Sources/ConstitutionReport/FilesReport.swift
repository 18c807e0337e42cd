import ConstitutionCore

/// What `constitution files` shows: every file with its kind, and every located problem.
public struct FilesReport: Sendable {
    /// One listed file.
    public struct Entry: Sendable, Hashable {
        /// Display path.
        public var path: String
        /// Its kind (`kubernetes`, `ansible-tasks`, …).
        public var kind: FileKind
        /// Documents that parsed.
        public var documents: Int
        /// Kubernetes kinds in the file, sorted and unique.
        public var kinds: [String]

        /// Creates an entry.
        public init(path: String, kind: FileKind, documents: Int, kinds: [String]) {
            self.path = path
            self.kind = kind
            self.documents = documents
            self.kinds = kinds
        }
    }

    /// Files, sorted by path.
    public var files: [Entry]
    /// Errors (files that could not be read or parsed), sorted.
    public var errors: [Diagnostic]
    /// Warnings (duplicate keys), sorted.
    public var warnings: [Diagnostic]
    /// Source lines for the diagnostics, keyed by `path` and line, for snippets.
    public var sourceLines: [String: String]

    /// Creates a report; sorts its inputs.
    public init(files: [Entry], errors: [Diagnostic], warnings: [Diagnostic], sourceLines: [String: String]) {
        self.files = files.sorted { PathText.less($0.path, $1.path) }
        self.errors = errors.sorted(by: Diagnostic.sortKey)
        self.warnings = warnings.sorted(by: Diagnostic.sortKey)
        self.sourceLines = sourceLines
    }

    /// The key for ``sourceLines``.
    public static func lineKey(_ path: String, _ line: Int) -> String { "\(path)\u{0}\(line)" }

    /// The text listing: aligned `path  kind  documents` rows, then diagnostics in compiler style.
    public func text(style: TerminalStyle) -> String {
        let width = files.map(\.path.count).max() ?? 0
        let kindWidth = files.map(\.kind.rawValue.count).max() ?? 0
        var out = ""
        for f in files {
            out += f.path + String(repeating: " ", count: width - f.path.count + 2)
            out += f.kind.rawValue + String(repeating: " ", count: kindWidth - f.kind.rawValue.count + 2)
            out += String(f.documents)
            if !f.kinds.isEmpty { out += "  " + style.dim(f.kinds.joined(separator: ",")) }
            out += "\n"
        }
        let diagnostics = (errors + warnings).sorted(by: Diagnostic.sortKey)
        if !diagnostics.isEmpty { out += "\n" }
        for d in diagnostics {
            out += DiagnosticFormatter.format(d, sourceLine: sourceLines[Self.lineKey(d.path, d.location.line)], style: style)
            out += "\n"
        }
        var counts: [String: Int] = [:]
        for f in files { counts[f.kind.rawValue, default: 0] += 1 }
        let summary = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
        out += "\n\(files.count) file\(files.count == 1 ? "" : "s")"
        if !summary.isEmpty { out += " (\(summary))" }
        out += ", \(errors.count) error\(errors.count == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")\n"
        return out
    }

    /// The JSON document: `{"files":[…],"errors":[…],"warnings":[…]}`.
    public func json() -> String {
        func diag(_ d: Diagnostic) -> JSONValue {
            .object([
                ("path", .string(d.path)), ("line", .int(d.location.line)), ("column", .int(d.location.column)),
                ("message", .string(d.message)),
            ])
        }
        let value = JSONValue.object([
            (
                "files",
                .array(
                    files.map {
                        .object([
                            ("path", .string($0.path)), ("kind", .string($0.kind.rawValue)),
                            ("documents", .int($0.documents)), ("kinds", .array($0.kinds.map { .string($0) })),
                        ])
                    })
            ),
            ("errors", .array(errors.map(diag))),
            ("warnings", .array(warnings.map(diag))),
        ])
        return value.serialized(pretty: true) + "\n"
    }
}
