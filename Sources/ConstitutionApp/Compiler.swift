#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace

/// Writes files atomically: a temporary file in the same folder, then `rename(2)`.
public enum AtomicFile {
    /// Writes `content` to `path`; returns an error message on failure.
    public static func write(_ path: String, _ content: String) -> String? {
        write(path, Array(content.utf8))
    }

    /// Writes `bytes` to `path`; returns an error message on failure. `durable: false` skips
    /// the `fsync` (for caches, which may be lost).
    public static func write(_ path: String, _ bytes: [UInt8], durable: Bool = true) -> String? {
        let temp = path + ".constitution-tmp-\(getpid())"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot write \(path): " + String(cString: strerror(errno)) }
        if let failure = FileWriter.writeAll(fd, bytes) {
            close(fd)
            unlink(temp)
            return "cannot write \(path): " + String(cString: strerror(failure))
        }
        if durable { fsync(fd) }
        close(fd)
        if rename(temp, path) != 0 {
            let message = String(cString: strerror(errno))
            unlink(temp)
            return "cannot write \(path): \(message)"
        }
        return nil
    }

    /// Creates `path` and its parents.
    public static func makeDirectories(_ path: String) {
        var current = path.hasPrefix("/") ? "" : "."
        for part in path.split(separator: "/") {
            current += "/" + part
            mkdir(current, 0o755)
        }
    }
}

/// `constitution compile`: incidents' constraints → `rules/<id>.yaml`, checked and proven.
public enum Compiler {
    /// The result of a compile.
    public struct Outcome: Sendable {
        /// Files written (or, with `--check`, that would be written).
        public var changed: [String]
        /// Generated files removed (their constraint is gone).
        public var removed: [String]
        /// Warnings (unknown keys…).
        public var warnings: [Diagnostic]
        /// Number of rules checked.
        public var ruleCount: Int
        /// 0, or 1 with `--check` when something is stale.
        public var status: ExitStatus
    }

    /// Compiles the constitution in `directory`. Throws located problems (exit 3): schema errors,
    /// duplicate ids, invalid regexes, examples that do not prove their rule.
    public static func run(directory: String, check: Bool) throws(ConstitutionProblem) -> Outcome {
        let constitution = ConstitutionStore.read(directory)
        func located(_ d: Diagnostic) -> Diagnostic { ConstitutionStore.located(d, in: directory) }
        // Hand-edited or stale generated files are expected here: compile rewrites them. Only
        // schema errors in incidents and hand-written rules stop it.
        let generatedPaths = Set(constitution.generated.map(\.path))
        let relevant = constitution.diagnostics.filter { d in
            !(generatedPaths.contains(d.path) || constitution.stale.contains { $0.hasPrefix(d.path + " ") })
        }
        if relevant.contains(where: { $0.severity == .error }) {
            throw ConstitutionProblem(diagnostics: relevant.map(located), messages: [])
        }
        let handWritten = constitution.handWrittenRules
        let constraints = constitution.incidents.flatMap(\.constraints)
        var problems = Constitution.duplicateIDs((constraints + handWritten).map { ($0.id, $0.file, $0.location) }, what: "rule")
        let context = FacetContext(readRepoFile: { _ in nil })
        let results = Parallel.map(count: constraints.count + handWritten.count, workers: Workspace.defaultWorkers) { i in
            ExampleRunner.check(i < constraints.count ? constraints[i] : handWritten[i - constraints.count], facetContext: context)
        }
        problems += results.flatMap { $0 }
        if !problems.isEmpty {
            throw ConstitutionProblem(diagnostics: problems.sorted(by: Diagnostic.sortKey).map(located), messages: [])
        }
        var changed: [String] = []
        for (path, content) in constitution.generated {
            let full = directory + "/" + path
            let current: String? = {
                if case .success(let bytes) = FileReader.read(full) { return String(decoding: bytes, as: UTF8.self) }
                return nil
            }()
            if current != content { changed.append(path) }
        }
        let removed = constitution.stampedFiles.subtracting(generatedPaths).sorted(by: PathText.less)
        if !check {
            AtomicFile.makeDirectories(directory + "/rules")
            for path in changed {
                let content = constitution.generated.first { $0.path == path }!.content
                if let error = AtomicFile.write(directory + "/" + path, content) {
                    throw ConstitutionProblem(diagnostics: [], messages: [error])
                }
            }
            for path in removed { unlink(directory + "/" + path) }
        }
        let stale = !changed.isEmpty || !removed.isEmpty
        return Outcome(
            changed: changed, removed: removed, warnings: relevant.filter { $0.severity != .error }.map(located),
            ruleCount: constraints.count + handWritten.count, status: check && stale ? .findings : .clean)
    }
}

