import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace
import ConstitutionYAML

/// Problems that stop a run before any file is checked (exit 3).
public struct ConstitutionProblem: Error, Sendable {
    /// Located schema errors (and warnings, printed alongside).
    public var diagnostics: [Diagnostic]
    /// Other messages (stale rules, missing constitution).
    public var messages: [String]
}

/// `constitution lint`: load the constitution, check every file, report.
public enum Linter {
    /// What the user asked for. Optionals left nil fall back to `.constitution.yaml`, then to
    /// the defaults.
    public struct Options: Sendable {
        public var inputs: [String]
        public var root: String?
        public var constitution: String?
        public var threshold: Severity?
        public var workers: Int
        public var config: String?
        public var inlineWaivers: Bool?
        /// The largest file checked, in bytes (`--max-file-size`); nil: the config's, else 16 MiB.
        public var maxFileSize: Int?
        /// Whether Git's ignore files are honoured (`--no-ignore` turns it off).
        public var gitignore: Bool
        /// `--strict`: a warning about the constitution, the config or waivers.yaml stops the
        /// run before any file is checked (exit 3).
        public var strict: Bool
        /// The baseline to compare with (`--baseline`); nil: the config's `baseline:`, if any.
        public var baseline: String?
        /// `--no-baseline`: compare with none, whatever the config says.
        public var noBaseline = false
        /// `--write-baseline FILE`: record today's findings there (shrinking an existing file).
        public var writeBaseline: String?
        /// `--baseline-add-new`: when writing over an existing baseline, add new findings too.
        public var baselineAddNew = false

        public init(
            inputs: [String], root: String?, constitution: String?, threshold: Severity?, workers: Int,
            config: String? = nil, inlineWaivers: Bool? = nil, maxFileSize: Int? = nil, gitignore: Bool = true, strict: Bool = false
        ) {
            self.gitignore = gitignore
            self.strict = strict
            self.inputs = inputs
            self.root = root
            self.constitution = constitution
            self.threshold = threshold
            self.workers = workers
            self.config = config
            self.inlineWaivers = inlineWaivers
            self.maxFileSize = maxFileSize
        }
    }

    /// The result: the report, warnings about the constitution, and the exit status.
    public struct Outcome: Sendable {
        public var report: LintReport
        /// How many subjects each rule selected (rule id → count), for `coverage`.
        public var subjects: [String: Int]
        /// Rules that do not apply to this tree, with why (a `deployed:` rule in a repository
        /// without a GitOps controller), for `coverage`.
        public var inactive: [String: String] = [:]
        /// The constitution that was applied.
        public var constitution: Constitution
        /// Warnings about our own files: incidents, rules, `.constitution.yaml` (unknown keys,
        /// rule ids and parameters), `waivers.yaml`; located, sorted.
        public var constitutionWarnings: [Diagnostic]
        public var status: ExitStatus
        public var constitutionDirectory: String
        /// The configuration in force.
        public var config: LintConfig
        /// Where incident records are linked from (config, else the linted root as file://).
        public var helpURIBase: String
        /// Where the constitution was found, and what was passed over on the way.
        public var location: ConstitutionStore.Location
        /// How many rules were enforced (after `severity: off`).
        public var enforcedRules: Int
        /// The baseline to write (`--write-baseline`), for the command to write.
        public var baselineWrite: BaselineWrite? = nil
        /// Warnings about the baseline read (unknown keys).
        public var baselineWarnings: [Diagnostic] = []
        /// Documents inside files that could not be checked (an Ansible template whose Jinja
        /// changes the structure, …), located and sorted, for `lint --verbose`.
        public var notes: [Diagnostic] = []
    }

    /// A baseline file to write, and what to say about it.
    public struct BaselineWrite: Sendable {
        public var path: String
        public var text: String
        /// `wrote FILE: …`, for standard error.
        public var note: String
    }

    /// Loads the constitution for `root`, refusing errors and stale generated rules.
    public static func loadConstitution(explicit: String?, root: String) throws(ConstitutionProblem) -> (Constitution, String) {
        let location = try locateConstitution(explicit: explicit, root: root)
        return (try loadConstitution(at: location), location.directory)
    }

