import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore

struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "List the rules, or explain one: what it checks, its incident, guidance and examples.",
        subcommands: [List.self, Explain.self]
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
}
