import ConstitutionCore
import ConstitutionReport
import ConstitutionWorkspace

/// `constitution files`: walk, classify and parse, then report what the tool sees.
public enum FilesListing {
    /// The outcome: the report and the exit status it implies.
    public struct Outcome: Sendable {
        /// What to print.
        public var report: FilesReport
        /// 0, 4 or 5.
        public var status: ExitStatus
    }

    /// Lists `inputs` (files or folders).
    public static func run(inputs: [String], displayRoot: String?, workers: Int) throws(InputError) -> Outcome {
        let missing = ConstitutionStore.missing(inputs)
        if !missing.isEmpty { throw InputError.missingPaths(missing) }
        struct Row: Sendable {
            var entry: FilesReport.Entry
            var error: Diagnostic?
            var warnings: [Diagnostic]
            var lines: [(Int, String)]
        }
        let rows = Workspace(workers: workers).walkAndMap(inputs, displayRoot: displayRoot) { file -> Row in
            var lines: [(Int, String)] = []
            let problems = (file.error.map { [$0] } ?? []) + file.warnings
            for d in problems where !file.bytes.isEmpty {
                lines.append((d.location.line, SourceText.line(d.location.line, in: file.bytes)))
            }
            return Row(
                entry: .init(path: file.path, kind: file.kind, documents: file.documentCount, kinds: file.kubernetesKinds),
                error: file.error, warnings: file.warnings, lines: lines)
        }.results
        var sourceLines: [String: String] = [:]
        for row in rows {
            for (line, text) in row.lines { sourceLines[FilesReport.lineKey(row.entry.path, line)] = text }
        }
        let report = FilesReport(
            files: rows.map(\.entry), errors: rows.compactMap(\.error), warnings: rows.flatMap(\.warnings),
            sourceLines: sourceLines)
        let status: ExitStatus = rows.isEmpty ? .noInput : (report.errors.isEmpty ? .clean : .unparseable)
        return Outcome(report: report, status: status)
    }
}

/// Problems with what the user asked for (exit 2).
public enum InputError: Error, Sendable, CustomStringConvertible {
    /// Paths that do not exist.
    case missingPaths([String])
    /// A bad combination of options.
    case usage(String)

    public var description: String {
        switch self {
        case .missingPaths(let paths):
            "no such file or folder: " + paths.joined(separator: ", ")
        case .usage(let message):
            message
        }
    }
}
