import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// One Ansible variable definition.
struct AnsibleVariable: Sendable {
    /// The variable's key node.
    var key: YAMLNode
    /// Its value node.
    var value: YAMLNode
    /// `vars-file`, `inventory`, `play` or `set_fact`.
    var scope: String
    /// Definitions made together (one vars file, one inventory `vars:`, one play's `vars:`,
    /// one `set_fact`) share a scope id: the k3s reading merges them.
    var group: Int
}

/// The `setting` facet (docs/rules.md, "Facets"): Ansible variables, and k3s node configuration however
/// it is written.
///
/// `key` chooses what is listed:
/// - `k3s.server`: one item per k3s **server** configured in the file; `k3s.agent`: agents;
///   `k3s.*`: both. Items carry `role`, `disable` (a list, each entry at its token), `flags`
///   (the argument text, empty for a config mapping), `config` (the config mapping when
///   there is one) and `source` (`ansible-vars`, `k3s-config`, `install-script`,
///   `k3s-command`). Agents never appear under `k3s.server`, so a rule about servers needs no
///   role filter;
/// - anything else is a glob over Ansible variable names (`*_server_args`); nil lists every
///   variable. Items carry `key`, `value` (the raw node) and `scope` (`vars-file`, `inventory`,
///   `play`, `set_fact`).
///
/// Where k3s configuration is found:
/// - Ansible variables named like k3s settings (`extra_server_args`, `extra_agent_args`,
///   `server_config_yaml`, `k3s_server_config`, `k3s_server_args`, …) in vars files,
///   inventories, play `vars:`, role parameters and `set_fact`; those defined together merge
///   into one node per role;
/// - install commands (cloud-init, Ansible, scripts, workflows): `curl … get.k3s.io | …`,
///   `k3s-install.sh …`, `k3s server …`;
/// - `config.yaml` written by Ansible `copy`/`template` or cloud-init `write_files`, merged
///   into the installs of the same file;
/// - k3s's own config files by location (`…/rancher/k3s/config.yaml`, `…/config.yaml.d/*.yaml`)
///   when their mapping has a k3s key; other YAML files under a `k3s` folder only when their
///   content is a k3s config too (``K3s/looksLikeConfig(_:)``: a flat mapping, every value a
///   scalar or a list of scalars, with a k3s-specific key), so Helm values kept beside the
///   cluster (`k3s/values.yaml`) are not read as a server's settings.
///
/// Nothing is reported for what cannot be known here: values that forward another k3s
/// setting (`{{ extra_server_args }}`), an empty default (`extra_server_args: ""`), an
/// install whose environment is a template, a written config whose content is a variable or a
/// template that is not in the tree.
enum SettingFacet {
    /// The fields of setting items: Ansible variables use the first three, k3s nodes the rest.
    static let fields: [String] = ["key", "value", "scope", "role", "disable", "flags", "config", "source"]

    /// The facet's items for `file`.
    static func items(in file: LoadedFile, key: String?, context: FacetContext, memo: FacetMemo) -> [FacetObject] {
        if let key, key == "k3s" || key.hasPrefix("k3s.") {
            let want: K3sNode.Role?
            switch key {
            case "k3s.server": want = .server
            case "k3s.agent": want = .agent
            default: want = nil
            }
            return k3sNodes(in: file, context: context, memo: memo).compactMap { node in
                guard let role = node.role, want == nil || role == want else { return nil }
                return object(node, role: role)
            }
        }
        let glob = key.map(Glob.init)
        return variables(in: file, memo: memo).compactMap { variable in
            guard let name = variable.key.scalar, glob?.matches(name) ?? true else { return nil }
            let at = variable.key.location
            let keyText = LocatedText(scalar: variable.key) ?? LocatedText(name, at: at)
            return FacetObject(
                fields: [("key", .text(keyText)), ("value", .node(variable.value, nil)), ("scope", .text(LocatedText(variable.scope, at: at)))],
                location: at)
        }
    }

