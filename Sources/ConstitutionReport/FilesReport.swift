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
        // The per-row state is touched on every row and never by overlapping accesses (`add`
        // does not re-enter), so it skips the dynamic exclusivity checks, which cost more than
        // the row's own JSON.
        /// The bytes not yet handed to `sink`.
        @exclusivity(unchecked) private var out = ByteOutput()
        private var held: [Entry] = []
        private var widths: (path: Int, kind: Int)?
        @exclusivity(unchecked) private var count = 0
        /// Files per kind, in `FileKind.allCases` order.
        @exclusivity(unchecked) private var kindCounts = [Int](repeating: 0, count: FileKind.allCases.count)

        /// A writer that hands its bytes to `sink`.
        public init(format: Format, sink: @escaping ([UInt8]) -> Void) {
            self.format = format
            self.sink = sink
            out.bytes.reserveCapacity(1 << 16)
        }

        /// Adds one file.
        public func add(_ entry: Entry) {
            count += 1
            kindCounts[entry.kind.ordinal] += 1
            switch format {
            case .json:
                Self.json(entry, first: count == 1, into: &out)
            case .text(let style):
                guard let widths else {
                    held.append(entry)
                    if held.count >= Self.alignmentWindow { release(style) }
                    return
                }
                Self.text(entry, widths: widths, style: style, into: &out)
            }
            if out.bytes.count >= 1 << 16 { flush() }
        }

        /// Ends the listing with its diagnostics and summary, and flushes.
        public func finish(errors: [Diagnostic], warnings: [Diagnostic], sourceLines: [String: String]) {
            let errors = errors.sorted(by: Diagnostic.sortKey)
            let warnings = warnings.sorted(by: Diagnostic.sortKey)
            switch format {
            case .json:
                out.raw(count == 0 ? "{\n  \"files\": []" : "\n  ]")
                for (name, list) in [("errors", errors), ("warnings", warnings)] {
                    out.raw(",\n  ")
                    out.string(name)
                    out.raw(": ")
                    JSONValue.writeArray(list, pretty: true, indent: 1, into: &out.bytes) { d, bytes, indent in
                        JSONValue.object([
                            ("path", .string(d.path)), ("line", .int(d.location.line)), ("column", .int(d.location.column)),
                            ("message", .string(d.message)),
                        ]).write(into: &bytes, pretty: true, indent: indent)
                    }
                }
                out.raw("\n}\n")
            case .text(let style):
                if widths == nil { release(style) }
                var out = ""
                let diagnostics = (errors + warnings).sorted(by: Diagnostic.sortKey)
                if !diagnostics.isEmpty { out += "\n" }
                var prepared: (key: String, window: DiagnosticFormatter.SourceWindow?)?
                for d in diagnostics {
                    // Each source line prepared once for all the messages on it.
                    let key = FilesReport.lineKey(d.path, d.location.line)
                    if prepared?.key != key { prepared = (key, sourceLines[key].map { DiagnosticFormatter.SourceWindow($0) }) }
                    out += DiagnosticFormatter.format(
                        path: d.path, location: d.location, severity: d.severity.rawValue,
                        message: DiagnosticFormatter.displayable(d.message), source: prepared?.window, style: style)
                    out += "\n"
                }
                let counts = Dictionary(
                    uniqueKeysWithValues: zip(FileKind.allCases, kindCounts).filter { $0.1 > 0 }.map { ($0.0.rawValue, $0.1) })
                let summary = counts.keys.sorted().map { "\(counts[$0]!) \($0)" }.joined(separator: ", ")
                out += "\n\(count) file\(count == 1 ? "" : "s")"
                if !summary.isEmpty { out += " (\(summary))" }
                out += ", \(errors.count) error\(errors.count == 1 ? "" : "s"), \(warnings.count) warning\(warnings.count == 1 ? "" : "s")\n"
                self.out.bytes.append(contentsOf: out.utf8)
            }
            flush()
        }

        private func flush() {
            guard !out.bytes.isEmpty else { return }
            sink(out.bytes)
            out.bytes.removeAll(keepingCapacity: true)
        }

        /// Chooses the column widths from the rows held back, and writes them.
        private func release(_ style: TerminalStyle) {
            let w = (path: held.map { Self.width($0.path) }.max() ?? 0, kind: held.map(\.kind.rawValue.utf8.count).max() ?? 0)
            widths = w
            for entry in held { Self.text(entry, widths: w, style: style, into: &out) }
            held = []
        }

        /// Columns a path takes: its length in characters (bytes for ASCII, the common case).
        static func width(_ s: String) -> Int {
            s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.count : s.count
        }

        private static func text(_ f: Entry, widths: (path: Int, kind: Int), style: TerminalStyle, into o: inout ByteOutput) {
            // A file name can hold control characters: shown as placeholders, never raw.
            o.bytes.append(contentsOf: DiagnosticFormatter.displayable(f.path).utf8)
            o.spaces(max(widths.path - Self.width(f.path), 0) + 2)
            o.bytes.append(contentsOf: f.kind.rawValue.utf8)
            o.spaces(max(widths.kind - f.kind.rawValue.utf8.count, 0) + 2)
            o.number(f.documents)
            if !f.kinds.isEmpty {
                o.raw("  ")
                o.bytes.append(contentsOf: style.dim(f.kinds.joined(separator: ",")).utf8)
            }
            o.raw("\n")
        }

        private static func json(_ f: Entry, first: Bool, into o: inout ByteOutput) {
            o.raw(first ? "{\n  \"files\": [\n    {\n      \"path\": " : ",\n    {\n      \"path\": ")
            o.string(f.path)
            o.raw(",\n      \"kind\": ")
            o.string(f.kind.rawValue)
            o.raw(",\n      \"documents\": ")
            o.number(f.documents)
            o.raw(",\n      \"kinds\": ")
            if f.kinds.isEmpty {
                o.raw("[]")
            } else {
                o.raw("[")
                for (j, k) in f.kinds.enumerated() {
                    o.raw(j == 0 ? "\n        " : ",\n        ")
                    o.string(k)
                }
                o.raw("\n      ]")
            }
            o.raw("\n    }")
        }
    }

    /// Bytes being written, with the few appends the listing needs. A value the writer passes
    /// `inout` for a whole row (appending to a class's stored array one piece at a time costs an
    /// exclusivity check per piece).
    struct ByteOutput {
        var bytes: [UInt8] = []

        mutating func raw(_ s: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
        }

        mutating func string(_ s: String) { JSONValue.escape(s, into: &bytes) }

        /// Decimal digits; a single digit (most document counts) without going through `String`.
        mutating func number(_ n: Int) {
            if (0..<10).contains(n) {
                bytes.append(UInt8(ascii: "0") + UInt8(n))
            } else {
                bytes.append(contentsOf: String(n).utf8)
            }
        }

        mutating func spaces(_ n: Int) { bytes.append(contentsOf: repeatElement(UInt8(ascii: " "), count: n)) }
    }
}
