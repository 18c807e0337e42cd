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

    /// The JSON document: `{"files":[…],"errors":[…],"warnings":[…]}`, two-space indented.
    /// Written straight into bytes (no intermediate tree): thousands of files are common.
    public func json() -> String {
        var out: [UInt8] = []
        out.reserveCapacity(files.count * 120 + 64)
        func raw(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
        func string(_ s: String) { JSONValue.escape(s, into: &out) }
        raw("{\n  \"files\": [")
        for (i, f) in files.enumerated() {
            raw(i == 0 ? "\n    {\n      \"path\": " : ",\n    {\n      \"path\": ")
            string(f.path)
            raw(",\n      \"kind\": ")
            string(f.kind.rawValue)
            raw(",\n      \"documents\": ")
            out.append(contentsOf: String(f.documents).utf8)
            raw(",\n      \"kinds\": ")
            if f.kinds.isEmpty {
                raw("[]")
            } else {
                raw("[")
                for (j, k) in f.kinds.enumerated() {
                    raw(j == 0 ? "\n        " : ",\n        ")
                    string(k)
                }
                raw("\n      ]")
            }
            raw("\n    }")
        }
        raw(files.isEmpty ? "]" : "\n  ]")
        for (name, list) in [("errors", errors), ("warnings", warnings)] {
            raw(",\n  ")
            string(name)
            raw(": [")
            for (i, d) in list.enumerated() {
                raw(i == 0 ? "\n    {\n      \"path\": " : ",\n    {\n      \"path\": ")
                string(d.path)
                raw(",\n      \"line\": ")
                out.append(contentsOf: String(d.location.line).utf8)
                raw(",\n      \"column\": ")
                out.append(contentsOf: String(d.location.column).utf8)
                raw(",\n      \"message\": ")
                string(d.message)
                raw("\n    }")
            }
            raw(list.isEmpty ? "]" : "\n  ]")
        }
        raw("\n}\n")
        return String(decoding: out, as: UTF8.self)
    }
}