/// `constitution test`: every rule's examples (with mutations) and `tests/` fixtures.
public enum ExampleTester {
    /// The result.
    public struct Outcome: Sendable {
        public var failures: [Diagnostic]
        public var ruleCount: Int
        public var exampleCount: Int
    }

    /// Runs the examples of the constitution in `directory`: incidents' constraints (reported at
    /// the incident's lines) and hand-written rules.
    public static func run(directory: String) throws(ConstitutionProblem) -> Outcome {
        let constitution = ConstitutionStore.read(directory)
        func located(_ d: Diagnostic) -> Diagnostic { ConstitutionStore.located(d, in: directory) }
        if constitution.hasErrors {
            throw ConstitutionProblem(diagnostics: constitution.diagnostics.map(located), messages: [])
        }
        let rules = constitution.incidents.flatMap(\.constraints) + constitution.handWrittenRules
        let results = Parallel.map(count: rules.count, workers: Workspace.defaultWorkers) { i in ExampleRunner.check(rules[i]) }
        let (fixtureFailures, fixtureCount) = fixtures(directory: directory, rules: constitution.rules)
        return Outcome(
            failures: (results.flatMap { $0 }.map(located) + fixtureFailures).sorted(by: Diagnostic.sortKey), ruleCount: rules.count,
            exampleCount: rules.reduce(0) { $0 + $1.examples.count } + fixtureCount)
    }

    /// Fixture files beside the constitution: `tests/fail/<rule-id>/<path>` must yield a finding
    /// of that rule, `tests/pass/<rule-id>/<path>` none. `<path>` is the path the file pretends
    /// to have (it decides the file's kind), e.g. `tests/fail/k3s-servicelb-disabled/group_vars/all.yml`.
    static func fixtures(directory: String, rules: [Rule]) -> ([Diagnostic], Int) {
        let base = directory + "/tests"
        guard ConstitutionStore.exists(base) else { return ([], 0) }
        var failures: [Diagnostic] = []
        var count = 0
        for file in FileWalker().walk([base], displayRoot: directory).files where file.walkError == nil {
            let parts = file.path.split(separator: "/").map(String.init)  // tests, fail|pass, rule, path…
            guard parts.count >= 4, parts[1] == "fail" || parts[1] == "pass" else { continue }
            count += 1
            let fixturePath = directory == "." ? file.path : directory + "/" + file.path
            guard let rule = rules.first(where: { $0.id == parts[2] }) else {
                failures.append(Diagnostic(path: fixturePath, location: .start, severity: .error, message: "no rule '\(parts[2])' (the folder under tests/\(parts[1])/ names the rule)"))
                continue
            }
            guard case .success(let bytes) = FileReader.read(file.fullPath), let bound = try? BoundRule(rule) else { continue }
            let pretend = parts[3...].joined(separator: "/")
            let loaded = LoadedFile.inMemory(path: pretend, text: String(decoding: bytes, as: UTF8.self))
            let findings = RuleEngine(rules: [bound]).lint([loaded])
            if parts[1] == "fail" && findings.isEmpty {
                failures.append(Diagnostic(path: fixturePath, location: .start, severity: .error, message: "fixture expects a finding of '\(rule.id)', got none"))
            } else if parts[1] == "pass", let f = findings.first {
                failures.append(Diagnostic(path: fixturePath, location: f.location, severity: .error, message: "fixture expects no finding of '\(rule.id)', got: \(f.message)"))
            }
        }
        return (failures, count)
    }
}
