import ArgumentParser
import ConstitutionApp
import ConstitutionCLI
import ConstitutionCore

struct InstallCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "install",
        abstract: "Put constitution on PATH, with its renderer and the starter constitution.",
        discussion: """
            Copies this program, constitution-render (built beside it) and the starter \
            constitution into place, so that `constitution` works from any folder: in your \
            shell, as Claude Code's hook (which `render` registers as `constitution guard`), in \
            pre-commit and in CI.
              PREFIX/constitution, PREFIX/constitution-render
              PREFIX/../share/constitution/{incidents,rules,templates,VERSION}
            PREFIX defaults to ~/.local/bin (/usr/local/bin as root). Installing again replaces \
            the programs and the starter constitution there, nothing else. If PREFIX is not on \
            PATH, the line to add to your shell's profile is printed.

            From a clone, run `./constitution install`: the launcher builds the programs first. \
            The programs are fully static: they need neither Swift nor libyaml where they run.

            Exit codes: 0 installed; 2 usage error, or it could not be installed.
            """
    )

    @Option(name: .long, help: ArgumentHelp("Where the programs go (default: ~/.local/bin, or /usr/local/bin as root).", valueName: "dir"))
    var prefix: String?

    func run() throws {
        let outcome: Installer.Outcome
        do {
            outcome = try Installer.install(prefix: prefix ?? Installer.defaultPrefix())
        } catch {
            printError("constitution: error: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        print("installed: \(outcome.bin)/constitution, \(outcome.bin)/constitution-render")
        print("installed: the starter constitution in \(outcome.share)")
        print(ToolVersion.describe())
        if !outcome.onPath {
            print("\(outcome.bin) is not on PATH. Add this line to ~/.profile (or ~/.bashrc, ~/.zshrc), then open a new shell:")
            print("    export PATH=\"\(outcome.bin):$PATH\"")
            print("Until then, Claude Code's hook `constitution guard` is not found, and Claude Code lets every call through.")
        } else if let other = outcome.shadowedBy {
            print("warning: \(other) comes first on PATH, so `constitution` runs that one; remove it or put \(outcome.bin) first.")
        }
    }
}
