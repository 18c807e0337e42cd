import ArgumentParser
import ConstitutionCLI
import ConstitutionCore
import ConstitutionRender
import ConstitutionRenderApp
import ConstitutionReport

/// What `constitution render` runs: fills the templates and writes (or checks) the agent files.
/// Its own program so that the template engine, and the Foundation it links, load only here.
@main
struct RenderProgram: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "constitution-render",
        abstract: "The renderer behind `constitution render`; run that instead (see `constitution render --help`)."
    )

    @OptionGroup var options: RenderOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let outcome: Renderer.Outcome
        switch Result(catching: { () throws(Renderer.Failure) in
            try Renderer.run(
                root: options.root, constitution: options.constitution, check: options.check, budget: options.budget,
                guardCommand: options.guardCommand, strict: options.strictness.strict)
        }) {
        case .success(let value): outcome = value
        case .failure(.constitution(let problem)): reportConstitutionProblem(problem, style: global.style)
        case .failure(.template(let diagnostic)):
            // A bad template is a constitution error (exit 3), located like one.
            // The line is shown under the message unless it is too long to read (a template
            // nested 100 000 deep on one line).
            let line = sourceLine(diagnostic).flatMap { $0.unicodeScalars.count <= 300 ? $0 : nil }
            printError(DiagnosticFormatter.format(diagnostic, sourceLine: line, style: global.style))
            throw ExitCode(ExitStatus.constitution.rawValue)
        case .failure(.target(let message)):
            printError("constitution: error: \(message)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        printWarnings(outcome.fileWarnings, style: global.style)
        for w in outcome.warnings { printError("constitution: warning: \(w)") }
        let stale = outcome.outputs.filter(\.changed)
        if options.check {
            for o in stale {
                print(UnifiedDiff.diff(old: o.old ?? [], new: o.new, oldName: "a/\(o.path)", newName: "b/\(o.path)"), terminator: "")
            }
            if !stale.isEmpty {
                printError("constitution: \(stale.map(\.path).joined(separator: ", ")) \(stale.count == 1 ? "is" : "are") stale; run `constitution render`")
                throw ExitCode(ExitStatus.findings.rawValue)
            }
            print("CLAUDE.md, docs/memory/MEMORY.md and .claude/settings.json are current (\(outcome.claudeBlockLines) lines in CLAUDE.md's block)")
            return
        }
        for o in outcome.outputs { print("\(o.changed ? "wrote" : "unchanged"): \(o.path)") }
    }

    /// Argument errors exit 2 (README.md, "Exit codes"), as in `constitution`.
    static func main() { runExitingTwoOnUsageErrors() }
}