    /// The facet object of a k3s node.
    static func object(_ node: K3sNode, role: K3sNode.Role) -> FacetObject {
        let at = node.location
        let flags: LocatedText
        switch node.flags.count {
        case 0: flags = LocatedText("", at: at)
        case 1: flags = node.flags[0]
        default: flags = LocatedText(node.flags.map(\.text).joined(separator: "\n"), at: node.flags[0].lineStarts[0])
        }
        return FacetObject(
            fields: [
                ("role", .text(LocatedText(role.rawValue, at: at))),
                ("disable", .list(node.disable.map { .text($0) }, node.disableLocation ?? at)),
                ("flags", .text(flags)),
                ("config", node.config ?? .missing(at)),
                ("source", .text(LocatedText(node.source, at: at))),
            ],
            location: at)
    }

    // MARK: Ansible variables

    /// Every variable defined in an Ansible file, in document order (made once per file,
    /// through `memo`).
    static func variables(in file: LoadedFile, memo: FacetMemo) -> [AnsibleVariable] {
        FacetMemo.cached(&memo.variables) { collectVariables(in: file, memo: memo) }
    }

    private static func collectVariables(in file: LoadedFile, memo: FacetMemo) -> [AnsibleVariable] {
        guard let yaml = file.yaml else { return [] }
        var out: [AnsibleVariable] = []
        var group = 0
        func add(_ mapping: YAMLNode?, scope: String) {
            guard let mapping, mapping.kind == .mapping else { return }
            group += 1
            for pair in mapping.pairs where pair.key.scalar != nil {
                out.append(AnsibleVariable(key: pair.key, value: pair.value, scope: scope, group: group))
            }
        }
        switch file.kind {
        case .ansibleVars:
            for doc in yaml.documents { add(doc, scope: "vars-file") }
        case .ansibleInventory:
            for doc in yaml.documents where doc.kind == .mapping {
                for group in doc.pairs { inventoryGroup(group.value, depth: 0, add: add) }
            }
        case .yaml:
            // Inventories whose top group is not `all:` (`k3s_cluster: {children, vars}`) are
            // classified as plain YAML; read them as inventories when every top-level entry is a group.
            for doc in yaml.documents where looksLikeInventory(doc) {
                for group in doc.pairs { inventoryGroup(group.value, depth: 0, add: add) }
            }
        case .ansiblePlaybook:
            for play in AnsibleTasks.plays(in: file) {
                add(play["vars"], scope: "play")
                for role in play["roles"]?.elements ?? [] where role.kind == .mapping {
                    add(role["vars"], scope: "play")
                    let parameters = roleParameters(role)
                    if !parameters.isEmpty { group += 1 }
                    for (key, value) in parameters { out.append(AnsibleVariable(key: key, value: value, scope: "play", group: group)) }
                }
            }
            setFacts(AnsibleTasks.tasks(in: file, memo: memo), add: add)
        case .ansibleTasks:
            setFacts(AnsibleTasks.tasks(in: file, memo: memo), add: add)
        default:
            break
        }
        return out
    }

    /// Keys an inventory group may have.
    static let inventoryGroupKeys: Set<String> = ["hosts", "children", "vars"]

    /// Whether a document is a YAML inventory: every top-level value is a group mapping made of
    /// `hosts`, `children` and `vars`, and some group has hosts or children.
    static func looksLikeInventory(_ doc: YAMLNode) -> Bool {
        guard doc.kind == .mapping, doc.count > 0 else { return false }
        var hasHosts = false
        for group in doc.pairs {
            guard group.value.kind == .mapping else { return false }
            for pair in group.value.pairs {
                guard let k = pair.key.scalar, inventoryGroupKeys.contains(k) else { return false }
                if k != "vars" { hasHosts = true }
            }
        }
        return hasHosts
    }

    /// Keys of a play's `roles:` entry that are not role keywords are role parameters.
    private static func roleParameters(_ role: YAMLNode) -> [(YAMLNode, YAMLNode)] {
        role.pairs.filter { pair in pair.key.scalar.map { !roleKeywords.contains($0) } ?? false }
    }

    /// Keys of a `roles:` entry that are not role parameters.
    static let roleKeywords: Set<String> = [
        "role", "name", "vars", "when", "tags", "become", "become_user", "become_method", "delegate_to", "environment",
        "ignore_errors", "any_errors_fatal", "collections", "run_once", "no_log", "apply", "public",
    ]

