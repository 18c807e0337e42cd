import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// A module argument, however it was written: a YAML node (`dest: /etc/x`) or a piece of a
/// free-form string (`dest=/etc/x`, quotes removed and escapes decoded, still located).
enum AnsibleArg: Sendable {
    /// Written as YAML.
    case node(YAMLNode)
    /// Written as `k=v` in a free-form string.
    case text(MappedText)

    /// The argument as mapped text (nil for collections).
    var mapped: MappedText? {
        switch self {
        case .node(let n): return MappedText(scalar: n)
        case .text(let t): return t
        }
    }

    /// The scalar text, or nil for collections.
    var scalar: String? {
        switch self {
        case .node(let n): return n.scalar
        case .text(let t): return t.string
        }
    }

    /// Where the argument is.
    var location: SourceLocation {
        switch self {
        case .node(let n): return n.location
        case .text(let t): return t.anchors[0].location
        }
    }

    /// The YAML node, if written as YAML.
    var node: YAMLNode? {
        if case .node(let n) = self { return n }
        return nil
    }
}

/// A task list or block around a task: `tasks`, `handlers`, `pre_tasks`, `post_tasks`, `block`,
/// `rescue` or `always`, located at its key (a task file's own list: at the list).
struct AnsibleSection: Sendable {
    /// The section's name.
    let name: String
    /// Where the section is named.
    let location: SourceLocation
}

/// One Ansible task with its module and arguments normalised (docs/rules.md, "Facets"): `ansible.builtin.shell` and `ansible.legacy.shell` are `shell`; free-form,
/// `k=v`, dict arguments and the legacy `args:` keyword all read the same.
struct AnsibleTask: Sendable {
    /// The task mapping.
    let node: YAMLNode
    /// The module's short name (`shell`), or its full name for modules outside
    /// `ansible.builtin`/`ansible.legacy` (`community.general.ufw`).
    let module: String
    /// The module's name as written (`apt`, `ansible.legacy.apt`, `community.general.zfs`).
    let writtenModule: String
    /// Where the module is named (its key, or the `action:` value).
    let moduleLocation: SourceLocation
    /// The module's value node, when it has one.
    let moduleValue: YAMLNode?
    /// Free-form text left after `k=v` options are taken out (`_raw_params`): the command line
    /// of `shell: echo hi chdir=/tmp`, a whole literal block, an `include_tasks` file name.
    let freeForm: MappedText?
    /// Named arguments in order: the module's own, then `args:` ones it does not already have.
    let params: [(name: String, value: AnsibleArg)]
    /// The task lists and blocks that hold the task, outermost first (`handlers`, `block`, `rescue`).
    var sections: [AnsibleSection] = []
    /// The blocks around the task, innermost first, then its play (where inherited keywords
    /// such as `become` and `collections` are read).
    var scopes: [YAMLNode] = []

    /// The named argument `name`, if given.
    func param(_ name: String) -> AnsibleArg? {
        params.first { $0.name == name }?.value
    }

    /// The first of several argument spellings that is given (`path`, `dest`, `name`).
    func param(anyOf names: [String]) -> AnsibleArg? {
        for name in names { if let v = param(name) { return v } }
        return nil
    }

    /// The task's `environment:` mapping, if it is one.
    var environment: YAMLNode? { node["environment"] }

    /// The literal items of `loop:`/`with_items:`/`with_list:` when they are written as a list.
    var loopItems: [YAMLNode]? {
        for key in ["loop", "with_items", "with_list"] {
            if let l = node[key], l.kind == .sequence { return l.elements }
        }
        return nil
    }
}

