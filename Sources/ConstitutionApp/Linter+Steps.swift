import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace
import ConstitutionYAML

/// The steps of ``Linter/run(_:)``, in the order it takes them. Each is a function of its inputs
/// (the scan aside, which walks the tree), so the app layer's tests call them one by one.
extension Linter {
    /// The settings a run uses, each resolved flag first, then `.constitution.yaml`, then
    /// ``LintConfig/defaults``.
    struct Settings: Equatable, Sendable {
        var threshold: Severity
        var inlineWaivers: Bool
        var maxFileSize: Int
        /// Whether ``duplicateKeyRule`` findings are reported (not `severity: off`).
        var reportDuplicates: Bool
    }

    /// Everything fixed before the first file is read.
    struct Setup: Sendable {
        /// The folder paths are shown relative to, as given.
        var root: String
        /// ``root`` normalised.
        var rootPath: String
        /// Whether files were named (a pre-commit run) rather than folders.
        var namesFiles: Bool
        var location: ConstitutionStore.Location
        var constitution: Constitution
        var config: LintConfig
        /// The enabled rules with their parameters bound.
        var bound: [BoundRule]
        var settings: Settings
        /// The waivers of `waivers.yaml`.
        var central: [Waiver] = []
        /// Warnings about our own files: the constitution, the config, `waivers.yaml`.
        var ownWarnings: [Diagnostic] = []

        /// The constitution's folder.
        var directory: String { location.directory }
    }

    /// What walking the tree produced: findings of every checked file plus the cross-document
    /// ones, before overrides and waivers.
    struct Scan: Sendable {
        var checkedCount = 0
        var findings: [Finding] = []
        var errors: [Diagnostic] = []
        /// Source lines of the findings and errors, keyed by ``LintReport/lineKey(_:_:)``.
        var sourceLines: [String: String] = [:]
        /// Inline waivers by file path.
        var inlineWaivers: [String: [Waiver]] = [:]
        /// Subjects per bound rule, by the rule's index.
        var subjectCounts: [Int] = []
        /// The GitOps model, when a rule reads it.
        var gitops: GitOpsModel?
        /// Rules that do not apply to this tree (rule id → why), e.g. `deployed:` rules when no
        /// GitOps controller deploys from it.
        var inactive: [String: String] = [:]
        /// Embedded documents that could not be checked (``FileEvaluation/notes``).
        var notes: [Diagnostic] = []
    }

    /// The root paths are shown relative to (`--root`, else the single folder given, else `.`),
    /// and whether files rather than folders were named.
    static func root(of options: Options, isDirectory: (String) -> Bool = ConstitutionStore.isDirectory) -> (root: String, namesFiles: Bool) {
        let namesFiles = options.inputs.contains { !isDirectory($0) }
        return (options.root ?? (options.inputs.count == 1 && !namesFiles ? options.inputs[0] : "."), namesFiles)
    }

    /// The settings in force: flags win over the config, which wins over the defaults.
    static func settings(_ options: Options, config: LintConfig) -> Settings {
        Settings(
            threshold: options.threshold ?? config.threshold ?? LintConfig.defaults.threshold!,
            inlineWaivers: options.inlineWaivers ?? config.inlineWaivers ?? LintConfig.defaults.inlineWaivers!,
            maxFileSize: options.maxFileSize ?? config.maxFileSize ?? FileReader.defaultMaxFileSize,
            reportDuplicates: config.severity[duplicateKeyRule] != .off)
    }

    /// The rules `config` leaves on (`severity: off` turns one off).
    static func enabledRules(_ rules: [Rule], config: LintConfig) -> [Rule] {
        rules.filter { config.severity[$0.id] != .off }
    }

