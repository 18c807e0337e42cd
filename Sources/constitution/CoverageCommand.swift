import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore
import ConstitutionWorkspace

struct CoverageCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "coverage",
        abstract: "Show which lessons are enforced by rules, which stay prose, and which rules matched nothing.",
        discussion: """
            Lints PATH (default: .) with the constitution and reports: every incident and \
            decision with the rules it taught (or prose-only), the prose-only lessons, and per \
            rule how many subjects it examined and how many findings it made. A rule that \
            matched nothing may be fine (the repo has no such files) or may be mis-targeted.

            Exit codes: 0 report printed; 2 usage error; 3 constitution error.
            """
    )

    @Argument(help: "Files or folders to examine (default: .).")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text or json.")
    var format: FilesFormat = .text

    @Option(name: .long, help: "Use the constitution (incidents/ and rules/) in this folder.")
    var constitution: String?

    @OptionGroup var strictness: StrictOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let inputs = paths.isEmpty ? ["."] : paths
        let options = Linter.Options(
            inputs: inputs, root: nil, constitution: constitution, threshold: nil,
            workers: global.jobs ?? Workspace.defaultWorkers, strict: strictness.strict)
        let outcome: Linter.Outcome
        switch Result(catching: { () throws(LintFailure) in try Linter.run(options) }) {
        case .success(let value): outcome = value
        case .failure(let failure):
            switch failure {
            case .constitution(let problem): reportConstitutionProblem(problem, style: global.style)
            case .input(let error):
                printError("constitution: error: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
        printWarnings(outcome.constitutionWarnings, style: global.style)
        switch format {
        case .text: print(Coverage.text(outcome, style: global.style), terminator: "")
        case .json: print(Coverage.json(outcome), terminator: "")
        }
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write the starter constitution (incidents/, rules/, templates/) into a repository.",
        discussion: """
            Copies the starter incidents, compiled rules and templates into DIR (default: .). \
            Existing files are never overwritten: they are listed as kept. Edit the incidents to \
            match your lab, then run `constitution compile`. With --empty, starts from your own \
            lessons instead: the folders, the templates and a .constitution.yaml naming this \
            constitution (so the starter rules do not apply), and no incident.

            Exit codes: 0 done; 2 usage error; 3 the starter constitution is not installed.
            """
    )

    @Argument(help: "The repository to initialise (default: .).")
    var directory: String = "."

    @Flag(name: .long, help: "Also write .gitea/workflows/constitution.yaml (lint on push, Markdown summary, SARIF artifact).")
    var withWorkflow = false

    @Flag(name: .long, help: "Also write .pre-commit-config.yaml using the constitution hook.")
    var withPreCommit = false

    @Flag(name: .long, help: "Start empty: the folders, templates and a .constitution.yaml naming this constitution, no incidents (then `constitution incident new`).")
    var empty = false

    @Flag(name: .long, help: "List the starter library by topic, with each topic's incidents and rules, and write nothing.")
    var list = false

    @Option(name: .long, help: ArgumentHelp("Copy only the incidents (and their rules) of these topics; see --list.", valueName: "topic,topic"))
    var only: String?

    func validate() throws {
        if empty && only != nil { throw ValidationError("--empty and --only cannot be combined") }
    }

    func run() throws {
        guard let starter = ConstitutionStore.starter() else {
            printError("constitution: error: the starter constitution is not installed (set CONSTITUTION_HOME)")
            throw ExitCode(ExitStatus.constitution.rawValue)
        }
        var extras: Set<String> = []
        if withWorkflow { extras.insert("workflow") }
        if withPreCommit { extras.insert("pre-commit") }
        if list {
            print(Initializer.list(starter: starter), terminator: "")
            return
        }
        let topics = only.map { Set($0.split(separator: ",").map { String($0).filter { $0 != " " } }.filter { !$0.isEmpty }) }
        switch Initializer.run(starter: starter, target: directory, with: extras, empty: empty, only: topics) {
        case .success(let outcome):
            for path in outcome.written { print("wrote: \(path)") }
            for path in outcome.kept { print("kept (already exists): \(path)") }
            if empty {
                print("\(outcome.written.count) files written, \(outcome.kept.count) kept; an empty constitution: no rules are enforced yet")
                print("next: constitution incident new \"WHAT HAPPENED\" --severity sev2, fill it in, then `constitution compile`")
            } else {
                print("\(outcome.written.count) files written, \(outcome.kept.count) kept; next: edit incidents/, then `constitution compile`")
                if topics == nil {
                    print("these are someone else's lessons: `constitution init --list` shows them by topic; drop what does not apply by")
                    print("deleting its incidents and running `constitution compile` (their rules go too), or start again with --only TOPIC,…")
                }
            }
            if !withWorkflow { print("to gate CI: constitution init --with-workflow (a Gitea Actions job)") }
            if !withPreCommit { print("to check before each commit: constitution init --with-pre-commit") }
        case .failure(let error):
            printError("constitution: error: \(error.message)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
    }
}
