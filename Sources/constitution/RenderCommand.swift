import ArgumentParser
import ConstitutionApp
import ConstitutionCLI
import ConstitutionCore
#if canImport(Glibc)
import Glibc
#endif

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

            The templates are filled by constitution-render, a program built beside this one \
            (the template engine and the Foundation it needs stay out of every other command).

            Exit codes: 0 written or current; 1 stale (--check); 2 a target cannot be merged \
            safely (broken markers, invalid settings JSON), or constitution-render is missing; \
            3 constitution error (with --strict, also a warning about the constitution's files \
            or .constitution.yaml).
            """
    )

    @OptionGroup var options: RenderOptions

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let helper = Self.helperPath()
        let arguments = [helper] + options.arguments(global)
        var cArguments = arguments.map { strdup($0) } + [nil]
        // A bare name (where the running binary's path is unknown) is looked up on PATH.
        if helper.contains("/") { execv(helper, &cArguments) } else { execvp(helper, &cArguments) }
        let reason = String(cString: strerror(errno))
        printError(
            "constitution: error: cannot run \(helper) (\(reason)); render needs it beside the constitution binary: "
                + "install both with `./constitution install` from a clone, or build them with `scripts/build-release`")
        throw ExitCode(ExitStatus.usage.rawValue)
    }

    /// `constitution-render` in the folder of the running binary (`/proc/self/exe`, else the path
    /// it was started by; a bare `constitution-render` when that has no folder).
    static func helperPath() -> String {
        let exe = ConstitutionStore.executablePath() ?? CommandLine.arguments[0]
        guard let slash = exe.lastIndex(of: "/") else { return "constitution-render" }
        return String(exe[...slash]) + "constitution-render"
    }
}
