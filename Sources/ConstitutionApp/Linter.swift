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

    /// Runs the whole lint.
    ///
    /// Folders are linted whole. When files are named (a pre-commit run), only they are
    /// checked and reported, but cross-document rules still see the whole tree under the root
    /// (`--root`, default `.`): every other file contributes to the index, and a file is parsed
    /// for that only when its bytes mention a resource kind some join looks for.
    public static func run(_ options: Options) throws(LintFailure) -> Outcome {
        let missing = ConstitutionStore.missing(options.inputs)
        if !missing.isEmpty { throw .input(.missingPaths(missing)) }
        let namesFiles = options.inputs.contains { !ConstitutionStore.isDirectory($0) }
        let root = options.root ?? (options.inputs.count == 1 && !namesFiles ? options.inputs[0] : ".")
        let location: ConstitutionStore.Location
        let constitution: Constitution
        let directory: String
        let config: LintConfig
        var bound: [BoundRule]
        var central: [Waiver] = []
        var ownWarnings: [Diagnostic] = []
        do {
            location = try locateConstitution(explicit: options.constitution, root: root)
            constitution = try loadConstitution(at: location)
            directory = location.directory
            config = try LintConfig.load(explicit: options.config, folders: unique([root, directory]))
            let enabled = constitution.rules.filter { config.severity[$0.id] != .off }
            bound = try bind(enabled, overrides: config.params)
            // waivers.yaml: read before any file is checked, as its errors (and, with --strict,
            // its warnings) stop the run.
            let waivers = try centralWaivers(folders: unique([root, directory]), root: root)
            central = waivers.waivers
            ownWarnings += waivers.warnings
            ownWarnings += OwnFileWarnings.of(constitution, in: directory, config: config)
            try OwnFileWarnings.check(ownWarnings, strict: options.strict)
        } catch {
            throw .constitution(error)
        }
        let threshold = options.threshold ?? config.threshold ?? LintConfig.defaults.threshold!
        let limits = LoadLimits(maxFileSize: options.maxFileSize ?? config.maxFileSize ?? FileReader.defaultMaxFileSize)
        let reportDuplicates = config.severity[duplicateKeyRule] != .off
        let rootPath = FileWalker.normalize(root)
        let context = FacetContext(readRepoFile: { path in
            if case .success(let bytes) = FileReader.read(rootPath == "." ? path : rootPath + "/" + path, maxSize: limits.maxFileSize) {
                return bytes
            }
            return nil
        })
        let engine = RuleEngine(rules: bound, facetContext: context)
        let targets: Set<String>? = namesFiles ? Set(options.inputs.map { relative(FileWalker.normalize($0), to: rootPath) }) : nil
        let needles = engine.indexNeedles
        let include = config.include, exclude = config.exclude
        struct Row: Sendable {
            var target: Bool
            var evaluation: FileEvaluation
            var error: Diagnostic?
            var lines: [(String, String)]
            var waivers: [Waiver]
            /// Findings of ``duplicateKeyRule``.
            var duplicates: [Finding] = []
        }
        // Results are folded in as they come (in walk order): only findings, errors and what
        // the joins need are kept, so memory does not grow with the number of files.
        var checkedCount = 0
        var phase1: [Finding] = []
        var errors: [Diagnostic] = []
        var candidates: [(Int, RepoIndex.Candidate)] = []
        var pending = PendingStore()
        var sourceLines: [String: String] = [:]
        var inlineWaivers: [String: [Waiver]] = [:]
        var counts = [Int](repeating: 0, count: bound.count)
        _ = Workspace(workers: options.workers, gitignore: options.gitignore).walk(namesFiles ? [root] : options.inputs, displayRoot: root, visit: { walked -> Row? in
            let isTarget = targets.map { $0.contains(walked.path) } ?? true
            let selected = isTarget && (include.isEmpty || include.contains { $0.matches(walked.path) }) && !exclude.contains { $0.matches(walked.path) }
            if !selected {
                // Only feeds the cross-document index.
                guard let file = Workspace.load(walked, onlyIfContains: needles, limits: limits) else { return nil }
                var evaluation = FileEvaluation()
                evaluation.candidates = engine.candidates(file)
                return Row(target: false, evaluation: evaluation, error: nil, lines: [], waivers: [])
            }
            let file = Workspace.load(walked, limits: limits)
            let evaluation = engine.evaluate(file)
            let duplicates = reportDuplicates ? duplicateKeyFindings(file) : []
            var lines: [(String, String)] = []
            var wanted = evaluation.findings.map(\.location.line) + duplicates.map(\.location.line)
            if let e = file.error { wanted.append(e.location.line) }
            if !file.bytes.isEmpty {
                // One pass over the file for all its lines (a line per finding would rescan it).
                for (line, text) in SourceLines.texts(wanted, in: file.bytes) {
                    lines.append((LintReport.lineKey(file.path, line), text))
                }
            }
            return Row(
                target: true, evaluation: evaluation, error: file.error, lines: lines,
                waivers: WaiverReader.inline(in: file.bytes, path: file.path), duplicates: duplicates)
        }) { _, row in
            guard let row else { return }
            candidates += row.evaluation.candidates
            guard row.target else { return }
            checkedCount += 1
            phase1 += row.evaluation.findings
            phase1 += row.duplicates
            pending.append(contentsOf: row.evaluation.pending)
            if let e = row.error { errors.append(e) }
            for (k, v) in row.lines { sourceLines[k] = v }
            if !row.waivers.isEmpty { inlineWaivers[row.waivers[0].path] = row.waivers }
            for (rule, count) in row.evaluation.subjectCounts { counts[rule] += count }
        }
        let index = RuleEngine.index([candidates])
        candidates = []
        let cross = engine.evaluate(pending: pending, index: index)
        var findings = phase1 + cross
        // Severity overrides from the config.
        for i in findings.indices {
            if let severity = config.severity[findings[i].rule]?.severity { findings[i].severity = severity }
        }
        // Waivers: inline comments (unless disabled) and waivers.yaml.
        var inline: [String: [Waiver]] = [:]
        if options.inlineWaivers ?? config.inlineWaivers ?? LintConfig.defaults.inlineWaivers! {
            inline = inlineWaivers
        }
        let applied = WaiverApplier.apply(findings, inline: inline, central: central, today: WaiverReader.today())
        findings = applied.findings
        findings.sort(by: Finding.sortKey)
        findings = RuleEngine.unique(findings)
        // Lines of findings in files not read above (cross-document findings): each file read
        // once, its lines found in one pass.
        var missingLines: [String: [Int]] = [:]
        for f in findings where sourceLines[LintReport.lineKey(f.path, f.location.line)] == nil {
            missingLines[f.path, default: []].append(f.location.line)
        }
        for (path, lines) in missingLines {
            guard case .success(let bytes) = FileReader.read(rootPath == "." ? path : rootPath + "/" + path, maxSize: limits.maxFileSize)
            else { continue }
            for (line, text) in SourceLines.texts(lines, in: bytes) { sourceLines[LintReport.lineKey(path, line)] = text }
        }
        let waived = applied.waived.map { (f, w) in
            WaivedFinding(
                finding: f, kind: w.kind == .inline ? .inline : .central, reason: w.reason ?? "", expires: w.expires, owner: w.owner,
                waiverPath: w.path, waiverLine: w.location.line)
        }
        let incidentFiles = Dictionary(constitution.incidents.map { ($0.id, $0.file) }, uniquingKeysWith: { a, _ in a })
        let dirFromRoot = relative(FileWalker.normalize(directory), to: rootPath)
        var ruleInfos = bound.map { b -> RuleInfo in
            let r = b.rule
            let severity = config.severity[r.id]?.severity ?? r.severity
            let incidentPath = r.source.incidentID.flatMap { incidentFiles[$0] }.map { dirFromRoot == "." ? $0 : dirFromRoot + "/" + $0 }
            return RuleInfo(id: r.id, severity: severity, message: r.message, guidance: r.guidance, incident: r.source.incidentID, incidentPath: incidentPath)
        }
        if findings.contains(where: { $0.rule == duplicateKeyRule }) || waived.contains(where: { $0.finding.rule == duplicateKeyRule }) {
            var info = duplicateKeyRuleInfo
            info.severity = config.severity[duplicateKeyRule]?.severity ?? info.severity
            ruleInfos.append(info)
        }
        let failing = findings.filter { $0.severity >= threshold }.count
        let status: ExitStatus
        if checkedCount == 0 {
            // Files named one by one (pre-commit) that the configuration or ignore files all
            // exclude: nothing to check, which is not a failure.
            status = namesFiles ? .clean : .noInput
        } else if !errors.isEmpty {
            status = .unparseable
        } else if failing > 0 {
            status = .findings
        } else {
            status = .clean
        }
        let report = LintReport(
            findings: findings, errors: errors, fileCount: checkedCount, ruleCount: bound.count, sourceLines: sourceLines,
            threshold: threshold, waived: waived, rules: ruleInfos, exitStatus: status.rawValue, toolVersion: ToolVersion.number)
        var subjects: [String: Int] = [:]
        for (i, b) in bound.enumerated() { subjects[b.rule.id] = counts[i] }
        return Outcome(
            report: report, subjects: subjects, constitution: constitution,
            constitutionWarnings: ownWarnings.sorted(by: Diagnostic.sortKey), status: status,
            constitutionDirectory: directory, config: config,
            helpURIBase: config.helpURIBase ?? fileURI(ConstitutionStore.absolute(root)) + "/", location: location, enforcedRules: bound.count)
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