    /// `set_fact` tasks' variables (`cacheable` is an option, not a variable).
    private static func setFacts(_ tasks: [AnsibleTask], add: (YAMLNode?, String) -> Void) {
        for task in tasks where task.module == "set_fact" {
            guard let value = task.moduleValue, value.kind == .mapping else { continue }
            add(value, "set_fact")
        }
    }

    /// Variables of an inventory group: its `vars:`, its hosts' variables, its children's.
    private static func inventoryGroup(_ group: YAMLNode, depth: Int, add: (YAMLNode?, String) -> Void) {
        guard group.kind == .mapping, depth < 32 else { return }
        add(group["vars"], "inventory")
        if let hosts = group["hosts"], hosts.kind == .mapping {
            for host in hosts.pairs { add(host.value, "inventory") }
        }
        if let children = group["children"], children.kind == .mapping {
            for child in children.pairs { inventoryGroup(child.value, depth: depth + 1, add: add) }
        }
    }

    // MARK: k3s

    /// Every k3s node configured in `file`, servers and agents, in file order.
    static func k3sNodes(in file: LoadedFile, context: FacetContext, memo: FacetMemo) -> [K3sNode] {
        FacetMemo.cached(&memo.k3sNodes) { collectK3sNodes(in: file, context: context, memo: memo) }
    }

    private static func collectK3sNodes(in file: LoadedFile, context: FacetContext, memo: FacetMemo) -> [K3sNode] {
        // A cheap pre-filter: every spelling of a k3s install names k3s (the installer, the
        // config path, INSTALL_K3S_EXEC, K3S_URL, k3s_* variables) or is a server/agent
        // variable of an Ansible or plain YAML file.
        let mentionsK3s = ByteSearch.contains(file.bytes, Array("k3s".utf8)) || ByteSearch.contains(file.bytes, Array("K3S".utf8))
            || file.path.contains("k3s")
        let settingLike = (file.kind.isAnsible || file.kind == .yaml)
            && (ByteSearch.contains(file.bytes, Array("server".utf8)) || ByteSearch.contains(file.bytes, Array("agent".utf8)))
        guard mentionsK3s || settingLike else { return [] }
        var out: [K3sNode] = []
        if file.kind.isAnsible || file.kind == .yaml { out.append(contentsOf: k3sFromVariables(variables(in: file, memo: memo))) }
        out.append(contentsOf: k3sFromCommandsAndWrites(file, context: context, memo: memo))
        if file.kind == .yaml, let location = k3sConfigLocation(file.path), let yaml = file.yaml {
            let role = roleHint(PathText.lastSegment(file.path))
            for doc in yaml.documents where doc.kind == .mapping {
                if location == .underK3sFolder, !K3s.looksLikeConfig(doc) { continue }
                guard var node = K3s.fromConfig(doc, through: nil, role: role, source: "k3s-config", location: doc.location) else { continue }
                if node.role == nil { node.role = .server }
                out.append(node)
            }
        }
        return out.filter { !$0.unknown }.sorted { $0.location < $1.location }
    }

    /// Where a YAML file may hold k3s configuration (docs/rules.md, "The setting facet").
    enum K3sConfigLocation {
        /// Where k3s reads it: `k3s/config.yaml` (as in `/etc/rancher/k3s/`) or a drop-in in
        /// `k3s/config.yaml.d/`.
        case known
        /// Some file under a `k3s` folder: a config only if its content is one.
        case underK3sFolder
    }

    /// Whether a YAML file may be a k3s config by its path (not a registries file), and how sure
    /// the path is.
    static func k3sConfigLocation(_ path: String) -> K3sConfigLocation? {
        let segments = PathText.segments(path)
        let folders = segments.dropLast()
        guard let name = segments.last?.lowercased(), !name.contains("registr") else { return nil }
        guard let k3s = folders.lastIndex(of: "k3s") else { return nil }
        let below = folders[(k3s + 1)...]
        if below.isEmpty, name == "config.yaml" || name == "config.yml" { return .known }
        if below.count == 1, below.first == "config.yaml.d" || below.first == "config.yml.d" { return .known }
        return .underK3sFolder
    }

    /// `agent`/`worker` or `server`/`master` in a name.
    static func roleHint<S: StringProtocol>(_ name: S) -> K3sNode.Role? {
        let lower = name.lowercased()
        if lower.contains("agent") || lower.contains("worker") { return .agent }
        if lower.contains("server") || lower.contains("master") { return .server }
        return nil
    }