    /// Checks the inputs exist, then finds and loads the constitution and the config and binds
    /// the enabled rules.
    static func prepare(_ options: Options) throws(LintFailure) -> Setup {
        let missing = ConstitutionStore.missing(options.inputs)
        if !missing.isEmpty { throw .input(.missingPaths(missing)) }
        let (root, namesFiles) = root(of: options)
        do {
            let location = try locateConstitution(explicit: options.constitution, root: root)
            let constitution = try loadConstitution(at: location)
            let config = try LintConfig.load(explicit: options.config, folders: unique([root, location.directory]))
            let bound = try bind(enabledRules(constitution.rules, config: config), overrides: config.params)
            // waivers.yaml: read before any file is checked, as its errors (and, with --strict,
            // its warnings) stop the run.
            let waivers = try centralWaivers(folders: unique([root, location.directory]), root: root)
            let ownWarnings = waivers.warnings + OwnFileWarnings.of(constitution, in: location.directory, config: config)
            try OwnFileWarnings.check(ownWarnings, strict: options.strict)
            return Setup(
                root: root, rootPath: FileWalker.normalize(root), namesFiles: namesFiles, location: location, constitution: constitution,
                config: config, bound: bound, settings: settings(options, config: config), central: waivers.waivers,
                ownWarnings: ownWarnings.sorted(by: Diagnostic.sortKey))
        } catch {
            throw .constitution(error)
        }
    }