/// Finds tasks in playbooks (`pre_tasks`, `tasks`, `post_tasks`, `handlers`), task files and
/// nested `block`/`rescue`/`always`, and normalises their modules and arguments.
enum AnsibleTasks {
    /// Modules whose free-form string is a command line; only these `k=v` options are taken out
    /// of it (as Ansible's `parse_kv(check_raw=True)` does).
    static let rawModules: Set<String> = ["command", "shell", "raw", "script", "win_command", "win_shell"]
    /// Options Ansible takes out of a free-form command line.
    static let rawOptions: Set<String> = [
        "creates", "removes", "chdir", "executable", "warn", "stdin", "stdin_add_newline", "strip_empty_ends",
        "expand_argument_vars",
    ]
    /// Task keywords: every other key of a task is its module.
    static let taskKeywords: Set<String> = [
        "name", "action", "local_action", "args", "async", "any_errors_fatal", "become", "become_exe", "become_flags",
        "become_method", "become_user", "changed_when", "check_mode", "collections", "connection", "debugger", "delay",
        "delegate_facts", "delegate_to", "diff", "environment", "failed_when", "ignore_errors", "ignore_unreachable",
        "loop", "loop_control", "module_defaults", "no_log", "notify", "poll", "port", "register", "remote_user",
        "retries", "run_once", "tags", "throttle", "timeout", "until", "vars", "when", "listen", "block", "rescue",
        "always", "vars_files", "vars_prompt",
    ]
    /// Play keys that hold task lists.
    static let playTaskKeys = ["pre_tasks", "tasks", "post_tasks", "handlers"]
    /// How deep `block`s are followed.
    static let maxDepth = 64

    /// The module name with `ansible.builtin.`/`ansible.legacy.` removed.
    static func normalize(_ module: String) -> String {
        if module.hasPrefix("ansible.builtin.") { return String(module.dropFirst(16)) }
        if module.hasPrefix("ansible.legacy.") { return String(module.dropFirst(15)) }
        return module
    }

    /// The plays of a playbook file (mappings of its top-level lists).
    static func plays(in file: LoadedFile) -> [YAMLNode] {
        guard file.kind == .ansiblePlaybook, let yaml = file.yaml else { return [] }
        var out: [YAMLNode] = []
        for doc in yaml.documents where doc.kind == .sequence {
            for play in doc.elements where play.kind == .mapping { out.append(play) }
        }
        return out
    }

    /// Every task of an Ansible playbook or task file, in document order (made once per file,
    /// through `memo`).
    static func tasks(in file: LoadedFile, memo: FacetMemo) -> [AnsibleTask] {
        FacetMemo.cached(&memo.tasks) { collect(in: file) }
    }

    private static func collect(in file: LoadedFile) -> [AnsibleTask] {
        guard let yaml = file.yaml else { return [] }
        var out: [AnsibleTask] = []
        switch file.kind {
        case .ansiblePlaybook:
            for play in plays(in: file) {
                for key in playTaskKeys {
                    guard let entry = play.entry(key) else { continue }
                    let section = AnsibleSection(name: key, location: entry.key?.location ?? entry.value.location)
                    collect(entry.value, into: &out, depth: 0, sections: [section], scopes: [play])
                }
            }
        case .ansibleTasks:
            let name = isHandlerFile(file.path) ? "handlers" : "tasks"
            for doc in yaml.documents where doc.kind == .sequence {
                collect(doc, into: &out, depth: 0, sections: [AnsibleSection(name: name, location: doc.location)], scopes: [])
            }
        default:
            break
        }
        return out
    }

    /// Whether a task file holds handlers: it sits in a `handlers` folder (a role's
    /// `handlers/main.yml`), nearer than any `tasks` folder.
    static func isHandlerFile(_ path: String) -> Bool {
        let dirs = PathText.segments(path).dropLast()
        guard let last = dirs.lastIndex(where: { $0 == "tasks" || $0 == "handlers" }) else { return false }
        return dirs[last] == "handlers"
    }

    /// Collects the tasks of a task list, descending into `block`/`rescue`/`always` (up to
    /// ``maxDepth`` levels); `sections` and `scopes` say where the list is.
    static func collect(
        _ list: YAMLNode, into out: inout [AnsibleTask], depth: Int, sections: [AnsibleSection], scopes: [YAMLNode]
    ) {
        guard list.kind == .sequence, depth < maxDepth else { return }
        for item in list.elements where item.kind == .mapping {
            if item["block"] != nil {
                for key in ["block", "rescue", "always"] {
                    guard let entry = item.entry(key) else { continue }
                    let section = AnsibleSection(name: key, location: entry.key?.location ?? entry.value.location)
                    collect(entry.value, into: &out, depth: depth + 1, sections: sections + [section], scopes: [item] + scopes)
                }
                continue
            }
            if var task = task(item) {
                task.sections = sections
                task.scopes = scopes
                out.append(task)
            }
        }
    }

