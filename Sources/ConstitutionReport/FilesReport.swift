import ConstitutionCore

/// What `constitution files` shows: every file with its kind, and every located problem.
///
/// A listing of a big tree is written as it is produced (see ``FilesReport/Writer``); this
/// value type is the whole listing at once, for small inputs and tests.
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
    public func text(style: TerminalStyle) -> String { render(.text(style)) }

    /// The JSON document: `{"files":[…],"errors":[…],"warnings":[…]}`, two-space indented.
    public func json() -> String { render(.json) }

    private func render(_ format: Writer.Format) -> String {
        var out: [UInt8] = []
        let writer = Writer(format: format) { out.append(contentsOf: $0) }
        for f in files { writer.add(f) }
        writer.finish(errors: errors, warnings: warnings, sourceLines: sourceLines)
        return String(decoding: out, as: UTF8.self)
    }

    /// Writes a listing entry by entry, so memory does not grow with the number of files: the
    /// bytes go to `sink` in chunks of about 64 KiB. Entries must come in path order.
    ///
    /// Text rows are aligned on the widest path and kind among the first
    /// ``Writer/alignmentWindow`` entries (on a bigger listing a longer path later on is
    /// followed by two spaces, as the widest one is).
    public final class Writer {
        /// The output format.
        public enum Format {
            case text(TerminalStyle)
            case json
        }

        /// How many text rows are held back to choose the column widths.
        public static let alignmentWindow = 4096

        private let format: Format
        private let sink: ([UInt8]) -> Void
        private var buffer: [UInt8] = []
        private var held: [Entry] = []
        private var widths: (path: Int, kind: Int)?
        private var count = 0
        private var kindCounts: [String: Int] = [:]

        /// A writer that hands its bytes to `sink`.
        public init(format: Format, sink: @escaping ([UInt8]) -> Void) {
            self.format = format
            self.sink = sink
            buffer.reserveCapacity(1 << 16)
        }

        /// Adds one file.
        public func add(_ entry: Entry) {
            count += 1
            kindCounts[entry.kind.rawValue, default: 0] += 1
            switch format {
            case .json:
                json(entry)
            case .text(let style):
                guard let widths else {
                    held.append(entry)
                    if held.count >= Self.alignmentWindow { release(style) }
                    return
                }
                text(entry, widths: widths, style: style)
            }
            if buffer.count >= 1 << 16 { flush() }
        }

        /// Ends the listing with its diagnostics and summary, and flushes.
        public func finish(errors: [Diagnostic], warnings: [Diagnostic], sourceLines: [String: String]) {
            let errors = errors.sorted(by: Diagnostic.sortKey)
            let warnings = warnings.sorted(by: Diagnostic.sortKey)
            switch format {
            case .json:
                raw(count == 0 ? "{\n  \"files\": []" : "\n  ]")
                for (name, list) in [("errors", errors), ("warnings", warnings)] {
                    raw(",\n  ")
                    string(name)
                    raw(": [")
                    for (i, d) in list.enumerated() {
                        raw(i == 0 ? "\n    {\n      \"path\": " : ",\n    {\n      \"path\": ")
                        string(d.path)
                        raw(",\n      \"line\": ")
                        number(d.location.line)
                        raw(",\n      \"column\": ")
                        number(d.location.column)
                        raw(",\n      \"message\": ")
                        string(d.message)
                        raw("\n    }")
                    }
                    raw(list.isEmpty ? "]" : "\n  ]")
                }
                raw("\n}\n")
            case .text(let style):
                if widths == nil { release(style) }
                var out = ""
                let diagnostics = (errors + warnings).sorted(by: Diagnostic.sortKey)
                if !diagnostics.isEmpty { out += "\n" }
                for d in diagnostics {
                    out += DiagnosticFormatter.format(d, sourceLine: sourceLines[FilesReport.lineKey(d.path, d.location.line)], style: style)
                    out += "\n"
                }
                let summary = kindCounts.keys.sorted().map { "\(kindCounts[$0]!) \($0)" }.joined(separator: ", ")
                out += "\n\(count) file\(count == 1 ? "" : "s")"
                if !summary.isEmpty { out += " (\(summary))" }
                out += ", \(errors.count) error\(errors.count == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")\n"
                buffer.append(contentsOf: out.utf8)
            }
            flush()
        }

        private func flush() {
            guard !buffer.isEmpty else { return }
            sink(buffer)
            buffer.removeAll(keepingCapacity: true)
        }

        /// Chooses the column widths from the rows held back, and writes them.
        private func release(_ style: TerminalStyle) {
            let w = (path: held.map { Self.width($0.path) }.max() ?? 0, kind: held.map(\.kind.rawValue.utf8.count).max() ?? 0)
            widths = w
            for entry in held { text(entry, widths: w, style: style) }
            held = []
        }

        /// Columns a path takes: its length in characters (bytes for ASCII, the common case).
        static func width(_ s: String) -> Int {
            s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.count : s.count
        }

        private func text(_ f: Entry, widths: (path: Int, kind: Int), style: TerminalStyle) {
            buffer.append(contentsOf: f.path.utf8)
            spaces(max(widths.path - Self.width(f.path), 0) + 2)
            buffer.append(contentsOf: f.kind.rawValue.utf8)
            spaces(max(widths.kind - f.kind.rawValue.utf8.count, 0) + 2)
            number(f.documents)
            if !f.kinds.isEmpty {
                raw("  ")
                buffer.append(contentsOf: style.dim(f.kinds.joined(separator: ",")).utf8)
            }
            raw("\n")
        }

        private func json(_ f: Entry) {
            raw(count == 1 ? "{\n  \"files\": [\n    {\n      \"path\": " : ",\n    {\n      \"path\": ")
            string(f.path)
            raw(",\n      \"kind\": ")
            string(f.kind.rawValue)
            raw(",\n      \"documents\": ")
            number(f.documents)
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

        private func raw(_ s: StaticString) {
            buffer.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }

        private func string(_ s: String) { JSONValue.escape(s, into: &buffer) }

        private func number(_ n: Int) { buffer.append(contentsOf: String(n).utf8) }

        private func spaces(_ n: Int) { buffer.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }
}