    /// Walks the inputs and evaluates every rule on every selected file, then the
    /// cross-document rules over the index of the whole tree.
    static func scan(_ setup: Setup, options: Options) -> Scan {
        let rootPath = setup.rootPath
        let limits = LoadLimits(maxFileSize: setup.settings.maxFileSize)
        let reportDuplicates = setup.settings.reportDuplicates
        let engine = RuleEngine(rules: setup.bound, facetContext: facetContext(rootPath: rootPath, maxFileSize: limits.maxFileSize))
        let targets: Set<String>? = setup.namesFiles ? Set(options.inputs.map { relative(FileWalker.normalize($0), to: rootPath) }) : nil
        let needles = engine.indexNeedles
        let include = setup.config.include, exclude = setup.config.exclude
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
        var scan = Scan(subjectCounts: [Int](repeating: 0, count: setup.bound.count))
        var candidates: [(Int, RepoIndex.Candidate)] = []
        var gitops: [GitOpsDocument] = []
        var treeFiles: [String] = []
        var pending = PendingStore()
        let walkInputs = setup.namesFiles ? [setup.root] : options.inputs
        _ = Workspace(workers: options.workers, gitignore: options.gitignore).walk(walkInputs, displayRoot: setup.root, visit: { walked -> Row? in
            let isTarget = targets.map { $0.contains(walked.path) } ?? true
            let selected = isTarget && (include.isEmpty || include.contains { $0.matches(walked.path) }) && !exclude.contains { $0.matches(walked.path) }
            if !selected {
                // Only feeds the cross-document index (and the GitOps model, which also reads
                // kustomization files, whatever they hold).
                let whole = engine.usesGitOps && GitOpsInput.isKustomizationFile(walked.path)
                guard let file = Workspace.load(walked, onlyIfContains: whole ? nil : needles, limits: limits) else { return nil }
                var evaluation = FileEvaluation()
                evaluation.candidates = engine.candidates(file)
                evaluation.gitops = engine.gitOpsDocuments(file)
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
        }) { path, row in
            if engine.usesGitOps { treeFiles.append(path) }
            guard let row else { return }
            candidates += row.evaluation.candidates
            gitops += row.evaluation.gitops
            guard row.target else { return }
            scan.checkedCount += 1
            scan.findings += row.evaluation.findings
            scan.findings += row.duplicates
            pending.append(contentsOf: row.evaluation.pending)
            if let e = row.error { scan.errors.append(e) }
            scan.notes += row.evaluation.notes
            for (k, v) in row.lines { scan.sourceLines[k] = v }
            if !row.waivers.isEmpty { scan.inlineWaivers[row.waivers[0].path] = row.waivers }
            for (rule, count) in row.evaluation.subjectCounts { scan.subjectCounts[rule] += count }
        }
        var index = RuleEngine.index([candidates])
        candidates = []
        if engine.usesGitOps {
            index.gitops = gitOpsModel(documents: gitops, files: treeFiles, config: setup.config, rootPath: rootPath)
            scan.gitops = index.gitops
            for (rule, reason) in engine.inactiveRules(index.gitops) { scan.inactive[setup.bound[rule].rule.id] = reason }
        }
        for (rule, reason) in engine.unmetPreconditions(index) { scan.inactive[setup.bound[rule].rule.id] = reason }
        scan.findings += engine.evaluate(pending: pending, index: index)
        return scan
    }

    /// Gives each finding the severity `.constitution.yaml`'s `severity:` sets for its rule.
    static func applySeverityOverrides(_ findings: inout [Finding], _ severity: [String: RuleSeverityOverride]) {
        for i in findings.indices {
            if let severity = severity[findings[i].rule]?.severity { findings[i].severity = severity }
        }
    }

    /// Applies the inline waivers (by file path; pass none when they are turned off) and the
    /// central ones: the findings still standing, sorted and without duplicates (waiver problems
    /// among them), and the waived ones.
    static func applyWaivers(_ findings: [Finding], inline: [String: [Waiver]], central: [Waiver], today: String) -> (findings: [Finding], waived: [WaivedFinding]) {
        let applied = WaiverApplier.apply(findings, inline: inline, central: central, today: today)
        let standing = RuleEngine.unique(applied.findings.sorted(by: Finding.sortKey))
        let waived = applied.waived.map { (f, w) in
            WaivedFinding(
                finding: f, kind: w.kind == .inline ? .inline : .central, reason: w.reason ?? "", expires: w.expires, owner: w.owner,
                waiverPath: w.path, waiverLine: w.location.line)
        }
        return (standing, waived)
    }

    /// Adds the lines of findings in files the scan did not read (cross-document findings):
    /// each file read once, its lines found in one pass.
    static func readMissingLines(_ sourceLines: inout [String: String], of findings: [Finding], rootPath: String, maxFileSize: Int) {
        var missingLines: [String: [Int]] = [:]
        for f in findings where sourceLines[LintReport.lineKey(f.path, f.location.line)] == nil {
            missingLines[f.path, default: []].append(f.location.line)
        }
        for (path, lines) in missingLines {
            guard case .success(let bytes) = FileReader.read(rootPath == "." ? path : rootPath + "/" + path, maxSize: maxFileSize)
            else { continue }
            for (line, text) in SourceLines.texts(lines, in: bytes) { sourceLines[LintReport.lineKey(path, line)] = text }
        }
    }

    /// What the reporters say about each rule that ran (with its overridden severity and its
    /// incident record's path from the root), plus ``duplicateKeyRule`` when it was reported.
    static func ruleInfos(_ setup: Setup, findings: [Finding], waived: [WaivedFinding]) -> [RuleInfo] {
        let config = setup.config
        let incidentFiles = Dictionary(setup.constitution.incidents.map { ($0.id, $0.file) }, uniquingKeysWith: { a, _ in a })
        let dirFromRoot = relative(FileWalker.normalize(setup.directory), to: setup.rootPath)
        var infos = setup.bound.map { b -> RuleInfo in
            let r = b.rule
            let severity = config.severity[r.id]?.severity ?? r.severity
            let incidentPath = r.source.incidentID.flatMap { incidentFiles[$0] }.map { dirFromRoot == "." ? $0 : dirFromRoot + "/" + $0 }
            return RuleInfo(id: r.id, severity: severity, message: r.message, guidance: r.guidance, incident: r.source.incidentID, incidentPath: incidentPath)
        }
        if findings.contains(where: { $0.rule == duplicateKeyRule }) || waived.contains(where: { $0.finding.rule == duplicateKeyRule }) {
            var info = duplicateKeyRuleInfo
            info.severity = config.severity[duplicateKeyRule]?.severity ?? info.severity
            infos.append(info)
        }
        return infos
    }

    /// The run's exit status: no input (5) when nothing was checked, unless files were named
    /// one by one (a pre-commit run whose files are all excluded is clean); else unparseable
    /// (4) when a file could not be read; else findings (1) when one is at or above
    /// `threshold`; else clean.
    static func exitStatus(checkedCount: Int, namesFiles: Bool, errors: [Diagnostic], findings: [Finding], threshold: Severity) -> ExitStatus {
        if checkedCount == 0 { return namesFiles ? .clean : .noInput }
        if !errors.isEmpty { return .unparseable }
        if findings.contains(where: { $0.severity >= threshold }) { return .findings }
        return .clean
    }
}

// MARK: - The baseline

extension Linter {
    /// The findings split by the baseline, and the baseline to write, if asked.
    struct BaselineStep: Sendable {
        /// Findings the baseline does not list (all of them without a baseline).
        var new: [Finding]
        var known: [Finding] = []
        var comparison: BaselineComparison?
        var write: BaselineWrite?
        var warnings: [Diagnostic] = []
    }