    /// Reads one task mapping; nil when it names no module.
    static func task(_ node: YAMLNode) -> AnsibleTask? {
        var module: String?
        var written = ""
        var moduleLocation = node.location
        var moduleValue: YAMLNode?
        var freeForm: MappedText?
        var params: [(name: String, value: AnsibleArg)] = []
        for pair in node.pairs {
            guard let key = pair.key.scalar else { continue }
            if key == "action" || key == "local_action" {
                let value = pair.value
                if value.kind == .mapping, let m = value["module"]?.scalar {
                    written = m
                    module = normalize(m)
                    moduleLocation = value["module"]?.location ?? value.location
                    moduleValue = value
                    for p in value.pairs {
                        guard let k = p.key.scalar, k != "module" else { continue }
                        params.append((k, .node(p.value)))
                    }
                } else if let text = MappedText(scalar: value) {
                    let tokens = ShellWords.tokenize(text.bytes)
                    guard let first = tokens.first, first.kind == .word else { continue }
                    written = first.string
                    module = normalize(first.string)
                    moduleLocation = text.location(at: first.range.lowerBound)
                    let rest = text.slice(first.range.upperBound..<text.bytes.count).trimmed()
                    let parsed = splitFreeForm(rest, module: module ?? "")
                    freeForm = parsed.raw
                    params.append(contentsOf: parsed.params)
                }
                break
            }
            if taskKeywords.contains(key) || key.hasPrefix("with_") { continue }
            written = key
            module = normalize(key)
            moduleLocation = pair.key.location
            moduleValue = pair.value
            let value = pair.value
            switch value.kind {
            case .mapping:
                for p in value.pairs {
                    guard let k = p.key.scalar else { continue }
                    if k == "_raw_params" {
                        freeForm = MappedText(scalar: p.value)
                    } else {
                        params.append((k, .node(p.value)))
                    }
                }
            case .scalar where !value.isNull:
                if let text = MappedText(scalar: value) {
                    let parsed = splitFreeForm(text, module: module ?? "")
                    freeForm = parsed.raw
                    params.append(contentsOf: parsed.params)
                }
            default:
                break
            }
            break
        }
        guard let module else { return nil }
        if let args = node["args"], args.kind == .mapping {
            for p in args.pairs {
                guard let k = p.key.scalar, !params.contains(where: { $0.name == k }) else { continue }
                if k == "_raw_params", freeForm == nil {
                    freeForm = MappedText(scalar: p.value)
                } else {
                    params.append((k, .node(p.value)))
                }
            }
        }
        return AnsibleTask(
            node: node, module: module, writtenModule: written, moduleLocation: moduleLocation, moduleValue: moduleValue, freeForm: freeForm,
            params: params)
    }

    // MARK: Free-form arguments

    /// Splits a free-form argument string into `k=v` options and the remaining raw text.
    ///
    /// For command modules only the options Ansible recognises there (`chdir`, `creates`, …) are
    /// taken out, wherever they are; for other modules every `k=v` is an option.
    static func splitFreeForm(_ text: MappedText, module: String) -> (raw: MappedText?, params: [(name: String, value: AnsibleArg)]) {
        let checkRaw = rawModules.contains(module)
        var params: [(name: String, value: AnsibleArg)] = []
        var removed: [Range<Int>] = []
        for token in KeyValue.split(text.bytes) {
            guard let kv = KeyValue.parse(token, in: text) else { continue }
            if checkRaw && !rawOptions.contains(kv.key) { continue }
            params.append((kv.key, .text(kv.value)))
            removed.append(token)
        }
        guard !removed.isEmpty else { return (text.bytes.isEmpty ? nil : text, params) }
        var kept: [Range<Int>] = []
        var start = 0
        for r in removed {
            if r.lowerBound > start { kept.append(start..<r.lowerBound) }
            start = r.upperBound
        }
        if start < text.bytes.count { kept.append(start..<text.bytes.count) }
        let raw = text.extract(kept).trimmed()
        return (raw.bytes.isEmpty ? nil : raw, params)
    }
}

