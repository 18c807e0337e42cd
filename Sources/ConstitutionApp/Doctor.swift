#if canImport(Glibc)
import Glibc
#endif
import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace

/// `constitution doctor`: checks a repository's whole setup, the way each piece is used, and
/// says how to fix each problem.
public enum Doctor {
    /// One check's result.
    public struct Check: Sendable {
        /// What was checked.
        public var name: String
        /// Whether all is well.
        public var ok: Bool
        /// What was found.
        public var detail: String
        /// How to fix it (when not ok).
        public var fix: String?
    }

    /// Runs every check on the repository at `root`. `render` is the `constitution-render`
    /// program (its `--check` tells whether CLAUDE.md and MEMORY.md are current).
    public static func run(root: String, constitution explicit: String?, render: String) -> [Check] {
        var checks: [Check] = []
        checks.append(toolOnPath())
        var rules: [Rule] = []
        var loaded = false
        do {
            let location = try Linter.locateConstitution(explicit: explicit, root: root)
            let constitution = try Linter.loadConstitution(at: location)
            rules = constitution.rules
            loaded = true
            checks.append(
                Check(
                    name: "constitution", ok: !rules.isEmpty,
                    detail: "\(location.directory) (\(location.origin)): \(constitution.incidents.count) incidents, \(rules.count) rules, compiled rules current",
                    fix: rules.isEmpty ? "add incidents with constraints (`constitution incident new`), then `constitution compile`" : nil))
        } catch {
            let first = error.diagnostics.first.map { "\($0.path):\($0.location.line):\($0.location.column): \($0.message)" } ?? error.messages.joined(separator: "; ")
            checks.append(Check(name: "constitution", ok: false, detail: "does not load: \(first)", fix: "run `constitution lint` to see every problem; `constitution compile` when the compiled rules are stale"))
        }
        checks.append(agentFiles(root: root, constitution: explicit, render: render))
        let (settings, hookCommand) = settingsCheck(root: root, rules: rules)
        checks.append(settings)
        if let hookCommand {
            checks.append(
                loaded
                    ? probe(hookCommand, root: root, rules: rules)
                    : Check(name: "guard hook", ok: false, detail: "not probed: the constitution does not load", fix: "fix the constitution first (above)"))
        }
        checks.append(preCommit(root: root))
        checks.append(workflow(root: root))
        return checks
    }

    static func toolOnPath() -> Check {
        guard let found = ConstitutionStore.onPath("constitution") else {
            return Check(
                name: "on PATH", ok: false, detail: "`constitution` is not on PATH: the agent's hook, pre-commit and your shell cannot run it",
                fix: "`./constitution install` from a clone (or unpack the release archive), then add the folder it names to PATH")
        }
        let version = Subprocess.run("\(shellQuoted(found)) --version", stdin: []).output.split(separator: "\n").first.map(String.init) ?? "?"
        return Check(name: "on PATH", ok: true, detail: "\(found): \(version)")
    }

    static func agentFiles(root: String, constitution: String?, render: String) -> Check {
        var command = "\(shellQuoted(render)) --root \(shellQuoted(root)) --check"
        if let constitution { command += " --constitution \(shellQuoted(constitution))" }
        let result = Subprocess.run(command, stdin: [])
        switch result.status {
        case 0: return Check(name: "CLAUDE.md, MEMORY.md", ok: true, detail: "current")
        case 1: return Check(name: "CLAUDE.md, MEMORY.md", ok: false, detail: "stale (they differ from what the constitution renders)", fix: "`constitution render`")
        default:
            let why = result.output.split(separator: "\n").first.map(String.init) ?? "exit \(result.status)"
            return Check(name: "CLAUDE.md, MEMORY.md", ok: false, detail: "cannot be checked: \(why)", fix: "`constitution render` and read its message")
        }
    }

    /// `.claude/settings.json`: valid, every agent pattern in `permissions.deny`, and the guard
    /// registered as a PreToolUse hook (whose command is returned for the probe).
    static func settingsCheck(root: String, rules: [Rule]) -> (Check, String?) {
        let name = ".claude/settings.json"
        let path = (root == "." ? "" : root + "/") + name
        guard case .success(let bytes) = FileReader.read(path, maxSize: 1 << 20) else {
            return (Check(name: name, ok: false, detail: "missing", fix: "`constitution render`"), nil)
        }
        let json: JSONValue
        do {
            json = try JSONParser.parse(bytes: bytes, rejectingDuplicateKeys: true)
        } catch {
            return (Check(name: name, ok: false, detail: "\(path):\(error.line):\(error.column): \(error.message)", fix: "correct it, then `constitution render`"), nil)
        }
        var deny: Set<String> = []
        if case .array(let items)? = json["permissions"]?["deny"] { deny = Set(items.compactMap(\.stringValue)) }
        let missing = rules.flatMap(\.agent).map(AgentPatterns.denyRule).filter { !deny.contains($0) }
        var hook: String?
        if case .array(let groups)? = json["hooks"]?["PreToolUse"] {
            for group in groups {
                guard case .array(let handlers)? = group["hooks"] else { continue }
                for handler in handlers {
                    if let command = handler["command"]?.stringValue, command.contains("guard") { hook = command }
                }
            }
        }
        if hook == nil { return (Check(name: name, ok: false, detail: "no `constitution guard` PreToolUse hook", fix: "`constitution render`"), nil) }
        if !missing.isEmpty {
            return (Check(name: name, ok: false, detail: "the deny list lacks \(missing.count): \(missing.prefix(3).joined(separator: ", "))", fix: "`constitution render`"), hook)
        }
        return (Check(name: name, ok: true, detail: "deny list complete (\(deny.count) entries), hook `\(hook!)`"), hook)
    }

