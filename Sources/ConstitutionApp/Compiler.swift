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

    /// One file for ``writeAll(_:)``.
    public struct Change: Sendable {
        /// The path as the user knows it (shown in messages); a symbolic link is written through.
        public var path: String
        /// The file's new content.
        public var bytes: [UInt8]

        /// A change of `path` to `bytes`.
        public init(path: String, bytes: [UInt8]) {
            self.path = path
            self.bytes = bytes
        }
    }

    /// Why a file cannot be written: a message that names it.
    public struct Failure: Error, Sendable, Equatable {
        /// E.g. `cannot write CLAUDE.md: it is read-only (mode 0444)`.
        public var message: String

        /// A failure saying `message`.
        public init(_ message: String) { self.message = message }
    }

    /// The most symbolic links followed from one path (as the kernel's `ELOOP` limit).
    public static let maxSymlinks = 40

    /// The file a write to `path` lands in: symbolic links are followed (relative targets from
    /// the link's folder), so `CLAUDE.md -> AGENTS.md` resolves to `AGENTS.md`, which may not
    /// exist yet. Fails on a link loop or an unreadable link.
    public static func resolve(_ path: String) -> Result<String, Failure> {
        var current = path
        for _ in 0...maxSymlinks {
            var st = stat()
            guard lstat(current, &st) == 0, st.st_mode & S_IFMT == S_IFLNK else { return .success(current) }
            var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
            let n = readlink(current, &buffer, buffer.count - 1)
            guard n >= 0 else { return .failure(Failure("cannot follow the link \(current): " + String(cString: strerror(errno)))) }
            let target = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            current = target.hasPrefix("/") ? target : parent(current) + "/" + target
        }
        return .failure(Failure("cannot follow the link \(path): more than \(maxSymlinks) symbolic links (a loop?)"))
    }

    /// Writes every change or none. Each path is resolved through symbolic links, then checked
    /// before anything is written: it must be a regular file (or not exist), writable by its
    /// owner (a read-only file is refused, not replaced: `rename` would replace it, even as
    /// root), in a writable folder (made if missing, below a folder that exists). Then every
    /// new content goes to a temporary file beside its target, with the target's permissions,
    /// and only when all are ready are they renamed over their targets. Returns nil, or a
    /// message naming the file that cannot be written and saying that nothing was written.
    public static func writeAll(_ changes: [Change]) -> String? {
        struct Plan {
            var shown: String
            var target: String
            var bytes: [UInt8]
            var existing: stat?
        }
        func same(_ plan: Plan, _ target: String, _ existing: stat?) -> Bool {
            if plan.target == target { return true }
            guard let a = plan.existing, let b = existing else { return false }
            return a.st_dev == b.st_dev && a.st_ino == b.st_ino
        }
        // 1. Resolve and check, writing nothing.
        var plans: [Plan] = []
        for change in changes {
            let target: String
            switch resolve(change.path) {
            case .success(let resolved): target = resolved
            case .failure(let failure): return failure.message + "; nothing was written"
            }
            let shown = target == change.path ? change.path : "\(change.path) (a link to \(target))"
            switch check(target, shown: shown) {
            case .failure(let failure): return failure.message + "; nothing was written"
            case .success(let existing):
                if let twin = plans.first(where: { same($0, target, existing) }) {
                    return "cannot write \(shown): it is the same file as \(twin.shown); nothing was written"
                }
                plans.append(Plan(shown: shown, target: target, bytes: change.bytes, existing: existing))
            }
        }
        // 2. Prepare every temporary file; on any failure remove them (and the folders made).
        var temps: [String] = []
        var made: [String] = []
        func abandon(_ message: String) -> String {
            for temp in temps { unlink(temp) }
            for folder in made.reversed() { rmdir(folder) }
            return message + "; nothing was written"
        }
        for plan in plans {
            let folder = parent(plan.target)
            if let failure = makeFolders(folder, made: &made) { return abandon("cannot write \(plan.shown): \(failure)") }
            switch prepare(plan.bytes, in: folder, for: plan.target, like: plan.existing) {
            case .success(let temp): temps.append(temp)
            case .failure(let failure): return abandon("cannot write \(plan.shown): \(failure.message)")
            }
        }
        // 3. Rename them all. A rename in a checked folder fails only if the disk changed under
        // us; then say exactly what was written.
        for (i, plan) in plans.enumerated() {
            if rename(temps[i], plan.target) == 0 { continue }
            let message = String(cString: strerror(errno))
            for temp in temps[i...] { unlink(temp) }
            let done = plans[..<i].map(\.shown)
            return "cannot write \(plan.shown): \(message); "
                + (done.isEmpty ? "nothing was written" : "already written: " + done.joined(separator: ", "))
        }
        for folder in Set(plans.map { parent($0.target) }).sorted() {
            let fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            if fd >= 0 {
                fsync(fd)
                close(fd)
            }
        }
        return nil
    }

    /// Checks that `target` (no longer a link) can be replaced or created; returns its status
    /// when it exists.
    static func check(_ target: String, shown: String) -> Result<stat?, Failure> {
        var st = stat()
        if stat(target, &st) == 0 {
            let kind = st.st_mode & S_IFMT
            if kind == S_IFDIR { return .failure(Failure("cannot write \(shown): it is a folder, not a file")) }
            if kind != S_IFREG { return .failure(Failure("cannot write \(shown): it is not a regular file")) }
            if st.st_mode & S_IWUSR == 0 || access(target, W_OK) != 0 {
                return .failure(Failure("cannot write \(shown): it is read-only (mode \(octal(st.st_mode & 0o7777)))"))
            }
            if let problem = writableFolder(parent(target)) { return .failure(Failure("cannot write \(shown): \(problem)")) }
            return .success(st)
        }
        guard errno == ENOENT || errno == ENOTDIR else {
            return .failure(Failure("cannot write \(shown): " + String(cString: strerror(errno))))
        }
        // It will be created: the nearest folder above it that exists must be writable.
        var folder = parent(target)
        while true {
            var fst = stat()
            if stat(folder, &fst) == 0 {
                if fst.st_mode & S_IFMT != S_IFDIR { return .failure(Failure("cannot write \(shown): \(folder) is a file, not a folder")) }
                if let problem = writableFolder(folder) { return .failure(Failure("cannot write \(shown): \(problem)")) }
                return .success(nil)
            }
            guard errno == ENOENT || errno == ENOTDIR else {
                return .failure(Failure("cannot write \(shown): \(folder): " + String(cString: strerror(errno))))
            }
            let up = parent(folder)
            if up == folder { return .failure(Failure("cannot write \(shown): no folder above it exists")) }
            folder = up
        }
    }

    /// Why files cannot be created in `folder`, or nil.
    static func writableFolder(_ folder: String) -> String? {
        var st = stat()
        guard stat(folder, &st) == 0 else { return "\(folder): " + String(cString: strerror(errno)) }
        if st.st_mode & S_IWUSR == 0 || access(folder, W_OK | X_OK) != 0 {
            return "its folder \(folder) is read-only (mode \(octal(st.st_mode & 0o7777)))"
        }
        return nil
    }

    /// Makes `folder` and missing parents, recording each one made.
    static func makeFolders(_ folder: String, made: inout [String]) -> String? {
        var st = stat()
        if stat(folder, &st) == 0 { return nil }
        let up = parent(folder)
        if up != folder, let failure = makeFolders(up, made: &made) { return failure }
        if mkdir(folder, 0o755) == 0 {
            made.append(folder)
        } else if errno != EEXIST {
            return "cannot make the folder \(folder): " + String(cString: strerror(errno))
        }
        return nil
    }

    /// Writes `bytes` to a new temporary file in `folder` (synced, with `existing`'s mode and,
    /// when we may, its owner); returns its path.
    static func prepare(_ bytes: [UInt8], in folder: String, for target: String, like existing: stat?) -> Result<String, Failure> {
        let name = target.split(separator: "/").last.map(String.init) ?? target
        var fd: Int32 = -1
        var temp = ""
        for attempt in 0..<100 {
            temp = folder + "/." + name + ".constitution-tmp-\(getpid())" + (attempt == 0 ? "" : "-\(attempt)")
            fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
            if fd >= 0 || errno != EEXIST { break }
        }
        guard fd >= 0 else { return .failure(Failure("cannot create a temporary file in \(folder): " + String(cString: strerror(errno)))) }
        func fail(_ code: Int32) -> Result<String, Failure> {
            close(fd)
            unlink(temp)
            return .failure(Failure(String(cString: strerror(code))))
        }
        if let existing {
            if fchmod(fd, existing.st_mode & 0o7777) != 0 { return fail(errno) }
            // Keep the owner too when we can (root rewriting someone's file); otherwise the
            // file is ours, as any editor's save would make it.
            if geteuid() == 0, existing.st_uid != geteuid() || existing.st_gid != getegid() {
                if fchown(fd, existing.st_uid, existing.st_gid) != 0 { return fail(errno) }
                if fchmod(fd, existing.st_mode & 0o7777) != 0 { return fail(errno) }
            }
        }
        if let failure = FileWriter.writeAll(fd, bytes) { return fail(failure) }
        if fsync(fd) != 0 { return fail(errno) }
        if close(fd) != 0 {
            let code = errno
            unlink(temp)
            return .failure(Failure(String(cString: strerror(code))))
        }
        return .success(temp)
    }

    /// The folder holding `path` (`.` for a bare name, `/` for a top-level path).
    static func parent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1, trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "." }
        if slash == trimmed.startIndex { return "/" }
        return String(trimmed[..<slash])
    }

    static func octal(_ mode: mode_t) -> String {
        let digits = String(mode, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
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
    /// With `strict`, any warning (about incidents, rules, or the `.constitution.yaml` and
    /// `waivers.yaml` beside them) is thrown as well, before anything is written.
    public static func run(directory: String, check: Bool, strict: Bool = false) throws(ConstitutionProblem) -> Outcome {
        let constitution = ConstitutionStore.read(directory)
        func located(_ d: Diagnostic) -> Diagnostic { ConstitutionStore.located(d, in: directory) }
        // Hand-edited or stale generated files are expected here: compile rewrites them. Only
        // schema errors in incidents and hand-written rules stop it.
        let generatedPaths = Set(constitution.generated.map(\.path))
        let relevant = constitution.diagnostics.filter { d in
            !(generatedPaths.contains(d.path) || constitution.stale.contains { $0.path == d.path })
        }
        if relevant.contains(where: { $0.severity == .error }) {
            throw ConstitutionProblem(diagnostics: relevant.map(located), messages: [])
        }
        let handWritten = constitution.handWrittenRules
        let constraints = constitution.incidents.flatMap(\.constraints)
        let warnings = (relevant.filter { $0.severity != .error }.map(located)
            + (try OwnFileWarnings.besideConstitution(in: directory, rules: constraints + handWritten))).sorted(by: Diagnostic.sortKey)
        try OwnFileWarnings.check(warnings, strict: strict)
        var problems = Constitution.duplicateIDs((constraints + handWritten).map { ($0.id, $0.file, $0.location) }, what: "rule")
        let context = FacetContext(readRepoFile: { _ in nil })
        // Providers prove themselves too: each is checked as a rule `require: <covers>` (the
        // starter's, which this constitution uses without its own copy, in the starter's tests).
        let proven = constraints + handWritten + constitution.providers.filter { !$0.fromStarter }.map(\.exampleRule)
        let results = Parallel.map(count: proven.count, workers: Workspace.defaultWorkers) { i in
            ExampleRunner.check(proven[i], facetContext: context)
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
            changed: changed, removed: removed, warnings: warnings,
            ruleCount: constraints.count + handWritten.count, status: check && stale ? .findings : .clean)
    }
}

/// `constitution test`: every rule's examples (with mutations) and `tests/` fixtures.
public enum ExampleTester {
    /// The result.
    public struct Outcome: Sendable {
        public var failures: [Diagnostic]
        /// Warnings about the constitution's files (printed; `--strict` makes them errors).
        public var warnings: [Diagnostic]
        public var ruleCount: Int
        public var exampleCount: Int
    }

    /// Runs the examples of the constitution in `directory`: incidents' constraints (reported at
    /// the incident's lines) and hand-written rules.
    /// With `strict`, any warning about the constitution's files is thrown (exit 3).
    public static func run(directory: String, strict: Bool = false) throws(ConstitutionProblem) -> Outcome {
        let constitution = ConstitutionStore.read(directory)
        func located(_ d: Diagnostic) -> Diagnostic { ConstitutionStore.located(d, in: directory) }
        if constitution.hasErrors {
            throw ConstitutionProblem(diagnostics: constitution.diagnostics.map(located), messages: [])
        }
        let rules = constitution.incidents.flatMap(\.constraints) + constitution.handWrittenRules
        let warnings = (constitution.diagnostics.map(located) + (try OwnFileWarnings.besideConstitution(in: directory, rules: rules)))
            .sorted(by: Diagnostic.sortKey)
        try OwnFileWarnings.check(warnings, strict: strict)
        let proven = rules + constitution.providers.filter { !$0.fromStarter }.map(\.exampleRule)
        let results = Parallel.map(count: proven.count, workers: Workspace.defaultWorkers) { i in ExampleRunner.check(proven[i]) }
        let (fixtureFailures, fixtureCount) = fixtures(directory: directory, rules: constitution.rules)
        return Outcome(
            failures: (results.flatMap { $0 }.map(located) + fixtureFailures).sorted(by: Diagnostic.sortKey), warnings: warnings, ruleCount: rules.count,
            exampleCount: proven.reduce(0) { $0 + $1.examples.count } + fixtureCount)
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
