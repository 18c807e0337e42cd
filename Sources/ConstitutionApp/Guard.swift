import ConstitutionCore
import ConstitutionReport
import ConstitutionRules
import ConstitutionWorkspace

/// `constitution guard`: a Claude Code PreToolUse hook. Reads the hook's JSON, and denies a Bash
/// command that matches a rule's `agent:` patterns, or a Write/Edit whose result breaks an
/// error-severity rule. Everything else is allowed.
public enum Guard {
    /// The decision.
    public enum Decision: Sendable, Equatable {
        case allow
        /// Denied, with the reason Claude is shown.
        case deny(String)
        /// Left to the user to approve (Claude Code asks), with the reason shown.
        case ask(String)
        /// Allowed, and the user and Claude are told why nothing was checked (no rules, or no
        /// constitution that loads).
        case notice(String)
        /// The input could not be understood (a non-blocking error: the agent is not wedged).
        case malformed(String)
    }

    /// What the guard enforces for a repository, and what it must say about it.
    public struct Enforcement: Sendable {
        /// The rules enforced.
        public var rules: [Rule]
        /// The constitution's folder (paths of checked files are shown relative to it).
        public var directory: String
        /// Said with every decision when nothing is enforced.
        public var notice: String?
        /// Said on stderr (a constitution that does not load, and the copy enforced instead).
        public var warnings: [String] = []
    }

    /// The rules to enforce for `root`. A constitution that cannot be loaded (a schema error,
    /// stale compiled rules) is replaced by the last copy of it that loaded, with a warning; with
    /// no such copy, or no rules at all, nothing is enforced and ``Enforcement/notice`` says so.
    public static func enforcement(explicit: String?, root: String) -> Enforcement {
        guard let location = ConstitutionStore.locate(explicit: explicit, root: root) else {
            return Enforcement(
                rules: [], directory: root,
                notice: "constitution guard: no constitution found at or above \(root), and the starter constitution is not installed: nothing is enforced")
        }
        let directory = location.directory
        let constitution = ConstitutionStore.read(directory, trustCache: true, keepVerified: true)
        if !constitution.hasErrors && constitution.stale.isEmpty {
            guard constitution.rules.isEmpty else { return Enforcement(rules: constitution.rules, directory: directory) }
            let why = location.onPurpose ? "it was made empty on purpose" : "add incidents with constraints, or rules"
            return Enforcement(
                rules: [], directory: directory,
                notice: "constitution guard: the constitution at \(directory) has no rules (\(why)): nothing is enforced")
        }
        let problem: String
        if let error = constitution.diagnostics.first(where: { $0.severity == .error }) {
            problem = "\(directory)/\(error.path):\(error.location.line):\(error.location.column): \(error.message)"
        } else {
            problem = "its compiled rules are stale (\(constitution.stale.map(\.description).joined(separator: ", "))); run `constitution compile`"
        }
        if let copy = ConstitutionStore.verifiedCopy(directory) {
            return Enforcement(
                rules: copy.rules, directory: directory,
                warnings: [
                    "constitution guard: warning: the constitution at \(directory) cannot be loaded (\(problem)); enforcing the last copy of it that loaded (\(copy.rules.count) rules)"
                ])
        }
        return Enforcement(
            rules: [], directory: directory,
            notice: "constitution guard: the constitution at \(directory) cannot be loaded (\(problem)), and no earlier copy of it was verified: nothing is enforced until it loads (run `constitution lint` to see why)")
    }

    /// Decides on one hook input (`stdin`), with the process's working folder `cwd`; `warn`
    /// receives what must be said on stderr.
    public static func decide(input: String, cwd: String, constitution explicit: String?, warn: (String) -> Void = { _ in }) -> Decision {
        let json: JSONValue
        do {
            json = try JSONParser.parse(input)
        } catch {
            return .malformed("hook input is not JSON (\(error))")
        }
        guard let tool = json["tool_name"]?.stringValue, let toolInput = json["tool_input"] else {
            return .malformed("hook input has no tool_name/tool_input; expected Claude Code's PreToolUse JSON")
        }
        let root = json["cwd"]?.stringValue ?? cwd
        switch tool {
        case "Bash":
            guard let command = toolInput["command"]?.stringValue else { return .malformed("Bash tool_input has no command") }
            let enforced = enforcement(explicit: explicit, root: root)
            enforced.warnings.forEach(warn)
            if let notice = enforced.notice { return .notice(notice) }
            let decision = checkCommand(command, rules: enforced.rules)
            if decision == .allow, let protected = AgentPatterns.writtenFiles(command).lazy.compactMap(protectedFile).first {
                return .ask(protected)
            }
            return decision
        case "Write", "Edit", "MultiEdit":
            guard let filePath = toolInput["file_path"]?.stringValue else { return .malformed("\(tool) tool_input has no file_path") }
            if let protected = protectedFile(filePath) { return .ask(protected) }
            guard let text = resultingText(tool: tool, input: toolInput, path: filePath) else { return .allow }
            let enforced = enforcement(explicit: explicit, root: root)
            enforced.warnings.forEach(warn)
            if let notice = enforced.notice { return .notice(notice) }
            return checkFile(path: displayPath(filePath, root: root, constitutionDir: enforced.directory), text: text, rules: enforced.rules)
        default:
            return .allow
        }
    }

