import ArgumentParser
import ConstitutionReport
import ConstitutionWorkspace
#if canImport(Glibc)
import Glibc
#endif

/// When to colour text output.
enum ColorMode: String, ExpressibleByArgument, CaseIterable {
    case auto, always, never

    /// Whether to colour output written to standard output.
    var enabled: Bool {
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
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Colour text output: auto, always or never.")
    var color: ColorMode = .auto

    @Option(name: .long, help: ArgumentHelp("Threads that read and check files (default: one per core; the folder walk runs beside them). 1 runs everything on one thread.", visibility: .hidden))
    var jobs: Int?

    var style: TerminalStyle { TerminalStyle(enabled: color.enabled) }
}

/// Writes to standard error.
func printError(_ text: String) {
    var text = text
    if !text.hasSuffix("\n") { text += "\n" }
    writeAll(STDERR_FILENO, Array(text.utf8))
}

/// Writes every byte to `fd`; an error such as a closed pipe ends the write silently (there is
/// nowhere left to report it).
func writeAll(_ fd: Int32, _ bytes: [UInt8]) {
    _ = FileWriter.writeAll(fd, bytes)
}

/// Standard output for listings written as they are produced (unbuffered: callers write
/// chunks). Use it instead of `print` for a whole command's output, not mixed with it.
struct StandardOutput {
    func write(_ bytes: [UInt8]) { writeAll(STDOUT_FILENO, bytes) }
}
