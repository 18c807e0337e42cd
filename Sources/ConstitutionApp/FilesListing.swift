import ConstitutionCore
import ConstitutionReport
import ConstitutionWorkspace

/// `constitution files`: walk, classify and parse, then report what the tool sees.
public enum FilesListing {
    /// Lists `inputs` (files or folders), writing the listing to `sink` as it is produced.
    /// Returns 0, 4 or 5.
    ///
    /// One input is streamed in walk order (memory does not grow with the number of files);
    /// several are collected first, to be sorted and rid of overlaps. Every file is read and
    /// parsed within `limits` (a bigger or deeper one is an error, the others are still listed).
    public static func run(
        inputs: [String], displayRoot: String?, workers: Int, format: FilesReport.Writer.Format,
        limits: LoadLimits = .standard, gitignore: Bool = true, sink: @escaping ([UInt8]) -> Void
    ) throws(InputError) -> ExitStatus {
        let missing = ConstitutionStore.missing(inputs)
        if !missing.isEmpty { throw InputError.missingPaths(missing) }
        struct Row: Sendable {
            var entry: FilesReport.Entry
            var error: Diagnostic?
            var warnings: [Diagnostic]
            var lines: [(Int, String)]
        }
        @Sendable func row(_ file: LoadedFile) -> Row {
            var lines: [(Int, String)] = []
            let problems = (file.error.map { [$0] } ?? []) + file.warnings
            if !problems.isEmpty && !file.bytes.isEmpty {
                // One pass over the file for all its lines (a line per warning would rescan it).
                for (line, text) in SourceLines.texts(problems.map(\.location.line), in: file.bytes) {
                    lines.append((line, text))
                }
            }
            return Row(
                entry: .init(path: file.path, kind: file.kind, documents: file.documentCount, kinds: file.kubernetesKinds),
                error: file.error, warnings: file.warnings, lines: lines)
        }
        /// What is kept while the listing streams out: the count and the problems.
        final class Tally {
            let writer: FilesReport.Writer
            var errors: [Diagnostic] = []
            var warnings: [Diagnostic] = []
            var sourceLines: [String: String] = [:]
            var count = 0

            init(_ writer: FilesReport.Writer) { self.writer = writer }

            func add(_ row: Row) {
                count += 1
                writer.add(row.entry)
                if let e = row.error { errors.append(e) }
                warnings += row.warnings
                for (line, text) in row.lines { sourceLines[FilesReport.lineKey(row.entry.path, line)] = text }
            }
        }
        let tally = Tally(FilesReport.Writer(format: format, sink: sink))
        let workspace = Workspace(workers: workers, gitignore: gitignore)
        if inputs.count == 1 {
            _ = workspace.walk(inputs, displayRoot: displayRoot, visit: { row(Workspace.load($0, limits: limits)) }) { _, r in tally.add(r) }
        } else {
            workspace.walkAndMap(inputs, displayRoot: displayRoot, limits: limits, row).results.forEach(tally.add)
        }
        tally.writer.finish(errors: tally.errors, warnings: tally.warnings, sourceLines: tally.sourceLines)
        if tally.count == 0 { return .noInput }
        return tally.errors.isEmpty ? .clean : .unparseable
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
