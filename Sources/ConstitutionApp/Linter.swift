import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace

/// Problems that stop a run before any file is checked (exit 3).
public struct ConstitutionProblem: Error, Sendable {
    /// Located schema errors (and warnings, printed alongside).
    public var diagnostics: [Diagnostic]
    /// Other messages (stale rules, missing constitution).
    public var messages: [String]
}

/// `constitution lint`: load the constitution, check every file, report.
public enum Linter {
    /// What the user asked for.
    public struct Options: Sendable {
        public var inputs: [String]
        public var root: String?
        public var constitution: String?
        public var threshold: Severity
        public var workers: Int

        public init(inputs: [String], root: String?, constitution: String?, threshold: Severity, workers: Int) {
            self.inputs = inputs
            self.root = root
            self.constitution = constitution
            self.threshold = threshold
            self.workers = workers
        }
    }

    /// The result: the report, warnings about the constitution, and the exit status.
    public struct Outcome: Sendable {
        public var report: LintReport
        /// How many subjects each rule selected (rule id → count), for `coverage`.
        public var subjects: [String: Int]
        /// The constitution that was applied.
        public var constitution: Constitution
        public var constitutionWarnings: [Diagnostic]
        public var status: ExitStatus
        public var constitutionDirectory: String
    }

    /// Loads the constitution for `root`, refusing errors and stale generated rules.
    public static func loadConstitution(explicit: String?, root: String) throws(ConstitutionProblem) -> (Constitution, String) {
        guard let location = ConstitutionStore.locate(explicit: explicit, root: root) else {
            throw ConstitutionProblem(diagnostics: [], messages: ["no constitution found: no incidents/ or rules/ at or above \(root), and the starter constitution is not installed (set CONSTITUTION_HOME)"])
        }
        let constitution = ConstitutionStore.read(location.directory)
        if constitution.hasErrors {
            throw ConstitutionProblem(diagnostics: constitution.diagnostics.map { prefixed($0, location.directory) }, messages: [])
        }
        if !constitution.stale.isEmpty {
            throw ConstitutionProblem(
                diagnostics: [],
                messages: constitution.stale.map { "\(location.directory)/\($0)" } + ["the compiled rules are stale: run `constitution compile` in \(location.directory)"])
        }
        return (constitution, location.directory)
    }

    static func prefixed(_ d: Diagnostic, _ dir: String) -> Diagnostic {
        var d = d
        if dir != "." { d.path = dir + "/" + d.path }
        return d
    }

    /// Binds every rule's parameters (defaults plus `overrides[ruleID]`).
    public static func bind(_ rules: [Rule], overrides: [String: [String: Value]] = [:]) throws(ConstitutionProblem) -> [BoundRule] {
        var out: [BoundRule] = []
        for rule in rules {
            do {
                out.append(try BoundRule(rule, overrides: overrides[rule.id] ?? [:]))
            } catch {
                throw ConstitutionProblem(
                    diagnostics: [Diagnostic(path: rule.file, location: rule.location, severity: .error, message: "rule '\(rule.id)': invalid regular expression '\(error.pattern)' in a parameter: \(error.message)")],
                    messages: [])
            }
        }
        return out
    }

    /// Runs the whole lint.
    public static func run(_ options: Options) throws(LintFailure) -> Outcome {
        let root = options.root ?? (options.inputs.count == 1 ? options.inputs[0] : ".")
        let missing = options.inputs.filter { !ConstitutionStore.exists($0) && !ConstitutionStore.isSymlink($0) }
        if !missing.isEmpty { throw .input(.missingPaths(missing)) }
        let constitution: Constitution
        let directory: String
        let bound: [BoundRule]
        do {
            (constitution, directory) = try loadConstitution(explicit: options.constitution, root: root)
            bound = try bind(constitution.rules)
        } catch {
            throw .constitution(error)
        }
        let walk = FileWalker().walk(options.inputs, displayRoot: root)
        if !walk.missing.isEmpty { throw .input(.missingPaths(walk.missing)) }
        let rootPath = FileWalker.normalize(root)
        let context = FacetContext(readRepoFile: { path in
            if case .success(let bytes) = FileReader.read(rootPath == "." ? path : rootPath + "/" + path) { return bytes }
            return nil
        })
        let engine = RuleEngine(rules: bound, facetContext: context)
        struct Row: Sendable {
            var evaluation: FileEvaluation
            var error: Diagnostic?
            var lines: [(String, String)]
        }
        let rows = Workspace(workers: options.workers).map(walk.files) { file -> Row in
            let evaluation = engine.evaluate(file)
            var lines: [(String, String)] = []
            var wanted = evaluation.findings.map(\.location.line)
            if let e = file.error { wanted.append(e.location.line) }
            for line in Set(wanted) where !file.bytes.isEmpty {
                lines.append((LintReport.lineKey(file.path, line), SourceText.line(line, in: file.bytes)))
            }
            return Row(evaluation: evaluation, error: file.error, lines: lines)
        }
        let index = RuleEngine.index(rows.map(\.evaluation.candidates))
        let cross = engine.evaluate(pending: rows.flatMap(\.evaluation.pending), index: index)
        var sourceLines: [String: String] = [:]
        for row in rows {
            for (k, v) in row.lines { sourceLines[k] = v }
        }
        for f in cross where sourceLines[LintReport.lineKey(f.path, f.location.line)] == nil {
            if case .success(let bytes) = FileReader.read(rootPath == "." ? f.path : rootPath + "/" + f.path) {
                sourceLines[LintReport.lineKey(f.path, f.location.line)] = SourceText.line(f.location.line, in: bytes)
            }
        }
        var findings = rows.flatMap(\.evaluation.findings) + cross
        findings.sort(by: Finding.sortKey)
        findings = RuleEngine.unique(findings)
        let report = LintReport(
            findings: findings, errors: rows.compactMap(\.error), fileCount: walk.files.count, ruleCount: bound.count,
            sourceLines: sourceLines, threshold: options.threshold)
        let status: ExitStatus
        if walk.files.isEmpty {
            status = .noInput
        } else if !report.errors.isEmpty {
            status = .unparseable
        } else if report.failing > 0 {
            status = .findings
        } else {
            status = .clean
        }
        var subjects: [String: Int] = [:]
        for (i, b) in bound.enumerated() {
            subjects[b.rule.id] = rows.reduce(0) { $0 + ($1.evaluation.subjectCounts.isEmpty ? 0 : $1.evaluation.subjectCounts[i]) }
        }
        return Outcome(
            report: report, subjects: subjects, constitution: constitution, constitutionWarnings: constitution.diagnostics.map { prefixed($0, directory) }, status: status,
            constitutionDirectory: directory)
    }
}

/// Why a lint could not run.
public enum LintFailure: Error, Sendable {
    case constitution(ConstitutionProblem)
    case input(InputError)
}