    /// Nodes configured by Ansible variables: one per role per definition group.
    static func k3sFromVariables(_ variables: [AnsibleVariable]) -> [K3sNode] {
        var out: [K3sNode] = []
        var index = 0
        while index < variables.count {
            let group = variables[index].group
            var server: K3sNode?
            var agent: K3sNode?
            while index < variables.count, variables[index].group == group {
                defer { index += 1 }
                let variable = variables[index]
                guard let name = variable.key.scalar, let kind = K3s.classify(variable: name),
                    let node = k3sFromVariable(variable, form: kind.form, role: kind.role)
                else { continue }
                switch node.role {
                case .server?: if server == nil { server = node } else { server?.merge(node) }
                case .agent?: if agent == nil { agent = node } else { agent?.merge(node) }
                case nil: break
                }
            }
            if let server { out.append(server) }
            if let agent { out.append(agent) }
        }
        return out
    }

    private static func k3sFromVariable(_ variable: AnsibleVariable, form: K3s.VariableForm, role: K3sNode.Role?) -> K3sNode? {
        let value = variable.value
        let at = variable.key.location
        if Value.node(value, nil).isEmpty { return nil }
        if value.kind == .mapping {
            guard var node = K3s.fromConfig(value, through: nil, role: role, source: "ansible-vars", location: at) else { return nil }
            if node.role == nil { node.role = node.serverOnly ? .server : nil }
            return node
        }
        if value.kind == .sequence, form == .args {
            return K3s.fromArgumentList(value, role: role, source: "ansible-vars", location: at)
        }
        guard value.kind == .scalar, let text = MappedText(scalar: value) else { return nil }
        switch form {
        case .args:
            return K3s.fromArguments(text, role: role, source: "ansible-vars", location: at)
        case .config:
            let first = text.trimmed().bytes.first
            if first == UInt8(ascii: "-") && text.trimmed().bytes.dropFirst().first == UInt8(ascii: "-") {
                return K3s.fromArguments(text, role: role, source: "ansible-vars", location: at)
            }
            return K3s.fromConfigText(text, role: role, source: "ansible-vars", location: at, path: value.file.path)
        }
    }

    /// Nodes from install commands, merged with the k3s config files the same file writes.
    static func k3sFromCommandsAndWrites(_ file: LoadedFile, context: FacetContext, memo: FacetMemo) -> [K3sNode] {
        switch file.kind {
        case .ansiblePlaybook, .ansibleTasks, .cloudInit, .text, .workflow, .kubernetes, .compose: break
        default: return []
        }
        // Every install, config path and config variable spells `k3s` (or `K3S_`) somewhere.
        guard K3s.contains(file.bytes, "k3s") || K3s.contains(file.bytes, "K3S") else { return [] }
        let installs = K3s.installs(in: CommandFacet.commands(in: file, memo: memo))
        var configs: [K3sNode] = []
        if file.kind == .ansiblePlaybook || file.kind == .ansibleTasks || file.kind == .cloudInit {
            for write in FileFacet.writes(in: file, context: context, destination: K3s.isConfigPath, memo: memo) where K3s.isConfigPath(write.dest.string) {
                let hint = roleHint(write.dest.string)
                guard let content = write.content else {
                    configs.append(K3sNode(role: hint, source: "k3s-config", location: write.location, unknown: true))
                    continue
                }
                if let node = K3s.fromConfigText(content, role: hint, source: "k3s-config", location: write.location, path: file.path) {
                    configs.append(node)
                } else if K3s.forwards(content.bytes) || content.bytes.contains(UInt8(ascii: "{")) {
                    configs.append(K3sNode(role: hint, source: "k3s-config", location: write.location, unknown: true))
                }
            }
        }
        var out: [K3sNode] = []
        var used = Array(repeating: false, count: configs.count)
        for var install in installs {
            for (k, config) in configs.enumerated() where config.role == nil || config.role == install.role {
                install.merge(config)
                used[k] = true
            }
            out.append(install)
        }
        for (k, var config) in configs.enumerated() where !used[k] {
            if config.role == nil { config.role = .server }
            out.append(config)
        }
        return out
    }
}
