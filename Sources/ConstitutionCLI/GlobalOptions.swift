import ArgumentParser
import ConstitutionApp
import ConstitutionCore
import ConstitutionReport
import ConstitutionWorkspace
#if canImport(Glibc)
import Glibc
#endif

/// When to colour text output.
public enum ColorMode: String, ExpressibleByArgument, CaseIterable, Sendable {
    case auto, always, never

    /// Whether to colour output written to standard output.
    public var enabled: Bool {
        switch self {
        case .always: return true
        case .never: return false
        case .auto:
            if getenv("NO_COLOR") != nil { return false }
            if let term = getenv("TERM"), String(cString: term) == "dumb" { return false }
            return isatty(STDOUT_FILENO) != 0
        }
    }
}

/// Options every command shares.
public struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Colour text output: auto, always or never.")
    public var color: ColorMode = .auto

    @Option(name: .long, help: ArgumentHelp("Threads that read and check files (default: one per core; the folder walk runs beside them). 1 runs everything on one thread.", visibility: .hidden))
    public var jobs: Int?

    public init() {}

    public var style: TerminalStyle { TerminalStyle(enabled: color.enabled) }
}

/// `--max-file-size SIZE`, for the commands that read a whole tree (`lint`, `files`).
public struct FileSizeOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Larger files are reported (exit 4) and not read: bytes, or a size such as 512KiB, 32MiB (default: max_file_size in .constitution.yaml, else 16MiB).",
            valueName: "size"),
        transform: FileSizeOptions.parse)
    public var maxFileSize: Int?

    public init() {}

    /// Reads a size argument; a usage error (exit 2) names what is wrong with it.
    static func parse(_ text: String) throws -> Int {
        switch ByteSize.parse(text) {
        case .success(let bytes): return bytes
        case .failure(let problem): throw ValidationError("--max-file-size: \(problem.message)")
        }
    }
}

/// `--strict`, for the commands that read the constitution's own files.
public struct StrictOptions: ParsableArguments {
    @Flag(
        name: .long,
        help: ArgumentHelp(
            "Treat every warning about your own files as an error: unknown keys in incidents, rules, waivers.yaml and .constitution.yaml, and rule ids or parameter names there that no rule has. All are printed, then exit 3."))
    public var strict = false

    public init() {}
}

/// Prints warnings about the constitution's own files, each with its source line.
public func printWarnings(_ warnings: [Diagnostic], style: TerminalStyle) {
    for w in warnings { printError(DiagnosticFormatter.format(w, sourceLine: sourceLine(w), style: style)) }
}

/// Writes to standard error.
public func printError(_ text: String) {
    var text = text
    if !text.hasSuffix("\n") { text += "\n" }
    writeAll(STDERR_FILENO, Array(text.utf8))
}

/// Writes every byte to `fd`; an error such as a closed pipe ends the write silently (there is
/// nowhere left to report it).
public func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    _ = FileWriter.writeAll(fd, bytes)
}

/// Standard output for listings written as they are produced (unbuffered: callers write
/// chunks). Use it instead of `print` for a whole command's output, not mixed with it.
public struct StandardOutput {
    public init() {}
    public func write(_ bytes: [UInt8]) { writeAll(STDOUT_FILENO, bytes) }
}

/// Prints a constitution problem and exits 3.
public func reportConstitutionProblem(_ problem: ConstitutionProblem, style: TerminalStyle) -> Never {
    for d in problem.diagnostics {
        printError(DiagnosticFormatter.format(d, sourceLine: sourceLine(d), style: style))
    }
    for m in problem.messages { printError("constitution: error: \(m)") }
    exit(ExitStatus.constitution.rawValue)
}

/// The source line of a diagnostic, read from disk (only a regular file within the default
/// size limit).
public func sourceLine(_ d: Diagnostic) -> String? {
    guard case .success(let bytes) = FileReader.read(d.path, maxSize: FileReader.defaultMaxFileSize) else { return nil }
    return SourceLines.texts([d.location.line], in: bytes)[d.location.line]
}

extension ParsableCommand {
    /// Parses the command line and runs the command, exiting 2 on argument errors (README.md, "Exit codes")
    /// instead of ArgumentParser's 64. The `main()` of every program of the tool.
    public static func runExitingTwoOnUsageErrors() -> Never {
        do {
            var command = try parseAsRoot()
            try command.run()
            exit(withError: nil)
        } catch {
            if exitCode(for: error) == .validationFailure {
                printError(fullMessage(for: error))
                exit(withError: ExitCode(ExitStatus.usage.rawValue))
            }
            exit(withError: error)
        }
    }
}
