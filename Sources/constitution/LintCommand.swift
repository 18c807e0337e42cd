import ArgumentParser
import ConstitutionApp
import ConstitutionCore
import ConstitutionReport
import ConstitutionWorkspace

/// Output formats of `lint`.
enum LintFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

extension Severity: ExpressibleByArgument {}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check files against the constitution's rules, with file:line:column findings.",
        discussion: """
            Loads the constitution (the nearest incidents/ and rules/ at or above the linted \
            folder, else the starter constitution shipped with the tool), refuses stale compiled \
            rules (run `constitution compile`), evaluates every rule over every file in parallel, \
            and prints findings sorted by path, line, column and rule.

            Examples:
              constitution lint examples/homelab
              constitution lint . --format json --severity-threshold warning

            Exit codes: 0 clean; 1 findings at or above --severity-threshold; 2 usage error; \
            3 constitution error or stale rules; 4 a file could not be parsed (all others are \
            still checked); 5 no files matched.
            """
    )

    @Argument(help: "Files or folders to check (default: .).")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var format: LintFormat = .text

    @Option(name: .long, help: "Findings at or above this severity fail the run: error, warning or info.")
    var severityThreshold: Severity = .error

    @Option(name: .long, help: "The folder paths are shown relative to (default: the single folder given, else .).")
    var root: String?

    @Option(name: .long, help: "Use the constitution (incidents/ and rules/) in this folder.")
    var constitution: String?

    @Flag(name: .long, help: "Print only findings at or above the threshold, and the summary.")
    var quiet = false

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let inputs = paths.isEmpty ? ["."] : paths
        let options = Linter.Options(
            inputs: inputs, root: root, constitution: constitution, threshold: severityThreshold,
            workers: global.jobs ?? Workspace.defaultWorkers)
        do {
            let outcome = try Linter.run(options)
            switch format {
            case .text: print(outcome.report.text(style: global.style, quiet: quiet), terminator: "")
            case .json: print(outcome.report.json(), terminator: "")
            }
            if outcome.status == .noInput { printError("constitution: no files matched \(inputs.joined(separator: " "))") }
            throw ExitCode(outcome.status.rawValue)
        } catch let failure as LintFailure {
            switch failure {
            case .constitution(let problem): reportConstitutionProblem(problem, style: global.style)
            case .input(let error):
                printError("constitution: error: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
    }
}

/// Prints a constitution problem and exits 3.
func reportConstitutionProblem(_ problem: ConstitutionProblem, style: TerminalStyle) -> Never {
    for d in problem.diagnostics {
        printError(DiagnosticFormatter.format(d, sourceLine: sourceLine(d), style: style))
    }
    for m in problem.messages { printError("constitution: error: \(m)") }
    Constitution.exit(withError: ExitCode(ExitStatus.constitution.rawValue))
}

/// The source line of a diagnostic, read from disk.
func sourceLine(_ d: Diagnostic) -> String? {
    guard case .success(let bytes) = FileReader.read(d.path) else { return nil }
    return SourceText.line(d.location.line, in: bytes)
}