    /// Runs the registered hook once, as Claude Code would, with a command a rule forbids: it
    /// must be denied.
    static func probe(_ hook: String, root: String, rules: [Rule]) -> Check {
        guard let pattern = rules.lazy.flatMap(\.agent).first else {
            return Check(name: "guard hook", ok: true, detail: "not probed: no rule has agent: patterns")
        }
        let command = AgentPatterns.probe(pattern)
        let payload = JSONValue.object([
            ("hook_event_name", .string("PreToolUse")), ("cwd", .string(ConstitutionStore.absolute(root))), ("tool_name", .string("Bash")),
            ("tool_input", .object([("command", .string(command))])),
        ]).serialized()
        let result = Subprocess.run("cd \(shellQuoted(root)) && \(hook)", stdin: Array(payload.utf8))
        if result.status == 127 {
            return Check(name: "guard hook", ok: false, detail: "`\(hook)` is not found (exit 127): Claude Code lets every call through",
                         fix: "`constitution install` and put its folder on PATH, or render with --guard-command '/full/path/to/constitution guard'")
        }
        if result.output.contains("\"permissionDecision\":\"deny\"") || result.status == 2 {
            return Check(name: "guard hook", ok: true, detail: "`\(hook)` denied the probe `\(command)`")
        }
        return Check(name: "guard hook", ok: false, detail: "`\(hook)` did not deny the probe `\(command)` (exit \(result.status))",
                     fix: "run `echo '\(payload)' | \(hook)` to see why")
    }

    static func preCommit(root: String) -> Check {
        let path = (root == "." ? "" : root + "/") + ".pre-commit-config.yaml"
        guard case .success(let bytes) = FileReader.read(path, maxSize: 1 << 20) else {
            return Check(name: "pre-commit", ok: false, detail: "no .pre-commit-config.yaml", fix: "`constitution init --with-pre-commit`, then `pre-commit install`")
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard text.contains("id: constitution") else {
            return Check(name: "pre-commit", ok: false, detail: ".pre-commit-config.yaml has no `constitution` hook", fix: "`constitution init --with-pre-commit` shows the entry to add")
        }
        let unpinned = text.split(separator: "\n").contains { line in
            let t = line.trimmingSpacesAndDash()
            return t.hasPrefix("rev:") && ["main", "master", "HEAD", ""].contains(t.dropFirst(4).trimmingSpacesAndDash().trimmingQuotes())
        }
        if unpinned { return Check(name: "pre-commit", ok: false, detail: "a `rev:` follows a branch, not a tag or commit", fix: "pin `rev:` to a tag or commit (`pre-commit autoupdate --freeze`)") }
        return Check(name: "pre-commit", ok: true, detail: "hook `constitution` present, revisions pinned")
    }

    static func workflow(root: String) -> Check {
        let folder = (root == "." ? "" : root + "/") + ".gitea/workflows"
        let files = FileWalker().walk([folder], displayRoot: folder).files
        for f in files {
            guard case .success(let bytes) = FileReader.read(f.fullPath, maxSize: 1 << 20) else { continue }
            let text = String(decoding: bytes, as: UTF8.self)
            guard text.contains("constitution lint") else { continue }
            let floating = text.split(separator: "\n").filter { line in
                let t = line.trimmingSpacesAndDash()
                return t.hasPrefix("uses:") && !t.contains("@") || t.hasSuffix("@main") || t.hasSuffix("@master")
            }
            if let line = floating.first {
                return Check(name: "Gitea workflow", ok: false, detail: "\(folder)/\(f.path): `\(line.trimmingSpacesAndDash())` is not pinned", fix: "pin every action to a tag or commit")
            }
            return Check(name: "Gitea workflow", ok: true, detail: "\(folder)/\(f.path) runs `constitution lint`")
        }
        return Check(name: "Gitea workflow", ok: false, detail: "no workflow in .gitea/workflows runs `constitution lint`", fix: "`constitution init --with-workflow`")
    }

    static func shellQuoted(_ s: String) -> String { "'" + s.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'" }
}

extension StringProtocol {
    fileprivate func trimmingSpacesAndDash() -> String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "-" || f == "\t" { s = s.dropFirst() }
        while let l = s.last, l == " " || l == "\t" || l == "\r" { s = s.dropLast() }
        return String(s)
    }

    fileprivate func trimmingQuotes() -> String {
        var s = Substring(self)
        while let f = s.first, f == "\"" || f == "'" { s = s.dropFirst() }
        while let l = s.last, l == "\"" || l == "'" { s = s.dropLast() }
        return String(s)
    }
}

/// Runs a shell command line with bytes on its standard input and collects its output
/// (stdout and stderr), through temporary files (no pipe can fill up and block).
enum Subprocess {
    struct Result {
        var status: Int32
        var output: String
    }

    static func run(_ command: String, stdin input: [UInt8], timeoutSeconds: Int = 60) -> Result {
        var template = Array("/tmp/constitution-doctor-XXXXXX".utf8CString)
        guard let dir = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }).map({ String(cString: $0) }) else {
            return Result(status: -1, output: "cannot make a temporary folder")
        }
        defer {
            unlink(dir + "/in")
            unlink(dir + "/out")
            rmdir(dir)
        }
        _ = AtomicFile.write(dir + "/in", input, durable: false)
        let line = "timeout \(timeoutSeconds) /bin/sh -c \(Doctor.shellQuoted(command)) <\(dir)/in >\(dir)/out 2>&1"
        let raw = system(line)
        let status: Int32 = raw == -1 ? -1 : (raw >> 8) & 0xFF
        let output: String
        if case .success(let bytes) = FileReader.read(dir + "/out", maxSize: 1 << 20) { output = String(decoding: bytes, as: UTF8.self) } else { output = "" }
        return Result(status: status, output: output)
    }
}
