@testable import ConstitutionApp
import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace
import ConstitutionYAML
import TestSupport
import Testing

/// The steps of `Linter.run`, one at a time, without the binary.
@Suite("Linter steps")
struct LinterStepsTests {
    func finding(_ path: String, _ line: Int, _ rule: String, _ severity: Severity = .error, column: Int = 1) -> Finding {
        Finding(path: path, location: SourceLocation(line: line, column: column, offset: 0), rule: rule, severity: severity, message: "m", incident: nil)
    }

    func options(threshold: Severity? = nil, inlineWaivers: Bool? = nil, maxFileSize: Int? = nil, inputs: [String] = ["."], root: String? = nil) -> Linter.Options {
        Linter.Options(inputs: inputs, root: root, constitution: nil, threshold: threshold, workers: 1, inlineWaivers: inlineWaivers, maxFileSize: maxFileSize)
    }

    func config(_ yaml: String) throws -> LintConfig {
        try LintConfig.decode(YAMLParser.parse(path: ".constitution.yaml", source: Array(yaml.utf8)), path: ".constitution.yaml")
    }

    @Test func flagsWinOverTheConfigWhichWinsOverTheDefaults() throws {
        let defaults = Linter.settings(options(), config: LintConfig())
        #expect(defaults == Linter.Settings(threshold: .error, inlineWaivers: true, maxFileSize: FileReader.defaultMaxFileSize, reportDuplicates: true))
        let configured = try config("schema: 1\nthreshold: warning\ninline_waivers: false\nmax_file_size: 1KiB\nseverity: {duplicate-key: \"off\"}\n")
        #expect(Linter.settings(options(), config: configured) == Linter.Settings(threshold: .warning, inlineWaivers: false, maxFileSize: 1024, reportDuplicates: false))
        let flagged = Linter.settings(options(threshold: .info, inlineWaivers: true, maxFileSize: 7), config: configured)
        #expect(flagged == Linter.Settings(threshold: .info, inlineWaivers: true, maxFileSize: 7, reportDuplicates: false))
    }

    @Test func theRootIsTheSingleFolderGivenElseTheCurrentOne() {
        let folders: (String) -> Bool = { !$0.hasSuffix(".yaml") }
        #expect(Linter.root(of: options(inputs: ["lab"]), isDirectory: folders) == ("lab", false))
        #expect(Linter.root(of: options(inputs: ["lab", "other"]), isDirectory: folders) == (".", false))
        #expect(Linter.root(of: options(inputs: ["lab/a.yaml"]), isDirectory: folders) == (".", true))
        #expect(Linter.root(of: options(inputs: ["lab/a.yaml"], root: "lab"), isDirectory: folders) == ("lab", true))
    }

    @Test func severityOverridesChangeOnlyTheNamedRules() {
        var findings = [finding("a.yaml", 1, "x"), finding("a.yaml", 2, "y", .warning), finding("a.yaml", 3, "z", .info)]
        Linter.applySeverityOverrides(&findings, ["x": .set(.info), "y": .set(.error), "off-rule": .off])
        #expect(findings.map(\.severity) == [.info, .error, .info])
    }

    @Test func inlineAndCentralWaiversSilenceAndAreKept() {
        let bytes = Array("a: 1\n# constitution:ignore x reason=\"known\"\nb: 2\nc: 3 # constitution:ignore y\n".utf8)
        let inline = WaiverReader.inline(in: bytes, path: "a.yaml")
        let central = WaiverReader.central(
            YAMLParser.parse(path: "waivers.yaml", source: Array("schema: 1\nwaivers:\n  - rule: z\n    paths: [\"b/**\"]\n    reason: scratch\n".utf8)),
            path: "waivers.yaml"
        ).0
        let findings = [finding("b/c.yaml", 5, "z"), finding("a.yaml", 3, "x"), finding("a.yaml", 1, "x"), finding("a.yaml", 1, "x"), finding("a.yaml", 4, "y")]
        let applied = Linter.applyWaivers(findings, inline: ["a.yaml": inline], central: central, today: "2026-01-01")
        // The reasonless waiver waives nothing and is itself a finding; duplicates collapse; sorted by column.
        #expect(applied.findings.map { "\($0.path):\($0.location.line) \($0.rule)" } == ["a.yaml:1 x", "a.yaml:4 y", "a.yaml:4 constitution-waiver"])
        #expect(applied.waived.map { "\($0.finding.path):\($0.finding.location.line) \($0.kind.rawValue) \($0.reason)" } == ["b/c.yaml:5 central scratch", "a.yaml:3 inline known"])
        // Inline waivers turned off: only the central one applies.
        #expect(Linter.applyWaivers(findings, inline: [:], central: central, today: "2026-01-01").waived.count == 1)
    }

    @Test func theFirstWaiversFileFoundIsRead() throws {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(
            [
                "lab/waivers.yaml": "schema: 1\nwaivers:\n  - rule: a\n    reason: r\n",
                "policy/waivers.yaml": "schema: 1\nwaivers:\n  - rule: b\n    reason: r\n  - rule: c\n    reason: r\n",
            ], under: root)
        #expect(try Linter.centralWaivers(folders: [root + "/lab", root + "/policy"], root: root + "/lab").waivers.map(\.rule) == ["a"])
        #expect(try Linter.centralWaivers(folders: [root + "/none", root + "/policy"], root: root + "/lab").waivers.map(\.rule) == ["b", "c"])
        #expect(try Linter.centralWaivers(folders: [root + "/none"], root: root).waivers.isEmpty)
        let broken = try Linter.centralWaivers(folders: [root + "/lab"], root: root)
        #expect(broken.waivers.first?.path == "lab/waivers.yaml")
    }

    @Test func theExitStatusFollowsTheThreshold() {
        let warning = [finding("a.yaml", 1, "x", .warning)]
        let parse = [Diagnostic(path: "b.yaml", location: .start, severity: .error, message: "bad")]
        #expect(Linter.exitStatus(checkedCount: 1, namesFiles: false, errors: [], findings: warning, threshold: .error) == .clean)
        #expect(Linter.exitStatus(checkedCount: 1, namesFiles: false, errors: [], findings: warning, threshold: .warning) == .findings)
        #expect(Linter.exitStatus(checkedCount: 1, namesFiles: false, errors: [], findings: [], threshold: .info) == .clean)
        // A file that could not be parsed outranks findings.
        #expect(Linter.exitStatus(checkedCount: 2, namesFiles: false, errors: parse, findings: warning, threshold: .warning) == .unparseable)
        // Nothing checked: no input, unless files were named (pre-commit) and all excluded.
        #expect(Linter.exitStatus(checkedCount: 0, namesFiles: false, errors: [], findings: [], threshold: .error) == .noInput)
        #expect(Linter.exitStatus(checkedCount: 0, namesFiles: true, errors: [], findings: [], threshold: .error) == .clean)
    }

    @Test func missingSourceLinesAreReadOncePerFile() {
        let root = TestSupport.makeTemporaryDirectory()
        defer { TestSupport.remove(root) }
        TestSupport.write(["k8s/a.yaml": "one\ntwo\nthree\n"], under: root)
        var lines = [LintReport.lineKey("k8s/a.yaml", 1): "kept"]
        Linter.readMissingLines(&lines, of: [finding("k8s/a.yaml", 1, "x"), finding("k8s/a.yaml", 3, "y"), finding("gone.yaml", 2, "z")], rootPath: root, maxFileSize: 1 << 20)
        #expect(lines == [LintReport.lineKey("k8s/a.yaml", 1): "kept", LintReport.lineKey("k8s/a.yaml", 3): "three"])
    }
}
