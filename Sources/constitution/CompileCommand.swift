import ArgumentParser
import ConstitutionCLI
import ConstitutionApp
import ConstitutionCore
import ConstitutionReport

struct CompileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compile",
        abstract: "Turn incidents' constraints into rules/<rule-id>.yaml, proving each rule on its examples.",
        discussion: """
            Reads incidents/*.yaml, checks every constraint (unique ids, valid regexes, known \
            paths, facets and parameters) and runs every rule's fail/pass examples, then writes \
            each constraint as a normalised rules/<rule-id>.yaml stamped as generated, with a \
            digest of its content. Hand-written rules in rules/ (without the stamp) are checked \
            the same way and never overwritten. Output is deterministic: the same incidents give \
            byte-identical rules.

            With --check nothing is written: exit 1 when rules/ is stale, 0 when current.

            Exit codes: 0 done (or current); 1 stale (--check); 3 an incident or rule is invalid \
            or an example does not prove its rule (each error at its own line).
            """
    )

    @Flag(name: .long, help: "Write nothing; exit 1 when rules/ is stale.")
    var check = false

    @Option(name: .long, help: "The folder holding incidents/ and rules/ (default: .).")
    var constitution: String = "."

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let outcome = try Compiler.run(directory: constitution, check: check)
            for w in outcome.warnings {
                printError(DiagnosticFormatter.format(w, sourceLine: sourceLine(w), style: global.style))
            }
            let verb = check ? "stale" : "wrote"
            for path in outcome.changed { print("\(verb): \(path)") }
            for path in outcome.removed { print(check ? "orphaned: \(path)" : "removed: \(path)") }
            if check && outcome.status == .findings {
                printError("constitution: rules/ is stale; run `constitution compile`")
            } else if outcome.changed.isEmpty && outcome.removed.isEmpty {
                print("\(outcome.ruleCount) rules checked; rules/ is up to date")
            } else if !check {
                print("\(outcome.ruleCount) rules checked")
            }
            throw ExitCode(outcome.status.rawValue)
        } catch let problem as ConstitutionProblem {
            reportConstitutionProblem(problem, style: global.style)
        }
    }
}

struct TestCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test",
        abstract: "Run every rule's fail/pass examples and report each mismatch at the example's line.",
        discussion: """
            Every fail example must yield a finding of its rule and every pass example none, also \
            with a multi-byte line inserted before the snippet and (for YAML) with the snippet as \
            the second document of a stream: findings must move exactly with the text.

            Exit codes: 0 all examples behave; 1 some example does not; 3 the constitution is invalid.
            """
    )

    @Option(name: .long, help: "The folder holding incidents/ and rules/ (default: .).")
    var constitution: String = "."

    @OptionGroup var global: GlobalOptions

    func run() throws {
        do {
            let outcome = try ExampleTester.run(directory: constitution)
            for w in outcome.warnings {
                printError(DiagnosticFormatter.format(w, sourceLine: sourceLine(w), style: global.style))
            }
            for f in outcome.failures {
                print(DiagnosticFormatter.format(f, sourceLine: sourceLine(f), style: global.style))
            }
            let passed = outcome.exampleCount - Set(outcome.failures.map { "\($0.path):\($0.location.line)" }).count
            print("\(passed) passed, \(outcome.exampleCount - passed) failed (\(outcome.ruleCount) rules)")
            throw ExitCode(outcome.failures.isEmpty ? ExitStatus.clean.rawValue : ExitStatus.findings.rawValue)
        } catch let problem as ConstitutionProblem {
            reportConstitutionProblem(problem, style: global.style)
        }
    }
}
