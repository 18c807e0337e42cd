import ArgumentParser
import ConstitutionApp
import ConstitutionCore
import ConstitutionRender

struct RenderCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "render",
        abstract: "Write CLAUDE.md, docs/memory/MEMORY.md and the agent's deny list from the constitution.",
        discussion: """
            Fills templates/CLAUDE.md.mustache and templates/MEMORY.md.mustache from the \
            incidents and rules, and replaces only the block between \
            '<!-- constitution:begin …' and '<!-- constitution:end -->' in CLAUDE.md and \
            docs/memory/MEMORY.md: everything outside it is kept byte for byte, and a file \
            without markers gets the block appended. It also merges every rule's agent: \
            commands into .claude/settings.json permissions.deny (as Bash(cmd:*)) and registers \
            `constitution guard` as a PreToolUse hook for Bash, Write and Edit, keeping every \
            other key. Writes are atomic; a second run changes nothing.

            With --check nothing is written: exit 1 and a unified diff when any output is stale \
            (including a hand edit inside a block), 0 when current.

            Exit codes: 0 written or current; 1 stale (--check); 2 a target cannot be merged \
            safely (broken markers, invalid settings JSON); 3 constitution error.
            """
    )

    @Option(name: .long, help: "The repository to render into (default: .).")
    var root: String = "."

    @Option(name: .long, help: "Use the constitution (incidents/, rules/, templates/) in this folder.")
    var constitution: String?

    @Flag(name: .long, help: "Write nothing; exit 1 with a diff when any output is stale.")
    var check = false

    @Option(name: .long, help: "Warn when CLAUDE.md's managed block has more lines than this.")
    var budget: Int = 80

    @Option(name: .long, help: "The hook command registered in .claude/settings.json.")
    var guardCommand: String = "constitution guard"

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let outcome: Renderer.Outcome
        switch Result(catching: { () throws(Renderer.Failure) in
            try Renderer.run(root: root, constitution: constitution, check: check, budget: budget, guardCommand: guardCommand)
        }) {
        case .success(let value): outcome = value
        case .failure(.constitution(let problem)): reportConstitutionProblem(problem, style: global.style)
        case .failure(.target(let message)):
            printError("constitution: error: \(message)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        for w in outcome.warnings { printError("constitution: warning: \(w)") }
        let stale = outcome.outputs.filter(\.changed)
        if check {
            for o in stale {
                print(UnifiedDiff.diff(old: o.old ?? "", new: o.new, oldName: "a/\(o.path)", newName: "b/\(o.path)"), terminator: "")
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
}