    /// The baseline to compare with: `--baseline`, else `.constitution.yaml`'s `baseline:`
    /// (relative to the config's folder), unless `--no-baseline`.
    static func baselinePath(_ options: Options, config: LintConfig) -> String? {
        if options.noBaseline { return nil }
        if let explicit = options.baseline { return explicit }
        guard let named = config.baseline, !named.isEmpty else { return nil }
        guard !named.hasPrefix("/"), let configPath = config.path, let slash = configPath.lastIndex(of: "/") else { return named }
        return String(configPath[..<slash]) + "/" + named
    }

    /// Which baseline paths this run checked: every path under an input (all of them when the
    /// root itself is linted), except files that could not be parsed (their findings are
    /// unknown, so their entries are neither absent nor dropped).
    static func baselineScope(_ setup: Setup, options: Options, unparsed: Set<String>) -> @Sendable (String) -> Bool {
        let prefixes = options.inputs.map { relative(FileWalker.normalize($0), to: setup.rootPath) }
        let everything = prefixes.contains(".")
        return { path in
            !unparsed.contains(path) && (everything || prefixes.contains { path == $0 || path.hasPrefix($0 + "/") })
        }
    }

    /// Compares `findings` (after waivers, sorted) with the baseline, or records them
    /// (`--write-baseline`: a new file takes them all; an existing one only shrinks, unless
    /// `--baseline-add-new`) and compares them with what is written.
    static func applyBaseline(
        _ findings: [Finding], sourceLines: [String: String], setup: Setup, options: Options, unparsed: Set<String>
    ) throws(ConstitutionProblem) -> BaselineStep {
        let inScope = baselineScope(setup, options: options, unparsed: unparsed)
        if let target = options.writeBaseline {
            let current = Baseline.recording(findings, sourceLines: sourceLines)
            let existing = ConstitutionStore.exists(target) ? try Baseline.load(target) : nil
            let written = existing?.updated(with: current, inScope: inScope, addingNew: options.baselineAddNew) ?? current
            let split = written.compare(findings, sourceLines: sourceLines, inScope: inScope)
            var note = "wrote \(target): \(plural(written.entries.count, "entry", "entries")) covering \(plural(written.findingCount, "finding"))"
            if let existing {
                let dropped = existing.compare(findings, sourceLines: sourceLines, inScope: inScope).absent.reduce(0) { $0 + $1.count }
                if dropped > 0 { note += "; \(plural(dropped, "finding")) no longer found, dropped" }
            }
            let left = split.new.filter(Baseline.accepts).count
            if left > 0 { note += "; \(plural(left, "new finding")) not added (fix or waive, or pass --baseline-add-new to record them)" }
            return BaselineStep(
                new: split.new, known: split.known, comparison: BaselineComparison(file: target, absent: []),
                write: BaselineWrite(path: target, text: written.yaml(), note: note), warnings: existing?.warnings ?? [])
        }
        guard let path = baselinePath(options, config: setup.config) else { return BaselineStep(new: findings) }
        let baseline = try Baseline.load(path)
        let split = baseline.compare(findings, sourceLines: sourceLines, inScope: inScope)
        let absent = split.absent.map {
            BaselineComparison.Absent(rule: $0.fingerprint.rule, path: $0.fingerprint.path, excerpt: $0.excerpt, count: $0.count)
        }
        return BaselineStep(
            new: split.new, known: split.known, comparison: BaselineComparison(file: path, absent: absent), warnings: baseline.warnings)
    }

