import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore
import ConstitutionReport
import ConstitutionWorkspace

/// Output formats of `lint`.
enum LintFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, sarif, junit, github, markdown
}

extension Severity: ExpressibleByArgument {}

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check files against the constitution's rules, with file:line:column findings.",
        discussion: """
            Loads the constitution (the nearest incidents/ and rules/ at or above the linted \
            folder, else the starter constitution shipped with the tool), refuses stale compiled \
            rules (run `constitution compile`), evaluates every rule over every file in parallel, \
            and prints findings sorted by path, line, column and rule.

            Naming files instead of folders (a pre-commit run) checks only those files, while \
            cross-document rules still see the whole tree under --root (default: .).

            Several outputs in one run: repeat --format, each optionally followed by its \
            --output FILE (`-` is standard output), e.g. \
            `--format github --format sarif --output constitution.sarif --format markdown --output summary.md`.

            Waivers: `# constitution:ignore RULE reason="…" until=YYYY-MM-DD` on the line or the \
            line above, and waivers.yaml next to the constitution. A waiver without a reason, or \
            past its date, waives nothing and is reported. Waived findings are counted and shown.

            Baseline (adopting the gate on a lab that already has findings): \
            `--write-baseline FILE` records today's findings (after waivers) in FILE; \
            `--baseline FILE` (or `baseline:` in .constitution.yaml) then shows the findings it \
            lists as known (counted and listed, never failing) and fails only on new ones. A \
            finding matches by rule, path and its source line (white space collapsed), never by \
            line number, so unrelated edits keep it known. Entries that no longer match are \
            reported; `--write-baseline` over an existing file drops them and adds nothing new \
            (unless --baseline-add-new). Waivers are reviewed decisions; a baseline is a debt list.

            Settings come from the flags, then .constitution.yaml (at the root or beside the \
            constitution), then the defaults.

            Warnings about your own files (an unknown key in an incident, a rule, waivers.yaml \
            or .constitution.yaml; a rule id or parameter name in .constitution.yaml that no \
            rule has) are printed on standard error as path:line:col: warning: …, with a \
            did-you-mean. With --strict they stop the run before any file is checked (exit 3).

            Examples:
              constitution lint examples/homelab
              constitution lint . --format json --severity-threshold warning
              constitution lint k8s/apps/web/deploy.yaml          # pre-commit style
              constitution lint . --write-baseline constitution-baseline.yaml
              constitution lint . --baseline constitution-baseline.yaml

            Exit codes: 0 clean; 1 findings at or above the threshold; 2 usage error; \
            3 constitution error (bad incident, rule, config, waivers.yaml or baseline; stale rules; \
            with --strict, any warning about them); \
            4 a file could not be read or parsed (all others are still checked); 5 no files matched.

            Limits: a file over --max-file-size (default 16MiB, or max_file_size in \
            .constitution.yaml), YAML nested deeper than 256 levels, a FIFO, socket or device, \
            a symlink leaving the tree, and UTF-16 or UTF-32 text are each reported where they \
            are (exit 4) and not checked; every other file still is.
            """
    )

    @Argument(help: "Files or folders to check (default: .).")
    var paths: [String] = []

    @Option(name: .long, help: "Output format: text, json, sarif, junit, github or markdown (repeatable).")
    var format: [LintFormat] = []

    @Option(name: .long, help: "Write the preceding --format to FILE instead of standard output (repeatable).")
    var output: [String] = []

    @Option(name: .long, help: "Findings at or above this severity fail the run: error, warning or info (default: error).")
    var severityThreshold: Severity?

    @Option(name: .long, help: "The folder paths are shown relative to (default: the single folder given, else .).")
    var root: String?

    @Option(name: .long, help: "Use the constitution (incidents/ and rules/) in this folder.")
    var constitution: String?

    @Option(name: .long, help: "Read settings from this file instead of .constitution.yaml.")
    var config: String?

    @Flag(name: .long, help: "Ignore `# constitution:ignore` comments (strict repositories).")
    var noInlineWaivers = false

    @Option(name: .long, help: "Show the findings FILE lists as known (not failing); only new findings fail (default: baseline: in .constitution.yaml).")
    var baseline: String?

    @Flag(name: .long, help: "Compare with no baseline, even if .constitution.yaml names one.")
    var noBaseline = false

    @Option(name: .long, help: "Record the findings in FILE as the baseline (an existing FILE only shrinks: entries no longer found are dropped).")
    var writeBaseline: String?

    @Flag(name: .long, help: "With --write-baseline over an existing file, also record new findings.")
    var baselineAddNew = false

    @Flag(name: .long, help: "Print only findings at or above the threshold, and the summary.")
    var quiet = false

    @OptionGroup var size: FileSizeOptions

    @OptionGroup var strictness: StrictOptions

    @Flag(name: .long, help: "Say which constitution is used, which look-alike folders were passed over and why, and which templates and embedded documents could not be checked.")
    var verbose = false

    @Flag(name: .long, help: "Also check what Git ignores (.gitignore, .git/info/exclude, ~/.config/git/ignore); .constitutionignore still applies.")
    var noIgnore = false

    @OptionGroup var global: GlobalOptions

    func validate() throws {
        if baseline != nil && noBaseline { throw ValidationError("--baseline and --no-baseline contradict each other") }
        if baselineAddNew && writeBaseline == nil { throw ValidationError("--baseline-add-new needs --write-baseline FILE") }
        if writeBaseline != nil && baseline != nil {
            throw ValidationError("--write-baseline FILE compares with FILE itself; drop --baseline")
        }
    }

    func run() throws {
        let inputs = paths.isEmpty ? ["."] : paths
        let pairs: [OutputPlan.Item]
        do {
            pairs = try OutputPlan.parse(arguments: Array(CommandLine.arguments.dropFirst()))
        } catch {
            printError("constitution: error: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        var options = Linter.Options(
            inputs: inputs, root: root, constitution: constitution, threshold: severityThreshold,
            workers: global.jobs ?? Workspace.defaultWorkers, config: config, inlineWaivers: noInlineWaivers ? false : nil,
            maxFileSize: size.maxFileSize, gitignore: !noIgnore, strict: strictness.strict)
        options.baseline = baseline
        options.noBaseline = noBaseline
        options.writeBaseline = writeBaseline
        options.baselineAddNew = baselineAddNew
        let outcome: Linter.Outcome
        switch Result(catching: { () throws(LintFailure) in try Linter.run(options) }) {
        case .success(let value): outcome = value
        case .failure(.constitution(let problem)): reportConstitutionProblem(problem, style: global.style)
        case .failure(.input(let error)):
            printError("constitution: error: \(error)")
            throw ExitCode(ExitStatus.usage.rawValue)
        }
        printWarnings(outcome.constitutionWarnings, style: global.style)
        if verbose {
            for note in outcome.location.passedOver { printError("constitution: note: \(note)") }
            printError("constitution: note: using the constitution at \(outcome.location.directory) (\(outcome.location.origin)), \(outcome.enforcedRules) rules enforced")
            for note in outcome.notes { printError(DiagnosticFormatter.format(note, sourceLine: nil, style: global.style)) }
        }
        if outcome.enforcedRules == 0 {
            let why = outcome.constitution.rules.isEmpty
                ? "the constitution at \(outcome.location.directory) has no rules" + (outcome.location.onPurpose ? " (chosen on purpose)" : "")
                : "every rule is turned off by `severity:` in \(outcome.config.path ?? ".constitution.yaml")"
            printError("constitution: warning: no rules are enforced: \(why)")
        }
        for w in outcome.baselineWarnings { printError(DiagnosticFormatter.format(w, sourceLine: nil, style: global.style)) }
        if let write = outcome.baselineWrite {
            if let error = AtomicFile.write(write.path, write.text) {
                printError("constitution: error: \(error)")
                throw ExitCode(ExitStatus.usage.rawValue)
            }
            printError("constitution: \(write.note)")
        }
        var plan = pairs
        if plan.isEmpty { plan = outcome.config.formats.map { OutputPlan.Item(format: $0.format, output: $0.output) } }
        if plan.isEmpty { plan = LintConfig.defaults.formats.map { OutputPlan.Item(format: $0.format, output: $0.output) } }
        // Formats that CI reads against the repository (annotations, SARIF, JUnit, Markdown
        // links) get paths from the repository's top when a sub-folder was linted; with --root
        // the paths stay relative to it, as asked.
        let linted = root ?? (inputs.count == 1 && ConstitutionStore.isDirectory(inputs[0]) ? inputs[0] : ".")
        let inRepository = root == nil ? Linter.pathInRepository(linted) : nil
        for item in plan {
            let styled = item.output == nil ? global.style : TerminalStyle(enabled: false)
            let fromTop = ["github", "sarif", "junit", "markdown"].contains(item.format) ? inRepository : nil
            let report = fromTop.map { outcome.report.relocated(under: $0) } ?? outcome.report
            var base = outcome.helpURIBase
            if let fromTop, outcome.config.helpURIBase == nil {
                // The default base is the linted folder; the paths now start at the repository's top.
                let top = String(ConstitutionStore.absolute(linted).dropLast(fromTop.count + 1))
                base = Linter.fileURI(top.isEmpty ? "/" : top) + "/"
            }
            let text = ReportFormats.render(report, format: item.format, style: styled, quiet: quiet, helpURIBase: base)
            if let path = item.output {
                if let error = AtomicFile.write(path, text) {
                    printError("constitution: error: \(error)")
                    throw ExitCode(ExitStatus.usage.rawValue)
                }
            } else {
                print(text, terminator: "")
            }
        }
        if outcome.status == .noInput { printError("constitution: no files matched \(inputs.joined(separator: " "))") }
        throw ExitCode(outcome.status.rawValue)
    }
}
