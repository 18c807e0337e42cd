import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

/// `constitution rules trace ID [PATH…]`: how one rule sees the files under PATH. For every
/// subject it selected, each condition it tried with the values it read (and their positions)
/// and its verdict; for every file it did not select, why not.
public enum RuleTrace {
    /// What the user asked for.
    public struct Options: Sendable {
        public var id: String
        public var inputs: [String]
        public var root: String?
        public var constitution: String?
        public var config: String?
        /// List every file the rule did not select (a folder's are otherwise grouped by reason).
        public var all: Bool
        public var workers: Int
        public var gitignore: Bool

        public init(
            id: String, inputs: [String], root: String?, constitution: String?, config: String?, all: Bool, workers: Int,
            gitignore: Bool = true
        ) {
            self.id = id
            self.inputs = inputs
            self.root = root
            self.constitution = constitution
            self.config = config
            self.all = all
            self.workers = workers
            self.gitignore = gitignore
        }
    }

    /// Why a trace could not run.
    public enum Failure: Error, Sendable {
        case lint(LintFailure)
        /// No rule has the id; the message names the closest one.
        case unknownRule(String)
    }

    /// The trace as text.
    public static func run(_ options: Options) throws(Failure) -> String {
        let missing = ConstitutionStore.missing(options.inputs)
        if !missing.isEmpty { throw .lint(.input(.missingPaths(missing))) }
        let root = options.root ?? (options.inputs.count == 1 && ConstitutionStore.isDirectory(options.inputs[0]) ? options.inputs[0] : ".")
        let constitution: Constitution
        let config: LintConfig
        let bound: BoundRule
        do {
            let location = try Linter.locateConstitution(explicit: options.constitution, root: root)
            constitution = try Linter.loadConstitution(at: location)
            config = try LintConfig.load(explicit: options.config, folders: Linter.unique([root, location.directory]))
            guard let rule = constitution.rules.first(where: { $0.id == options.id }) else {
                var message = "no rule '\(options.id)'"
                if let s = SchemaReader.suggest(options.id, from: constitution.rules.map(\.id)) { message += " (did you mean '\(s)'?)" }
                throw Failure.unknownRule(message + "; `constitution rules list` shows them")
            }
            bound = try Linter.bind([rule], overrides: config.params)[0]
        } catch let failure as Failure {
            throw failure
        } catch let problem as ConstitutionProblem {
            throw .lint(.constitution(problem))
        } catch {
            throw .unknownRule("\(error)")
        }
        let limits = LoadLimits(maxFileSize: config.maxFileSize ?? FileReader.defaultMaxFileSize)
        let rootPath = FileWalker.normalize(root)
        let tracer = RuleTracer(rule: bound, facetContext: Linter.facetContext(rootPath: rootPath, maxFileSize: limits.maxFileSize))
        let workspace = Workspace(workers: options.workers, gitignore: options.gitignore)
        let walker = FileWalker(gitignore: options.gitignore)
        // Joins see the whole tree under the root, as in `lint`.
        var joins: RepoIndex?
        if bound.rule.isCrossDocument {
            let tree = walker.walk([root], displayRoot: root).files
            let engine = tracer.indexEngine
            let perFile = workspace.map(tree, limits: limits) { file in (engine.candidates(file), engine.gitOpsDocuments(file)) }
            joins = RuleEngine.index(perFile.map(\.0))
            if engine.usesGitOps {
                joins?.gitops = Linter.gitOpsModel(documents: perFile.flatMap(\.1), files: tree.map(\.path), config: config, rootPath: rootPath)
            }
        }
        let index = joins
        let targets = walker.walk(options.inputs.isEmpty ? [root] : options.inputs, displayRoot: root).files
        let traced = workspace.map(targets, limits: limits) { file -> FileText in
            render(tracer.trace(file, index: index))
        }
        return report(
            bound.rule, config: config, files: traced, listAll: options.all || targets.count == 1,
            joinsUnder: bound.rule.isCrossDocument ? (root == "." ? "the current folder" : root) : nil)
    }

    /// One file's trace as text.
    struct FileText: Sendable {
        var path: String
        /// The file's section (empty when nothing was selected).
        var lines: [String]
        var notSelected: String?
        /// For a file not selected: the `match.where` traces of what was passed over.
        var details: [String] = []
        var subjects = 0
        var findings = 0
    }

    static func render(_ t: RuleTracer.FileTrace) -> FileText {
        var out = FileText(path: t.path, lines: [], notSelected: t.notSelected)
        if t.notSelected != nil {
            // Shown under the file's reason when files are listed one by one.
            for p in t.passedOver where p.trace != nil {
                out.details.append("    \(p.what): \(p.why)")
                out.details += p.trace!.lines(indent: "      ")
            }
            return out
        }
        out.lines.append(t.path)
        for s in t.subjects {
            out.subjects += 1
            let verdict: String
            if let f = s.finding {
                out.findings += 1
                verdict = "FINDING at \(f.location.line):\(f.location.column)"
            } else {
                verdict = "no finding"
            }
            out.lines.append("  \(s.name): \(verdict)")
            out.lines += s.trace.lines(indent: "    ")
        }
        for p in t.passedOver {
            out.lines.append("  passed over \(p.what): \(p.why)")
            if let trace = p.trace { out.lines += trace.lines(indent: "    ") }
        }
        return out
    }

    static func report(_ rule: Rule, config: LintConfig, files: [FileText], listAll: Bool, joinsUnder: String?) -> String {
        var out = "rule \(rule.id) (\(rule.file):\(rule.location.line):\(rule.location.column))\n"
        out += "  \(rule.message)\n"
        if let joinsUnder { out += "  its joins (`some:`, `deployed:`) look at every file under \(joinsUnder) (--root widens this)\n" }
        out += "  ✓ a condition that holds, ✗ one that does not, · a note; `when` must hold for the rule to apply, "
        out += "`require` must hold, `forbid` must not.\n"
        for file in files where !file.lines.isEmpty {
            out += "\n" + file.lines.joined(separator: "\n") + "\n"
        }
        let passed = files.filter { $0.notSelected != nil }
        if !passed.isEmpty {
            out += "\nnot selected (\(passed.count) file\(passed.count == 1 ? "" : "s")):\n"
            if listAll {
                for f in passed {
                    out += "  \(f.path): \(f.notSelected!)\n"
                    if !f.details.isEmpty { out += f.details.joined(separator: "\n") + "\n" }
                }
            } else {
                // Grouped by reason, the largest group first, a few paths each.
                var groups: [String: [String]] = [:]
                for f in passed { groups[f.notSelected!, default: []].append(f.path) }
                let ordered = groups.sorted { $0.value.count != $1.value.count ? $0.value.count > $1.value.count : $0.key < $1.key }
                for (why, paths) in ordered {
                    out += "  \(paths.count) × \(why)\n"
                    for p in paths.prefix(3) { out += "      \(p)\n" }
                    if paths.count > 3 { out += "      … \(paths.count - 3) more (--all lists them)\n" }
                }
            }
        }
        let subjects = files.reduce(0) { $0 + $1.subjects }, findings = files.reduce(0) { $0 + $1.findings }
        let selectedFiles = files.count - passed.count
        out += "\n\(subjects) subject\(subjects == 1 ? "" : "s") in \(selectedFiles) file\(selectedFiles == 1 ? "" : "s"), "
        out += "\(findings) finding\(findings == 1 ? "" : "s")"
        if config.severity[rule.id] == .off { out += " (the config turns this rule off: lint does not run it)" }
        return out + "\n"
    }
}
