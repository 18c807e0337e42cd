import ArgumentParser
import ConstitutionReport
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

    @Option(name: .long, help: ArgumentHelp("Worker threads (default: all cores).", visibility: .hidden))
    var jobs: Int?

    var style: TerminalStyle { TerminalStyle(enabled: color.enabled) }
}

/// Writes to standard error.
func printError(_ text: String) {
    var text = text
    if !text.hasSuffix("\n") { text += "\n" }
    var bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeMutableBytes { write(STDERR_FILENO, $0.baseAddress! + written, $0.count - written) }
        if n <= 0 { break }
        written += n
    }
}