    /// Where the constitution for `root` is (``ConstitutionStore/locate(explicit:root:)``).
    public static func locateConstitution(explicit: String?, root: String) throws(ConstitutionProblem) -> ConstitutionStore.Location {
        guard let location = ConstitutionStore.locate(explicit: explicit, root: root) else {
            throw ConstitutionProblem(diagnostics: [], messages: ["no constitution found: no incidents/ or rules/ with incident or rule files at or above \(root), and the starter constitution is not installed (set CONSTITUTION_HOME)"])
        }
        return location
    }

    /// Loads the constitution at `location`, refusing errors and stale generated rules.
    public static func loadConstitution(at location: ConstitutionStore.Location) throws(ConstitutionProblem) -> Constitution {
        let constitution = ConstitutionStore.read(location.directory, trustCache: true)
        if constitution.hasErrors {
            throw ConstitutionProblem(diagnostics: constitution.diagnostics.map { ConstitutionStore.located($0, in: location.directory) }, messages: [])
        }
        if !constitution.stale.isEmpty {
            throw ConstitutionProblem(
                diagnostics: [],
                messages: constitution.stale.map { "\(location.directory)/\($0.description)" } + ["the compiled rules are stale: run `constitution compile` in \(location.directory)"])
        }
        return constitution
    }

    /// The pseudo-rule duplicate mapping keys are reported under (severity error; `.constitution.yaml`
    /// `severity:`, inline and central waivers and the threshold apply as to any rule).
    public static let duplicateKeyRule = "duplicate-key"

    /// What ``duplicateKeyRule`` is, for the formats that describe rules (SARIF, Markdown).
    static let duplicateKeyRuleInfo = RuleInfo(
        id: duplicateKeyRule, severity: .error, message: "a mapping repeats a key: readers disagree on which value wins",
        guidance: "Keep one copy of the key, with the value you mean.", incident: nil, incidentPath: nil)

