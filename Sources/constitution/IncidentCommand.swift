import ArgumentParser
import ConstitutionApp
import ConstitutionCLI
import ConstitutionCore

struct IncidentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Work with incident records.",
        subcommands: [New.self]
    )

    struct New: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "new",
            abstract: "Write a new incident record, ready to fill in.",
            discussion: """
                Writes incidents/INC-NNNN-<slug>.yaml in this repository's constitution (the one \\
                `lint` uses; `constitution init --empty` makes one) with the next free id, today's \\
                date (UTC), every field present with a short comment, and a commented constraint \\
                skeleton. It loads and compiles as written; fill it in, uncomment a constraint, and \\
                run `constitution compile`.

                Exit codes: 0 written; 2 usage error (a bad severity, no constitution here).
                """
        )

        @Argument(help: "What happened, in a few words (the record's title).")
        var title: String

        @Option(name: .long, help: "sev1 (worst) .. sev4.")
        var severity: String = "sev3"

        @Option(name: .long, help: ArgumentHelp("The components involved, comma-separated.", valueName: "a,b"))
        var systems: String = ""

        @Option(name: .long, help: "Write into the constitution in this folder.")
        var constitution: String?

        func run() throws {
            let directory: String
            if let constitution {
                directory = constitution
            } else if let location = ConstitutionStore.locate(explicit: nil, root: "."), location.origin != "starter" {
                directory = location.directory
            } else {
                printError("constitution: error: this repository has no constitution of its own: run `constitution init --empty` (or pass --constitution DIR)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            let list = systems.split(separator: ",").map { String($0).filter { $0 != " " } }.filter { !$0.isEmpty }
            do {
                let path = try IncidentScaffold.create(title: title, severity: severity, systems: list, directory: directory, date: IncidentScaffold.today())
                print("wrote: \(path)")
                print("next: fill it in (the TODOs), uncomment and edit a constraint, then run")
                print("    constitution compile && constitution lint .")
            } catch {
                printError("constitution: error: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
        }
    }
}
