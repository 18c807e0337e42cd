import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore
#if canImport(Glibc)
import Glibc
#endif

struct GuardCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "guard",
        abstract: "A Claude Code PreToolUse hook: stop the agent before it breaks a rule.",
        discussion: """
            Reads Claude Code's PreToolUse hook JSON on stdin (tool_name, tool_input, cwd).
            - Bash: the command is read as a shell reads it (lists, pipes, compound commands, \
            redirections, $( ) and backticks, the binary by any path, wrappers such as sudo, env, \
            xargs, find -exec, timeout, watch, su -c, ssh, and text fed to a shell: sh -c, eval, \
            here-documents, echo … | sh). A command that matches a rule's agent: pattern is \
            denied, options between the pattern's words included (kubectl -n x apply). What \
            cannot be known without running it (a command word from a variable set elsewhere, \
            $(…) as the command word, an interpreter's inline program that mentions the \
            command, shells nested deeper than 16) is denied as "cannot be verified" when the \
            rest of it matches a pattern.
            - Write / Edit / MultiEdit: the file as it would be after the change is linted with \
            every error-severity rule that needs only that file; a finding denies the call and \
            lists file:line:column and the rule. (Cross-document rules run in `lint` and CI.)
            - Files that decide what is enforced (.constitutionignore, .constitution.yaml, \
            waivers.yaml, .claude/settings.json): a Write or Edit of one, or a Bash redirection \
            into one, is left to you to approve (permissionDecision: ask). Every other file the \
            agent writes is checked, also where .constitutionignore hides it from `lint`.
            - Anything else is allowed.

            A denial is printed as Claude Code's hookSpecificOutput JSON \
            (permissionDecision: deny, with the rule, its incident and its guidance as the \
            reason) and exits 0; --exit-code prints the reason on stderr and exits 2 instead. \
            Input that is not a PreToolUse JSON prints an error on stderr and exits 1, which \
            Claude Code treats as a non-blocking error: a broken hook never wedges the agent.

            Which constitution: the same as `lint` (see `constitution lint --help`). When it \
            cannot be loaded (a schema error, stale compiled rules), the guard enforces the last \
            copy of it that loaded (kept in ~/.cache/constitution) and says so on stderr: an \
            edit that breaks an incident file must not switch the guard off. With no such copy, \
            or a constitution without rules, every answer carries a notice (systemMessage and \
            additionalContext) that nothing is enforced, and the call goes ahead under Claude \
            Code's own permission rules.

            The guard never fails open on its own failure. Each payload is checked in a child \
            process; if that check crashes (a runtime trap, a stack overflow, an abort, being \
            killed) or takes longer than --timeout seconds, the call is denied with exit 2 and a \
            reason on stderr that says the guard failed, and the payload is kept in \
            ~/.cache/constitution/guard-failures/ for a report. (Claude Code lets a call through \
            when its hook crashes or times out, so a guard that cannot decide must deny.)

            `constitution render` registers this hook in .claude/settings.json.
            """
    )

    @Option(name: .long, help: "Use the constitution (incidents/ and rules/) in this folder.")
    var constitution: String?

    @Flag(name: .long, help: "Deny by exit code 2 with the reason on stderr instead of JSON.")
    var exitCode = false

    @Option(name: .long, help: ArgumentHelp("Deny the call when no decision is made within this many seconds.", valueName: "seconds"))
    var timeout: Double = 20

    @Option(name: .long, help: .hidden)
    var testFault: GuardSupervisor.Fault?

    func validate() throws {
        guard timeout > 0, timeout.isFinite else { throw ValidationError("--timeout must be a positive number of seconds") }
    }

    func run() throws {
        var input: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while input.count < 16 << 20 {
            let n = chunk.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress!, $0.count) }
            if n <= 0 { break }
            input.append(contentsOf: chunk[0..<n])
        }
        let outcome = GuardSupervisor.run(timeoutSeconds: timeout) { evaluate(input) }
        switch outcome {
        case .success(let status):
            if status != 0 { throw ExitCode(status) }
        case .failure(let failure):
            printError(GuardSupervisor.reason(failure, saved: GuardSupervisor.savePayload(input)))
            throw ExitCode(2)
        }
    }

    /// Decides on the payload and prints the answer; returns the exit status.
    func evaluate(_ input: [UInt8]) -> Int32 {
        if let testFault { GuardSupervisor.force(testFault) }
        let here = ConstitutionStore.currentDirectory() ?? "."
        switch Guard.decide(input: String(decoding: input, as: UTF8.self), cwd: here, constitution: constitution, warn: { printError($0) }) {
        case .allow:
            return 0
        case .notice(let notice):
            print(Guard.noticeJSON(notice), terminator: "")
            return 0
        case .ask(let reason):
            print(Guard.askJSON(reason), terminator: "")
            return 0
        case .deny(let reason):
            if exitCode {
                printError(reason)
                return 2
            }
            print(Guard.denyJSON(reason), terminator: "")
            return 0
        case .malformed(let why):
            printError("constitution guard: \(why)")
            return 1
        }
    }
}

extension GuardSupervisor.Fault: ExpressibleByArgument {}