/// Ansible's `k=v` syntax: tokens split at whitespace outside quotes and Jinja, values unquoted
/// with escapes decoded (Ansible's `split_args` and `parse_kv`).
enum KeyValue {
    /// Token ranges of a free-form string.
    static func split(_ b: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var i = 0
        let n = b.count
        while i < n {
            while i < n, ShellWords.isSpace(b[i]) || b[i] == 0x0A { i += 1 }
            guard i < n else { break }
            let start = i
            var quote: UInt8 = 0
            while i < n {
                let c = b[i]
                if quote != 0 {
                    if c == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if c == quote { quote = 0 }
                    i += 1
                    continue
                }
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: "{"), i + 1 < n, b[i + 1] == UInt8(ascii: "{") || b[i + 1] == UInt8(ascii: "%") || b[i + 1] == UInt8(ascii: "#") {
                    let close: UInt8 = b[i + 1] == UInt8(ascii: "{") ? UInt8(ascii: "}") : b[i + 1]
                    i = ShellWords.skipJinja(b, from: i, close: close)
                    continue
                } else if ShellWords.isSpace(c) || c == 0x0A {
                    break
                }
                i += 1
            }
            out.append(start..<min(i, n))
        }
        return out
    }

    /// The key and the unquoted, decoded value of a `k=v` token; nil for other tokens.
    static func parse(_ token: Range<Int>, in text: MappedText) -> (key: String, value: MappedText)? {
        let b = text.bytes
        guard token.count >= 2, ShellWords.isNameStart(b[token.lowerBound]) else { return nil }
        var i = token.lowerBound + 1
        while i < token.upperBound, ShellWords.isNameByte(b[i]) { i += 1 }
        guard i < token.upperBound, b[i] == UInt8(ascii: "=") else { return nil }
        let key = String(decoding: b[token.lowerBound..<i], as: UTF8.self)
        var lower = i + 1
        var upper = token.upperBound
        if upper - lower >= 2, b[lower] == b[upper - 1], b[lower] == UInt8(ascii: "\"") || b[lower] == UInt8(ascii: "'") {
            lower += 1
            upper -= 1
        }
        return (key, decodeEscapes(text, lower..<upper))
    }

    /// Decodes Python-style escapes (`\n`, `\t`, `\\`, `\"`, `\xHH`, `\uHHHH`, octal) in a range,
    /// keeping each undecoded run at its own position.
    static func decodeEscapes(_ text: MappedText, _ range: Range<Int>) -> MappedText {
        let b = text.bytes
        guard b[range].contains(UInt8(ascii: "\\")) else { return text.slice(range) }
        var out: [UInt8] = []
        var anchors: [MappedText.Anchor] = []
        var i = range.lowerBound
        var pieceStart = true
        while i < range.upperBound {
            if pieceStart {
                anchors.append(.init(offset: out.count, location: text.location(at: i)))
                pieceStart = false
            }
            let c = b[i]
            guard c == UInt8(ascii: "\\"), i + 1 < range.upperBound else {
                out.append(c)
                i += 1
                continue
            }
            let e = b[i + 1]
            var consumed = 2
            switch e {
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "a"): out.append(0x07)
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "v"): out.append(0x0B)
            case UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""): out.append(e)
            case UInt8(ascii: "x"), UInt8(ascii: "u"), UInt8(ascii: "U"):
                let digits = e == UInt8(ascii: "x") ? 2 : e == UInt8(ascii: "u") ? 4 : 8
                if let scalar = hexScalar(b, from: i + 2, count: digits, limit: range.upperBound) {
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    consumed = 2 + digits
                } else {
                    out.append(c)
                    consumed = 1
                }
            case UInt8(ascii: "0")...UInt8(ascii: "7"):
                var value: UInt32 = 0
                var k = i + 1
                while k < range.upperBound, k < i + 4, b[k] >= UInt8(ascii: "0"), b[k] <= UInt8(ascii: "7") {
                    value = value * 8 + UInt32(b[k] - UInt8(ascii: "0"))
                    k += 1
                }
                if let scalar = Unicode.Scalar(value) { out.append(contentsOf: Array(String(Character(scalar)).utf8)) }
                consumed = k - i
            default:
                out.append(c)
                consumed = 1
            }
            i += consumed
            if consumed > 1 { pieceStart = true }
        }
        if anchors.isEmpty { anchors = [.init(offset: 0, location: text.location(at: range.lowerBound))] }
        return MappedText(bytes: out, anchors: anchors, exact: text.exact, origin: text.origin)
    }

    private static func hexScalar(_ b: [UInt8], from: Int, count: Int, limit: Int) -> Unicode.Scalar? {
        guard from + count <= limit else { return nil }
        var value: UInt32 = 0
        for k in from..<(from + count) {
            let c = b[k]
            let digit: UInt32
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(c - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(c - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(c - UInt8(ascii: "A") + 10)
            default: return nil
            }
            value = value * 16 + digit
        }
        return Unicode.Scalar(value)
    }
}