    /// Denies a command that would run something a rule's `agent:` patterns forbid, read as a
    /// shell reads it (``AgentPatterns``), or whose matching part cannot be verified.
    public static func checkCommand(_ command: String, rules: [Rule]) -> Decision {
        guard let denial = AgentPatterns.check(command, rules: rules) else { return .allow }
        guard let rule = rules.first(where: { $0.id == denial.rule }) else { return .allow }
        let source = rule.source.incidentID.map { " (\($0))" } ?? ""
        if let why = denial.unverifiable {
            return .deny(
                "constitution: `\(denial.command)` cannot be verified (\(why)) and may run `\(denial.pattern)`, which rule \(rule.id)\(source) "
                    + "forbids: \(rule.message). Write the command out literally if it is allowed. \(rule.guidance)")
        }
        return .deny("constitution: `\(denial.command)` is forbidden by rule \(rule.id)\(source): \(rule.message). \(rule.guidance)")
    }

    /// Denies a file whose content breaks an error-severity rule that needs only that file
    /// (cross-document rules need the whole tree: `lint` and CI check those).
    public static func checkFile(path: String, text: String, rules: [Rule]) -> Decision {
        let local = rules.filter { !$0.isCrossDocument && $0.severity == .error }
        guard let bound = try? Linter.bind(local) else { return .allow }
        let file = LoadedFile.inMemory(path: path, text: text)
        if file.kind == .template || file.kind == .binary { return .allow }
        let findings = RuleEngine(rules: bound).lint([file]).filter { $0.severity == .error }
        guard !findings.isEmpty else { return .allow }
        var reason = "constitution: this change would break \(findings.count == 1 ? "a rule" : "\(findings.count) rules"):"
        for f in findings {
            reason += "\n\(f.path):\(f.location.line):\(f.location.column): \(f.message) [\(f.rule)\(f.incident.map { ", " + $0 } ?? "")]"
            if let rule = rules.first(where: { $0.id == f.rule }) { reason += "\n  fix: \(rule.guidance)" }
        }
        return .deny(reason)
    }

    /// The file's text after the tool call: Write's content, or the current file with Edit's
    /// replacement applied. Nil when it cannot be known (then the call is allowed; the tool
    /// itself will fail on a missing `old_string`).
    static func resultingText(tool: String, input: JSONValue, path: String) -> String? {
        if tool == "Write" { return input["content"]?.stringValue }
        // A file over the size limit is not checked, as `lint` does not check it.
        guard case .success(let bytes) = FileReader.read(path, maxSize: FileReader.defaultMaxFileSize) else { return nil }
        var text = String(decoding: bytes, as: UTF8.self)
        var edits: [JSONValue] = [input]
        if tool == "MultiEdit", case .array(let list)? = input["edits"] { edits = list }
        for edit in edits {
            guard let old = edit["old_string"]?.stringValue, let new = edit["new_string"]?.stringValue, !old.isEmpty else { return nil }
            let all: Bool = { if case .bool(true)? = edit["replace_all"] { return true } else { return false } }()
            guard let replaced = replace(in: text, old, new, all: all) else { return nil }
            text = replaced
        }
        return text
    }

    static func replace(in text: String, _ old: String, _ new: String, all: Bool) -> String? {
        guard text.contains(old) else { return nil }
        var out = ""
        var rest = Substring(text)
        while let r = rest.firstRange(of: old) {
            out += rest[..<r.lowerBound]
            out += new
            rest = rest[r.upperBound...]
            if !all { break }
        }
        return out + rest
    }

    /// The path rules see: relative to the repository (the constitution's folder when the file
    /// is inside it, else the hook's cwd).
    static func displayPath(_ path: String, root: String, constitutionDir: String) -> String {
        let absolute = ConstitutionStore.absolute(path)
        for base in [ConstitutionStore.absolute(constitutionDir), ConstitutionStore.absolute(root)] where absolute.hasPrefix(base + "/") {
            return String(absolute.dropFirst(base.count + 1))
        }
        return absolute
    }

    /// Files that decide what is enforced: changing them needs the user's approval, so an agent
    /// cannot switch a rule off by writing one (`*` into `.constitutionignore`, `off` into
    /// `.constitution.yaml`, a waiver, its own hook out of `.claude/settings.json`). The reason
    /// shown when `path` is one, else nil.
    public static func protectedFile(_ path: String) -> String? {
        let name = path.split(separator: "/").last.map(String.init) ?? path
        let what: String
        switch name {
        case ".constitutionignore": what = "it hides files from `constitution lint`"
        case ".constitution.yaml": what = "it configures which rules `constitution` enforces, and how"
        case "waivers.yaml": what = "it waives findings of `constitution` rules"
        case "settings.json" where path.contains(".claude/"), "settings.local.json" where path.contains(".claude/"):
            what = "it holds the agent's deny list and the `constitution guard` hook"
        default: return nil
        }
        return "constitution: writing \(name) needs your approval: \(what)."
    }

    /// Claude Code's JSON for a notice: shown to the user (`systemMessage`) and to Claude
    /// (`additionalContext`), with no permission decision (so the usual permission rules apply).
    public static func noticeJSON(_ notice: String) -> String {
        JSONValue.object([
            ("systemMessage", .string(notice)),
            ("hookSpecificOutput", .object([("hookEventName", .string("PreToolUse")), ("additionalContext", .string(notice))])),
        ]).serialized() + "\n"
    }

    /// Claude Code's JSON for a deny decision.
    public static func denyJSON(_ reason: String) -> String { decisionJSON("deny", reason) }

    /// Claude Code's JSON for an ask decision (the user approves or refuses).
    public static func askJSON(_ reason: String) -> String { decisionJSON("ask", reason) }

    /// Claude Code's `hookSpecificOutput` with a permission decision and its reason.
    static func decisionJSON(_ decision: String, _ reason: String) -> String {
        JSONValue.object([
            (
                "hookSpecificOutput",
                .object([
                    ("hookEventName", .string("PreToolUse")), ("permissionDecision", .string(decision)),
                    ("permissionDecisionReason", .string(reason)),
                ])
            )
        ]).serialized() + "\n"
    }
}
