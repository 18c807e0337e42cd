import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore
import ConstitutionWorkspace

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules, explain one, or trace how one sees your files.",
        subcommands: [List.self, Explain.self, Trace.self]
    )

    struct Where: ParsableArguments {
        @Option(name: .long, help: "The folder holding incidents/ and rules/ (default: the nearest one, else the starter).")
        var constitution: String?
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "One line per rule: id, severity, source incident, message (or JSON).")
        enum Format: String, ExpressibleByArgument { case text, json }
        @Option(name: .long, help: "text (one line per rule) or json (for integrators).")
        var format: Format = .text
        @OptionGroup var whereTo: Where
        @OptionGroup var global: GlobalOptions

        func run() throws {
            do {
                let (c, _) = try Linter.loadConstitution(explicit: whereTo.constitution, root: ".")
                print(format == .json ? RuleCatalog.listJSON(c) : RuleCatalog.list(c), terminator: "")
            } catch {
                reportConstitutionProblem(error, style: global.style)
            }
        }
    }

    struct Explain: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "explain", abstract: "Everything about one rule.")
        @Argument(help: "The rule id, e.g. k3s-servicelb-disabled.")
        var id: String
        @OptionGroup var whereTo: Where
        @OptionGroup var global: GlobalOptions

        func run() throws {
            do {
                let (c, _) = try Linter.loadConstitution(explicit: whereTo.constitution, root: ".")
                guard let text = RuleCatalog.explain(id, in: c) else {
                    printError("constitution: error: no rule '\(id)'; `constitution rules list` shows them")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
                print(text, terminator: "")
            } catch let problem as ConstitutionProblem {
                reportConstitutionProblem(problem, style: global.style)
            }
        }
    }

    struct Trace: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "trace",
            abstract: "How one rule sees your files: each condition, the values it read, its verdict.",
            discussion: """
                For every subject the rule selects under PATH (a document, a facet item or a \
                whole file), prints each condition it tried, in order and nested as written, \
                with the value it read and where (line:column), and whether it held: \
                ✓ holds, ✗ does not, · a note (which document a `some:` join matched). \
                `when` must hold for the rule to apply; `require` must hold; `forbid` must not. \
                For every file or document the rule did not select, says why: its file kind, \
                `match.paths`/`exclude`, its Kubernetes kind, or the `match.where` trace. \
                Parameters and joins are as `lint` sees them: .constitution.yaml's params apply, \
                and `some:` looks at the whole tree under --root.

                Examples:
                  constitution rules trace pvc-backed-up k8s/apps/web/pvc.yaml
                  constitution rules trace k3s-servicelb-disabled examples/homelab

                Exit codes: 0 traced; 2 no such rule or path; 3 constitution or config error.
                """)
        @Argument(help: "The rule id, e.g. pvc-backed-up.")
        var id: String
        @Argument(help: "Files or folders to trace the rule over (default: .).")
        var paths: [String] = []
        @Option(name: .long, help: "The folder paths are shown relative to, and joins look under (default: the single folder given, else .).")
        var root: String?
        @Option(name: .long, help: "Read settings from this file instead of .constitution.yaml.")
        var config: String?
        @Flag(name: .long, help: "List every file the rule did not select (a folder's are grouped by reason otherwise).")
        var all = false
        @Flag(name: .long, help: "Also trace files Git ignores.")
        var noIgnore = false
        @OptionGroup var whereTo: Where
        @OptionGroup var global: GlobalOptions

        func run() throws {
            let options = RuleTrace.Options(
                id: id, inputs: paths, root: root, constitution: whereTo.constitution, config: config, all: all,
                workers: global.jobs ?? Workspace.defaultWorkers, gitignore: !noIgnore)
            switch Result(catching: { () throws(RuleTrace.Failure) in try RuleTrace.run(options) }) {
            case .success(let text): print(text, terminator: "")
            case .failure(.lint(.constitution(let problem))): reportConstitutionProblem(problem, style: global.style)
            case .failure(.lint(.input(let error))):
                printError("constitution: error: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            case .failure(.unknownRule(let message)):
                printError("constitution: error: \(message)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
    }
}
