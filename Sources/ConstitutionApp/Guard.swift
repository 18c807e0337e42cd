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
        /// The input could not be understood (a non-blocking error: the agent is not wedged).
        case malformed(String)
    }

    /// Decides on one hook input (`stdin`), with the process's working folder `cwd`.
    public static func decide(input: String, cwd: String, constitution explicit: String?) -> Decision {
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
            guard let (constitution, _) = try? Linter.loadConstitution(explicit: explicit, root: root) else {
                return .malformed("the constitution could not be loaded (run `constitution lint` to see why); nothing is enforced")
            }
            return checkCommand(command, rules: constitution.rules)
        case "Write", "Edit", "MultiEdit":
            guard let filePath = toolInput["file_path"]?.stringValue else { return .malformed("\(tool) tool_input has no file_path") }
            guard let text = resultingText(tool: tool, input: toolInput, path: filePath) else { return .allow }
            guard let (constitution, directory) = try? Linter.loadConstitution(explicit: explicit, root: root) else {
                return .malformed("the constitution could not be loaded (run `constitution lint` to see why); nothing is enforced")
            }
            return checkFile(path: displayPath(filePath, root: root, constitutionDir: directory), text: text, rules: constitution.rules)
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
        guard case .success(let bytes) = FileReader.read(path) else { return nil }
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

    /// Claude Code's JSON for a deny decision.
    public static func denyJSON(_ reason: String) -> String {
        JSONValue.object([
            (
                "hookSpecificOutput",
                .object([
                    ("hookEventName", .string("PreToolUse")), ("permissionDecision", .string("deny")),
                    ("permissionDecisionReason", .string(reason)),
                ])
            )
        ]).serialized() + "\n"
    }
}
