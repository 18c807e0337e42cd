import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// The `task` facet: every Ansible task (docs/rules.md, "The task facet").
///
/// Tasks are found in plays (`pre_tasks`, `tasks`, `post_tasks`, `handlers`), task files (a
/// role's `tasks/` and `handlers/`, included files) and nested `block`/`rescue`/`always` (see
/// ``AnsibleTasks``). An `include_tasks`/`import_tasks` is a task itself; the file it includes is
/// linted as its own file, so each task is one item, once.
///
/// Fields: `module` (the fully qualified name, see ``AnsibleModuleResolver``), `module_as_written`,
/// `name`, `args` (one mapping however the arguments were written; free-form text under
/// `_raw_params`), `become` (the task's, else its nearest block's or play's), `when` and `loop`
/// (the task's own), `section` (the innermost list or block holding it), `sections` (all of
/// them, outermost first) and `task` (the task's mapping, for any other keyword).
enum TaskFacet {
    /// The fields of a task item.
    static let fields: [String] = [
        "module", "module_as_written", "name", "args", "become", "when", "loop", "section", "sections", "task",
    ]

    /// Keywords a loop is written with, besides every `with_*`.
    private static let loopKeys = ["loop", "with_items", "with_list"]

    /// The facet's items for `file`: one per task, located at the task.
    static func items(in file: LoadedFile, context: FacetContext, memo: FacetMemo) -> [FacetObject] {
        let tasks = AnsibleTasks.tasks(in: file, memo: memo)
        guard !tasks.isEmpty else { return [] }
        var resolver = AnsibleModuleResolver(path: file.path, isTaskFile: file.kind == .ansibleTasks, context: context)
        return tasks.map { item($0, resolver: &resolver) }
    }

    /// One task as an item.
    static func item(_ task: AnsibleTask, resolver: inout AnsibleModuleResolver) -> FacetObject {
        let node = task.node
        var fields: [(String, Value)] = [
            ("module", .text(LocatedText(resolver.fullName(of: task), at: task.moduleLocation))),
            ("module_as_written", .text(LocatedText(task.writtenModule, at: task.moduleLocation))),
        ]
        if let name = node["name"] { fields.append(("name", .node(name, nil))) }
        fields.append(("args", .object(arguments(task))))
        if let become = inherited("become", task) { fields.append(("become", .node(become, nil))) }
        if let when = node["when"] { fields.append(("when", .node(when, nil))) }
        if let loop = loop(node) { fields.append(("loop", .node(loop, nil))) }
        if let innermost = task.sections.last {
            fields.append(("section", .text(LocatedText(innermost.name, at: innermost.location))))
        }
        let sections: [Value] = task.sections.map { .text(LocatedText($0.name, at: $0.location)) }
        fields.append(("sections", .list(sections, task.sections.first?.location ?? node.location)))
        fields.append(("task", .node(node, nil)))
        return FacetObject(fields: fields, location: node.location)
    }

    /// The task's arguments as one mapping: `_raw_params` (free-form text) first, then each named
    /// argument at its own position; located at the module's value (its key when it has none).
    static func arguments(_ task: AnsibleTask) -> FacetObject {
        var fields: [(String, Value)] = []
        if let raw = task.freeForm { fields.append(("_raw_params", raw.value)) }
        for (name, arg) in task.params {
            switch arg {
            case .node(let n): fields.append((name, .node(n, nil)))
            case .text(let t): fields.append((name, t.value))
            }
        }
        let at = task.moduleValue.flatMap { $0.isNull ? nil : $0.location } ?? task.moduleLocation
        return FacetObject(fields: fields, location: at)
    }

    /// The keyword `key` of the task, else of its nearest enclosing block, else of its play.
    static func inherited(_ key: String, _ task: AnsibleTask) -> YAMLNode? {
        if let own = task.node[key] { return own }
        for scope in task.scopes { if let v = scope[key] { return v } }
        return nil
    }

    /// The task's `loop:` or `with_*:` value.
    private static func loop(_ node: YAMLNode) -> YAMLNode? {
        for key in loopKeys { if let v = node[key] { return v } }
        for pair in node.pairs {
            if let k = pair.key.scalar, k.hasPrefix("with_") { return pair.value }
        }
        return nil
    }
}