    /// The duplicate keys of a loaded file as findings of ``duplicateKeyRule``, located at the
    /// repeated (later) key and naming both places.
    static func duplicateKeyFindings(_ file: LoadedFile) -> [Finding] {
        guard let duplicates = file.yaml?.duplicateKeys, !duplicates.isEmpty else { return [] }
        return duplicates.map {
            Finding(path: file.path, location: $0.location, rule: duplicateKeyRule, severity: .error, message: $0.message, incident: nil)
        }
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

    /// Runs the whole lint: ``prepare(_:)``, ``scan(_:options:)``, then the findings through
    /// ``applySeverityOverrides(_:_:)``, ``centralWaivers(folders:rootPath:)`` and
    /// ``applyWaivers(_:inline:central:today:)`` and ``applyBaseline(_:sourceLines:setup:options:unparsed:)``, and the verdict from ``exitStatus(checkedCount:namesFiles:errors:findings:threshold:)``.
    ///
    /// Folders are linted whole. When files are named (a pre-commit run), only they are
    /// checked and reported, but cross-document rules still see the whole tree under the root
    /// (`--root`, default `.`): every other file contributes to the index, and a file is parsed
    /// for that only when its bytes mention a resource kind some join looks for.
    public static func run(_ options: Options) throws(LintFailure) -> Outcome {
        let setup = try prepare(options)
        let scan = scan(setup, options: options)
        var findings = scan.findings
        applySeverityOverrides(&findings, setup.config.severity)
        let applied = applyWaivers(
            findings, inline: setup.settings.inlineWaivers ? scan.inlineWaivers : [:], central: setup.central, today: WaiverReader.today())
        findings = applied.findings
        var sourceLines = scan.sourceLines
        readMissingLines(&sourceLines, of: findings, rootPath: setup.rootPath, maxFileSize: setup.settings.maxFileSize)
        // The baseline last: it sees the findings exactly as they would be reported.
        let baseline: BaselineStep
        do {
            baseline = try applyBaseline(findings, sourceLines: sourceLines, setup: setup, options: options, unparsed: Set(scan.errors.map(\.path)))
        } catch {
            throw .constitution(error)
        }
        findings = baseline.new
        let ruleInfos = ruleInfos(setup, findings: findings + baseline.known, waived: applied.waived)
        let status = exitStatus(
            checkedCount: scan.checkedCount, namesFiles: setup.namesFiles, errors: scan.errors, findings: findings,
            threshold: setup.settings.threshold)
        var report = LintReport(
            findings: findings, errors: scan.errors, fileCount: scan.checkedCount, ruleCount: setup.bound.count, sourceLines: sourceLines,
            threshold: setup.settings.threshold, waived: applied.waived, rules: ruleInfos, exitStatus: status.rawValue,
            toolVersion: ToolVersion.number)
        report.known = baseline.known
        report.baseline = baseline.comparison
        var subjects: [String: Int] = [:]
        for (i, b) in setup.bound.enumerated() { subjects[b.rule.id] = scan.subjectCounts[i] }
        return Outcome(
            report: report, subjects: subjects, inactive: scan.inactive, constitution: setup.constitution,
            constitutionWarnings: setup.ownWarnings,
            status: status, constitutionDirectory: setup.directory, config: setup.config,
            helpURIBase: setup.config.helpURIBase ?? fileURI(ConstitutionStore.absolute(setup.root)) + "/", location: setup.location,
            enforcedRules: setup.bound.count, baselineWrite: status == .noInput ? nil : baseline.write, baselineWarnings: baseline.warnings,
            notes: scan.notes.sorted(by: Diagnostic.sortKey))
    }

    /// The central waivers of the first `waivers.yaml` in `folders` (shown relative to `root`),
    /// and its warnings (as the file is reached from here, so their line can be shown); its
    /// errors are thrown.
    public static func centralWaivers(folders: [String], root: String) throws(ConstitutionProblem) -> (waivers: [Waiver], warnings: [Diagnostic]) {
        for folder in folders {
            let path = (folder == "." ? "" : folder + "/") + "waivers.yaml"
            guard case .success(let bytes) = FileReader.read(path) else { continue }
            var (list, diags) = WaiverReader.central(YAMLParser.parse(path: "waivers.yaml", source: bytes), path: relative(path, to: FileWalker.normalize(root)))
            for i in diags.indices { diags[i].path = path }
            if diags.contains(where: { $0.severity == .error }) { throw ConstitutionProblem(diagnostics: diags, messages: []) }
            return (list, diags)
        }
        return ([], [])
    }

    /// `file://` + the absolute path, percent-encoding what URIs do not allow.
    public static func fileURI(_ path: String) -> String { "file://" + URIEncoding.path(path) }

    static func unique(_ folders: [String]) -> [String] {
        var out: [String] = []
        for f in folders where !out.contains(FileWalker.normalize(f)) { out.append(FileWalker.normalize(f)) }
        return out
    }

    /// Where `root` is inside its repository (the nearest folder at or above it holding `.git`),
    /// as a relative path; nil when it is the repository's top or not in one.
    public static func pathInRepository(_ root: String) -> String? {
        let absolute = ConstitutionStore.absolute(root)
        var dir = absolute
        while true {
            if ConstitutionStore.exists(dir + "/.git") {
                return dir == absolute ? nil : String(absolute.dropFirst(dir == "/" ? 1 : dir.count + 1))
            }
            if dir == "/" { return nil }
            dir = ConstitutionStore.parent(dir)
        }
    }

    /// `path` relative to folder `root` when inside it (both as given, normalised).
    static func relative(_ path: String, to root: String) -> String {
        if root == "." { return path.hasPrefix("/") ? relativeToCwd(path) : path }
        let p = ConstitutionStore.absolute(path), r = ConstitutionStore.absolute(root)
        if p == r { return "." }
        if p.hasPrefix(r + "/") { return String(p.dropFirst(r.count + 1)) }
        return path
    }

    static func relativeToCwd(_ path: String) -> String {
        let cwd = ConstitutionStore.absolute(".")
        return path.hasPrefix(cwd + "/") ? String(path.dropFirst(cwd.count + 1)) : path
    }
}

/// Why a lint could not run.
public enum LintFailure: Error, Sendable {
    case constitution(ConstitutionProblem)
    case input(InputError)
}
