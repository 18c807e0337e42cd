import ArgumentParser
import ConstitutionApp
import ConstitutionCLI
import ConstitutionCore

@main
struct Constitution: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "constitution",
        abstract: "Turn lab incidents into rules a machine enforces, and lint the repo against them.",
        discussion: """
            Start with `constitution files PATH` to see how each file is classified, and \
            `constitution lint PATH` to check it.

            \(ExitStatus.helpText)
            """,
        version: ToolVersion.number,
        subcommands: [
            LintCommand.self, FilesCommand.self, CompileCommand.self, TestCommand.self, RulesCommand.self, CoverageCommand.self, InitCommand.self,
            RenderCommand.self, GuardCommand.self, InstallCommand.self, DoctorCommand.self, IncidentCommand.self,
        ]
    )

    /// Runs the command, mapping argument errors to exit code 2 (README.md, "Exit codes") instead of
    /// ArgumentParser's 64.
    static func main() {
        // `--version` names the tool and the commit (read only when asked: start-up stays small).
        if CommandLine.arguments.dropFirst() == ["--version"] {
            print(ToolVersion.describe())
            exit(withError: nil)
        }
        runExitingTwoOnUsageErrors()
    }
}