    static func plural(_ n: Int, _ word: String, _ words: String? = nil) -> String {
        "\(n) " + (n == 1 ? word : words ?? word + "s")
    }

    /// What facets may read besides the file at hand: other files of the tree under
    /// `rootPath` (a Helm chart's values beside its Chart.yaml…), within the size limit.
    static func facetContext(rootPath: String, maxFileSize: Int) -> FacetContext {
        FacetContext(readRepoFile: { path in
            if case .success(let bytes) = FileReader.read(rootPath == "." ? path : rootPath + "/" + path, maxSize: maxFileSize) {
                return bytes
            }
            return nil
        })
    }

    /// The GitOps model of the tree under `rootPath` (its controllers' `documents`, its `files`),
    /// with this repository's URLs and the config's `gitops:` settings.
    static func gitOpsModel(documents: [GitOpsDocument], files: [String], config: LintConfig, rootPath: String) -> GitOpsModel {
        GitOpsModel.build(
            GitOpsInput(
                documents: documents, files: files, repositoryURLs: repositoryURLs(config: config, rootPath: rootPath),
                settings: config.gitops))
    }

    /// This repository's URLs for the GitOps model: `.constitution.yaml`'s `gitops.repositories`,
    /// else the remotes in `.git/config` when the linted root is the repository's top (a
    /// sub-folder is read as a tree of its own: its sources are matched by the paths they name).
    static func repositoryURLs(config lintConfig: LintConfig, rootPath: String) -> [String] {
        if !lintConfig.gitopsRepositories.isEmpty { return lintConfig.gitopsRepositories }
        guard let config = gitConfig(at: rootPath) else { return [] }
        return RepositoryURL.remoteURLs(gitConfig: config)
    }

    /// The text of the repository's `.git/config` at `root` (`.git` a folder, or a file naming
    /// the git folder of a worktree, whose config is in its common folder).
    static func gitConfig(at root: String) -> String? {
        func firstLine(_ text: String) -> String {
            var line = text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first ?? ""
            while line.first == " " || line.first == "\t" { line.removeFirst() }
            while line.last == " " || line.last == "\t" { line.removeLast() }
            return String(line)
        }
        let dotGit = (root == "." ? "" : root + "/") + ".git"
        func read(_ path: String) -> String? {
            guard case .success(let bytes) = FileReader.read(path, maxSize: 1 << 20) else { return nil }
            return String(decoding: bytes, as: UTF8.self)
        }
        if ConstitutionStore.isDirectory(dotGit) { return read(dotGit + "/config") }
        guard let pointer = read(dotGit), pointer.hasPrefix("gitdir: ") else { return nil }
        var gitDir = firstLine(String(pointer.dropFirst(8)))
        if !gitDir.hasPrefix("/") { gitDir = (root == "." ? "" : root + "/") + gitDir }
        if let common = read(gitDir + "/commondir").map(firstLine) {
            return read(common.hasPrefix("/") ? common + "/config" : gitDir + "/" + common + "/config")
        }
        return read(gitDir + "/config")
    }
}
