import ArgumentParser
import ConstitutionApp
import ConstitutionCLI
import ConstitutionCore

struct DoctorCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check this repository's whole setup, and say how to fix each problem.",
        discussion: """
            Checks, in order: `constitution` on PATH and its version; the constitution found and \
            loading, compiled rules current; CLAUDE.md and docs/memory/MEMORY.md current; \
            .claude/settings.json valid, with every agent: pattern in its deny list and the \
            guard hook registered; the hook itself, run once with a command a rule forbids (it \
            must deny); the pre-commit hook present and pinned; a Gitea workflow that runs \
            `constitution lint`, its actions pinned.

            Exit codes: 0 all is well; 1 a check failed (each prints its fix); 2 usage error.
            """
    )

    @Option(name: .long, help: "The repository to check (default: .).")
    var root: String = "."

    @Option(name: .long, help: "Use the constitution (incidents/ and rules/) in this folder.")
    var constitution: String?

    func run() throws {
        let checks = Doctor.run(root: root, constitution: constitution, render: RenderCommand.helperPath())
        for check in checks {
            print("\(check.ok ? "ok  " : "FAIL") \(check.name): \(check.detail)")
            if let fix = check.fix, !check.ok { print("     fix: \(fix)") }
        }
        let failed = checks.filter { !$0.ok }.count
        print(failed == 0 ? "all \(checks.count) checks passed" : "\(failed) of \(checks.count) checks failed")
        if failed > 0 { throw ExitCode(1) }
    }
}