/// Resolves module names to fully qualified names (FQCN) the way Ansible searches, with the
/// modules ``AnsibleModuleTable`` knows:
///
/// 1. a name with a collection (`community.general.zfs`) stays as written, except that
///    `ansible.legacy.x` is `ansible.builtin.x` for a builtin `x`;
/// 2. a short name is looked up in the nearest `collections:` list (the task's, its blocks',
///    then its play's, or in a role its `meta/main.yml`), in order: a listed collection is used
///    when the table says it has the module (`ansible.builtin`/`ansible.legacy` when builtin);
/// 3. then `ansible.builtin`; then the first collection of the table that has it;
/// 4. else the name stays as written (a typo, a module of the repo's `library/`, a collection
///    the table does not know).
///
/// A role's `meta/main.yml` is read once per file, and only when a short name needs it.
struct AnsibleModuleResolver {
    /// For each short name, the first collection of the table that has it.
    static let defaults: [String: String] = {
        var out: [String: String] = [:]
        for (collection, modules) in AnsibleModuleTable.collections {
            for name in modules.split(whereSeparator: { $0 == " " || $0 == "\n" }) where out[String(name)] == nil {
                out[String(name)] = collection + "." + name
            }
        }
        return out
    }()

    /// For each collection of the table, its modules.
    static let members: [String: Set<String>] = {
        var out: [String: Set<String>] = [:]
        for (collection, modules) in AnsibleModuleTable.collections {
            out[collection, default: []].formUnion(modules.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init))
        }
        return out
    }()

    /// The file's display path (to find its role).
    let path: String
    /// Whether the file is a task file (which may belong to a role) rather than a playbook.
    let isTaskFile: Bool
    let context: FacetContext
    /// The role's `collections:` (from its `meta/main.yml`), once read.
    private var roleCollections: [String]??

    init(path: String, isTaskFile: Bool, context: FacetContext) {
        self.path = path
        self.isTaskFile = isTaskFile
        self.context = context
    }

    /// The fully qualified name of the task's module.
    mutating func fullName(of task: AnsibleTask) -> String {
        let written = task.writtenModule
        if written.contains(".") {
            if written.hasPrefix("ansible.legacy."), Self.members["ansible.builtin"]?.contains(task.module) == true {
                return "ansible.builtin." + task.module
            }
            return written
        }
        if let listed = collections(of: task) {
            for collection in listed {
                let builtin = collection == "ansible.builtin" || collection == "ansible.legacy"
                if Self.members[builtin ? "ansible.builtin" : collection]?.contains(written) == true {
                    return (builtin ? "ansible.builtin" : collection) + "." + written
                }
            }
        }
        return Self.defaults[written] ?? written
    }

    /// The nearest `collections:` list for the task, or nil when none is written.
    mutating func collections(of task: AnsibleTask) -> [String]? {
        if let list = Self.names(task.node["collections"]) { return list }
        for scope in task.scopes {
            if let list = Self.names(scope["collections"]) { return list }
        }
        return isTaskFile ? role() : nil
    }

    /// The scalar items of a `collections:` list.
    private static func names(_ node: YAMLNode?) -> [String]? {
        guard let node, node.kind == .sequence else { return nil }
        return node.elements.compactMap(\.scalar)
    }

    /// The `collections:` of the role the file belongs to (`…/roles/x/tasks/main.yml` reads
    /// `…/roles/x/meta/main.yml`).
    private mutating func role() -> [String]? {
        if let known = roleCollections { return known }
        var found: [String]?
        let dirs = PathText.segments(path).dropLast().map(String.init)
        if let t = dirs.lastIndex(where: { $0 == "tasks" || $0 == "handlers" }), t > 0 {
            let root = dirs[..<t].joined(separator: "/")
            for name in ["main.yml", "main.yaml"] {
                let metaPath = root + "/meta/" + name
                guard let bytes = context.readRepoFile(metaPath) else { continue }
                let meta = YAMLParser.parse(path: metaPath, source: bytes)
                found = meta.documents.lazy.compactMap { Self.names($0["collections"]) }.first
                break
            }
        }
        roleCollections = .some(found)
        return found
    }
}
