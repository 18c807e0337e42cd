import ConstitutionCore
import ConstitutionWorkspace
import ConstitutionYAML

/// What one k3s configuration says about a node: the normalised form behind the `setting`
/// facet's `k3s.server` (and `k3s.agent`) items.
struct K3sNode: Sendable {
    /// A k3s node's role.
    enum Role: String, Sendable {
        /// Runs the control plane (`k3s server`).
        case server
        /// Joins a server (`k3s agent`).
        case agent
    }

    /// The role, or nil when the configuration alone does not say (a config file with only
    /// keys servers and agents share).
    var role: Role?
    /// Each disabled component (`--disable x`, `--no-deploy x`, `disable: [x]`), at its token.
    var disable: [LocatedText] = []
    /// Where the `disable` list is reported: the `disable:` key of a config, else the item.
    var disableLocation: SourceLocation?
    /// The argument text (`--tls-san … --disable servicelb`, the install command line).
    var flags: [LocatedText] = []
    /// The configuration mapping, when the node is configured by one.
    var config: Value?
    /// `ansible-vars`, `k3s-config`, `install-script`, `k3s-command`.
    var source: String
    /// Where the item is reported.
    var location: SourceLocation
    /// Whether part of the configuration cannot be read here (it comes from another variable,
    /// an unreadable template, a templated environment): such nodes are not reported.
    var unknown = false
    /// Whether the node was decided by something that says server-only things (for merging).
    var serverOnly = false

    /// Adds another configuration's findings to this one.
    mutating func merge(_ other: K3sNode) {
        disable.append(contentsOf: other.disable)
        if disableLocation == nil { disableLocation = other.disableLocation }
        flags.append(contentsOf: other.flags)
        if config == nil { config = other.config }
        unknown = unknown || other.unknown
        serverOnly = serverOnly || other.serverOnly
    }
}

/// Reading k3s configuration in its three spellings: `--flag value` arguments, `config.yaml`
/// mappings, and the install script's environment and arguments.
enum K3s {
    /// Flags and config keys only a server accepts (k3s 1.2x–1.3x `k3s server --help`).
    static let serverOnlyKeys: Set<String> = [
        "cluster-init", "cluster-reset", "cluster-reset-restore-path", "tls-san", "tls-san-security", "write-kubeconfig",
        "write-kubeconfig-mode", "write-kubeconfig-group", "cluster-cidr", "service-cidr", "service-node-port-range",
        "cluster-dns", "cluster-domain", "flannel-backend", "flannel-ipv6-masq", "flannel-external-ip",
        "egress-selector-mode", "servicelb-namespace", "disable", "no-deploy", "disable-scheduler",
        "disable-cloud-controller", "disable-kube-proxy", "disable-network-policy", "disable-helm-controller",
        "disable-apiserver", "disable-controller-manager", "disable-etcd", "embedded-registry", "supervisor-metrics",
        "secrets-encryption", "secrets-encryption-provider", "datastore-endpoint", "datastore-cafile",
        "datastore-certfile", "datastore-keyfile", "etcd-expose-metrics", "etcd-disable-snapshots",
        "etcd-snapshot-name", "etcd-snapshot-schedule-cron", "etcd-snapshot-retention", "etcd-snapshot-dir",
        "etcd-snapshot-compress", "etcd-s3", "etcd-s3-endpoint", "etcd-s3-bucket", "etcd-s3-folder", "kube-apiserver-arg",
        "kube-scheduler-arg", "kube-controller-manager-arg", "kube-cloud-controller-manager-arg", "etcd-arg",
        "advertise-address", "advertise-port", "agent-token", "agent-token-file", "default-local-storage-path",
        "system-default-registry", "helm-job-image", "bind-address", "https-listen-port", "enable-pprof",
        "kine-tls", "apiserver-port", "disable-agent",
    ]
    /// Keys servers and agents share.
    static let commonKeys: Set<String> = [
        "server", "token", "token-file", "node-name", "node-ip", "node-external-ip", "node-internal-dns",
        "node-external-dns", "node-label", "node-taint", "kubelet-arg", "kube-proxy-arg", "flannel-iface",
        "flannel-conf", "flannel-cni-conf-dir", "with-node-id", "container-runtime-endpoint", "private-registry",
        "snapshotter", "protect-kernel-defaults", "selinux", "lb-server-port", "data-dir", "debug", "vpn-auth",
        "vpn-auth-file", "resolv-conf", "pause-image", "prefer-bundled-bin", "docker", "default-runtime",
        "image-credential-provider-bin-dir", "image-credential-provider-config", "airgap-extra-registry", "rootless",
        "log", "alsologtostderr", "v", "vmodule", "config", "disable-default-registry-endpoint",
        "image-service-endpoint", "nonroot-devices", "node-ip6", "bind-address",
    ]
    /// Words that wrap a command without changing it.
    /// Whether a command word runs its arguments (the shell reader's one table of wrappers).
    static func isWrapper(_ word: [UInt8]) -> Bool { ShellWrappers.specs[ShellWords.basename(word)] != nil }

    // MARK: Variable names

    /// How an Ansible variable configures k3s.
    enum VariableForm: Sendable {
        /// A `--flag value` string (`extra_server_args`).
        case args
        /// A config mapping or a YAML string (`server_config_yaml`, `k3s_server_config`).
        case config
    }

    /// Words a variable name may use without mentioning k3s and still be a k3s setting
    /// (`extra_server_args`, `server_config_yaml`, `server_init_args`).
    static let plainSettingWords: Set<String> = [
        "extra", "server", "servers", "agent", "agents", "master", "worker", "init", "args", "config", "yaml", "yml", "flags",
    ]

    /// The form and role a variable name suggests; nil for names that are not k3s settings.
    static func classify(variable name: String) -> (form: VariableForm, role: K3sNode.Role?)? {
        let lower = name.lowercased()
        let words = lower.split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." }).map(String.init)
        guard let last = words.last else { return nil }
        let mentionsK3s = words.contains { $0.hasPrefix("k3s") }
        let agentish = words.contains { $0 == "agent" || $0 == "agents" || $0 == "worker" || $0 == "workers" }
        let serverish = words.contains { $0 == "server" || $0 == "servers" || $0 == "master" || $0 == "masters" }
        if !mentionsK3s {
            guard agentish || serverish, words.allSatisfy({ plainSettingWords.contains($0) }) else { return nil }
        }
        let form: VariableForm
        switch last {
        case "args", "flags", "opts", "options", "exec":
            form = .args
        case "config", "yaml", "yml":
            guard words.contains("config") || words.contains("k3s") else { return nil }
            form = .config
        case "server" where mentionsK3s && words.count == 2, "agent" where mentionsK3s && words.count == 2:
            // xanmanning.k3s: `k3s_server: {disable: […]}`, `k3s_agent: {…}`.
            form = .config
        default:
            return nil
        }
        let role: K3sNode.Role? = agentish ? .agent : serverish ? .server : nil
        return (form, role)
    }

    // MARK: Forwarding

    /// Whether a value hands its configuration to another setting (`{{ extra_server_args }}`,
    /// `{{ k3s_server_config | to_nice_yaml }}`, `$K3S_ARGS`): the other one is where it is
    /// checked, so this one says nothing definite.
    static func forwards(_ b: [UInt8]) -> Bool {
        var i = 0
        let n = b.count
        while i < n {
            let c = b[i]
            if c == UInt8(ascii: "{"), i + 1 < n, b[i + 1] == UInt8(ascii: "{") || b[i + 1] == UInt8(ascii: "%") {
                let end = ShellWords.skipJinja(b, from: i, close: b[i + 1] == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "%"))
                if jinjaNamesSetting(b[(i + 2)..<max(i + 2, end - 2)]) { return true }
                i = end
                continue
            }
            if c == UInt8(ascii: "$"), i + 1 < n {
                var j = i + 1
                if b[j] == UInt8(ascii: "{") { j += 1 }
                let start = j
                while j < n, ShellWords.isNameByte(b[j]) { j += 1 }
                if j > start {
                    let name = String(decoding: b[start..<j], as: UTF8.self).lowercased()
                    if name.contains("args") || name.contains("flags") || name.contains("exec") || name.contains("opts")
                        || name.contains("options") || name.contains("config")
                    {
                        return true
                    }
                }
                i = max(j, i + 1)
                continue
            }
            i += 1
        }
        return false
    }

    /// Whether a Jinja expression names a k3s setting variable outside its string literals.
    private static func jinjaNamesSetting(_ b: ArraySlice<UInt8>) -> Bool {
        var i = b.startIndex
        var quote: UInt8 = 0
        while i < b.endIndex {
            let c = b[i]
            if quote != 0 {
                if c == quote { quote = 0 }
                i += 1
                continue
            }
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                quote = c
                i += 1
                continue
            }
            if ShellWords.isNameStart(c) {
                let start = i
                while i < b.endIndex, ShellWords.isNameByte(b[i]) { i += 1 }
                if classify(variable: String(decoding: b[start..<i], as: UTF8.self)) != nil { return true }
                continue
            }
            i += 1
        }
        return false
    }

    // MARK: Arguments

    /// What a list of k3s arguments says.
    struct Arguments {
        /// `server` or `agent` when the first word names it.
        var subcommand: K3sNode.Role?
        /// Disabled components, each at its token.
        var disable: [LocatedText] = []
        /// Whether a server-only flag is given.
        var serverOnly = false
        /// Whether `--server`/`-s URL` is given (an agent, or a server joining a cluster).
        var joins = false
    }

    /// Reads k3s arguments: `[server|agent] --flag value --flag=value …`. `--disable` and
    /// `--no-deploy` values may be comma-separated; each part is reported at its own position.
    static func readArguments(_ words: [(token: ShellToken, base: MappedText)]) -> Arguments {
        var result = Arguments()
        var k = 0
        if let first = words.first {
            if first.token.isWord("server") { result.subcommand = .server; k = 1 }
            if first.token.isWord("agent") { result.subcommand = .agent; k = 1 }
        }
        while k < words.count {
            let (token, base) = words[k]
            k += 1
            let t = token.text
            guard t.count > 1, t[0] == UInt8(ascii: "-") else { continue }
            var nameStart = 1
            if t.count > 2, t[1] == UInt8(ascii: "-") { nameStart = 2 }
            let eq = t.firstIndex(of: UInt8(ascii: "="))
            let name = String(decoding: t[nameStart..<(eq ?? t.count)], as: UTF8.self)
            if name == "server" || (nameStart == 1 && name == "s") { result.joins = true }
            if serverOnlyKeys.contains(name) { result.serverOnly = true }
            guard name == "disable" || name == "no-deploy" else { continue }
            let mapped = token.mapped(in: base)
            if let eq {
                result.disable.append(contentsOf: commaParts(mapped, from: eq + 1))
            } else if k < words.count, words[k].token.text.first != UInt8(ascii: "-") {
                result.disable.append(contentsOf: commaParts(words[k].token.mapped(in: words[k].base), from: 0))
                k += 1
            }
        }
        return result
    }

    /// The comma-separated parts of a value from byte `from` on, each at its own position.
    static func commaParts(_ text: MappedText, from: Int) -> [LocatedText] {
        var out: [LocatedText] = []
        var start = from
        let b = text.bytes
        for i in from...b.count where i == b.count || b[i] == UInt8(ascii: ",") {
            var lower = start
            var upper = i
            while lower < upper, ShellWords.isSpace(b[lower]) || b[lower] == 0x0A { lower += 1 }
            while upper > lower, ShellWords.isSpace(b[upper - 1]) || b[upper - 1] == 0x0A { upper -= 1 }
            if upper > lower { out.append(text.token(lower..<upper)) }
            start = i + 1
        }
        return out
    }

    /// A node configured by an argument string (an Ansible variable's value).
    static func fromArguments(_ text: MappedText, role nameRole: K3sNode.Role?, source: String, location: SourceLocation) -> K3sNode? {
        let words = ShellWords.tokenize(text.bytes).filter { $0.kind == .word }.map { ($0, text) }
        let args = readArguments(words)
        let role = nameRole ?? args.subcommand ?? (args.serverOnly ? .server : nil)
        guard let role else { return nil }
        return K3sNode(
            role: role, disable: args.disable, disableLocation: nil, flags: [text.located], config: nil, source: source,
            location: location, unknown: forwards(text.bytes), serverOnly: args.serverOnly)
    }

    /// A node configured by a list of arguments (`k3s_server_args: [--disable servicelb, …]`).
    static func fromArgumentList(_ list: YAMLNode, role nameRole: K3sNode.Role?, source: String, location: SourceLocation) -> K3sNode? {
        var words: [(token: ShellToken, base: MappedText)] = []
        var texts: [String] = []
        var unknown = false
        for element in list.elements {
            guard let text = MappedText(scalar: element) else { continue }
            words.append(contentsOf: ShellWords.tokenize(text.bytes).filter { $0.kind == .word }.map { ($0, text) })
            texts.append(text.string)
            unknown = unknown || forwards(text.bytes)
        }
        let args = readArguments(words)
        guard let role = nameRole ?? args.subcommand ?? (args.serverOnly ? .server : nil) else { return nil }
        return K3sNode(
            role: role, disable: args.disable, disableLocation: nil, flags: [LocatedText(texts.joined(separator: " "), at: list.location)],
            config: nil, source: source, location: location, unknown: unknown, serverOnly: args.serverOnly)
    }

    // MARK: Config mappings

    /// Keys k3s shares with too many other tools to say "k3s" alone (Helm values have `debug`,
    /// `config`, `server`, `image`-like settings).
    static let genericKeys: Set<String> = [
        "server", "token", "debug", "config", "log", "v", "vmodule", "alsologtostderr", "docker", "selinux", "rootless",
        "data-dir", "snapshotter", "bind-address", "default-runtime",
    ]

    /// Whether a mapping reads as a k3s `config.yaml` by content: flat (every value a scalar or a
    /// list of scalars, as k3s's flags are) and with at least one k3s key that is not one of the
    /// ``genericKeys``. A Helm values file nests mappings; a k3s config never does.
    static func looksLikeConfig(_ mapping: YAMLNode) -> Bool {
        guard mapping.kind == .mapping else { return false }
        var specific = false
        for pair in mapping.pairs {
            switch pair.value.kind {
            case .mapping: return false
            case .sequence: if pair.value.elements.contains(where: { $0.kind != .scalar }) { return false }
            default: break
            }
            guard let key = pair.key.scalar else { return false }
            if (serverOnlyKeys.contains(key) || commonKeys.contains(key)) && !genericKeys.contains(key) { specific = true }
        }
        return specific
    }

    /// A node configured by a `config.yaml` mapping; `outer` maps an embedded document back to
    /// the file. Nil when the mapping has no k3s key.
    static func fromConfig(_ mapping: YAMLNode, through outer: MappedText?, role nameRole: K3sNode.Role?, source: String, location: SourceLocation) -> K3sNode? {
        guard mapping.kind == .mapping else { return nil }
        var node = K3sNode(role: nil, source: source, location: location)
        var isK3s = false
        var joins = false
        func at(_ n: YAMLNode) -> SourceLocation { outer.map { $0.location(at: n.resolved.location.offset) } ?? n.location }
        for pair in mapping.pairs {
            guard let key = pair.key.scalar else { continue }
            if serverOnlyKeys.contains(key) {
                node.serverOnly = true
                isK3s = true
            } else if commonKeys.contains(key) {
                isK3s = true
            }
            if key == "server" { joins = true }
            guard key == "disable" || key == "no-deploy" else { continue }
            if node.disableLocation == nil { node.disableLocation = at(pair.key) }
            let items = pair.value.kind == .sequence ? pair.value.elements : [pair.value]
            for item in items where item.kind == .scalar && !item.isNull {
                guard var text = MappedText(scalar: item) else { continue }
                if let outer { text = text.relocated(through: outer) }
                node.disable.append(contentsOf: commaParts(text, from: 0))
            }
        }
        guard isK3s else { return nil }
        node.role = nameRole ?? (node.serverOnly ? .server : joins ? .agent : nil)
        if let outer {
            if outer.exact, outer.origin == nil {
                let base = outer.location(at: 0)
                let embedding = Embedding(lineDelta: base.line - 1, columnDelta: base.column - 1, offsetDelta: base.offset)
                node.config = .node(mapping, embedding)
            }
        } else {
            node.config = .node(mapping, nil)
        }
        return node
    }

    /// A node configured by YAML text (a `server_config_yaml: |` value, a written
    /// `config.yaml`); templates' Jinja is blanked out first. Nil when it is not a k3s mapping.
    static func fromConfigText(_ text: MappedText, role: K3sNode.Role?, source: String, location: SourceLocation, path: String) -> K3sNode? {
        if forwards(text.bytes) {
            return K3sNode(role: role, source: source, location: location, unknown: true)
        }
        let yaml = YAMLParser.parse(path: path, source: blankJinja(text.bytes))
        guard yaml.error == nil, let doc = yaml.documents.first(where: { $0.kind == .mapping }) else { return nil }
        return fromConfig(doc, through: text, role: role, source: source, location: location)
    }

    /// The bytes with Jinja statements and comments turned into spaces and expressions into
    /// `x`s, so that a template's YAML parses with unchanged offsets.
    static func blankJinja(_ b: [UInt8]) -> [UInt8] {
        guard b.contains(UInt8(ascii: "{")) else { return b }
        var out = b
        var i = 0
        while i + 1 < out.count {
            guard out[i] == UInt8(ascii: "{"), out[i + 1] == UInt8(ascii: "{") || out[i + 1] == UInt8(ascii: "%") || out[i + 1] == UInt8(ascii: "#") else {
                i += 1
                continue
            }
            let expression = out[i + 1] == UInt8(ascii: "{")
            let close: UInt8 = expression ? UInt8(ascii: "}") : out[i + 1]
            let end = ShellWords.skipJinja(b, from: i, close: close)
            for k in i..<end where out[k] != 0x0A { out[k] = expression ? UInt8(ascii: "x") : UInt8(ascii: " ") }
            i = end
        }
        return out
    }

    /// Whether a written file's destination is k3s's config file (`/etc/rancher/k3s/config.yaml`,
    /// a `config.yaml.d/` drop-in, or a variable such as `{{ k3s_config_file }}`).
    static func isConfigPath(_ dest: String) -> Bool {
        if dest.contains("rancher/k3s/config.yaml") || dest.contains("rancher/k3s/config.yml") { return true }
        if dest.hasSuffix("k3s/config.yaml") || dest.hasSuffix("k3s/config.yml") { return true }
        guard dest.contains("{{") else { return false }
        let lower = dest.lowercased()
        return lower.contains("k3s") && lower.contains("config") && !lower.contains("registr")
    }

    // MARK: Install commands

    /// The k3s installs and runs in a file's commands: `curl … get.k3s.io | [ENV=…] sh -s - ARGS`,
    /// a downloaded `k3s-install.sh ARGS`, and `k3s server|agent ARGS` itself. The role follows
    /// the install script: an explicit `server`/`agent` (in `INSTALL_K3S_EXEC` or the
    /// arguments) wins; otherwise `K3S_URL` makes an agent and its absence a server.
    static func installs(in commands: [ShellCommand]) -> [K3sNode] {
        var out: [K3sNode] = []
        var group = -1
        var exported: [String: MappedText] = [:]
        for command in commands {
            if command.group != group {
                group = command.group
                exported = [:]
            }
            let b = command.text.bytes
            guard contains(b, "k3s") || contains(b, "K3S") else { continue }
            if let node = install(command, exported: &exported) { out.append(node) }
        }
        return out
    }

    /// Whether `b` contains `s`.
    static func contains(_ b: [UInt8], _ s: String) -> Bool {
        let needle = Array(s.utf8)
        guard b.count >= needle.count, let first = needle.first else { return false }
        var i = 0
        while i + needle.count <= b.count {
            if b[i] == first, b[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    /// Install-script variables remembered from `export` lines of the same script.
    static let environmentNames: Set<String> = [
        "INSTALL_K3S_EXEC", "K3S_URL", "K3S_TOKEN", "K3S_TOKEN_FILE", "K3S_AGENT_TOKEN", "INSTALL_K3S_SKIP_START",
        "INSTALL_K3S_SKIP_ENABLE",
    ]

    private static func install(_ command: ShellCommand, exported: inout [String: MappedText]) -> K3sNode? {
        let text = command.text
        let tokens = ShellWords.tokenize(text.bytes)
        let commands = ShellWords.simpleCommands(tokens)
        var assignmentsByCommand: [[String: MappedText]] = []
        for (index, simple) in commands.enumerated() {
            var env: [String: MappedText] = [:]
            var k = 0
            let words = simple.words
            while k < words.count {
                let w = words[k]
                if let nameLength = ShellWords.assignmentNameLength(w.text) {
                    env[String(decoding: w.text[0..<nameLength], as: UTF8.self)] = w.mapped(in: text, from: nameLength + 1)
                    k += 1
                } else if isWrapper(w.text) || (k > 0 && w.text.first == UInt8(ascii: "-") && isWrapper(words[k - 1].text)) {
                    k += 1
                } else {
                    break
                }
            }
            assignmentsByCommand.append(env)
            // `export X=…` and bare assignments persist for later lines of the same script.
            if k >= words.count || words[k].isWord("export") {
                for (name, value) in env where environmentNames.contains(name) { exported[name] = value }
                if k < words.count {
                    for w in words[(k + 1)...] {
                        guard let nameLength = ShellWords.assignmentNameLength(w.text) else { continue }
                        let name = String(decoding: w.text[0..<nameLength], as: UTF8.self)
                        if environmentNames.contains(name) { exported[name] = w.mapped(in: text, from: nameLength + 1) }
                    }
                }
                continue
            }
            let rest = Array(words[k...])
            guard let node = readInstall(rest, index: index, commands: commands, text: text) else { continue }
            var envs = exported
            for (name, value) in command.environment { envs[name] = value }
            if let piped = simple.pipedFrom, piped < assignmentsByCommand.count {
                for (name, value) in assignmentsByCommand[piped] { envs[name] = value }
            }
            for (name, value) in env { envs[name] = value }
            return finish(node, env: envs, command: command)
        }
        return nil
    }

    /// A recognised invocation: installer (with its arguments) or a direct `k3s server|agent`.
    private struct Invocation {
        var installer: Bool
        var subcommand: K3sNode.Role?
        var arguments: [ShellToken]
    }

    private static func readInstall(_ words: [ShellToken], index: Int, commands: [(words: [ShellToken], pipedFrom: Int?)], text: MappedText) -> Invocation? {
        guard let first = words.first else { return nil }
        let name = ShellWords.basename(first.text)
        func isInstallScript(_ n: String) -> Bool { n.contains("k3s") && n.contains("install") && !n.contains("uninstall") }
        if ShellWords.shells.contains(name) {
            var k = 1
            var script: ShellToken?
            while k < words.count {
                let w = words[k]
                if w.isWord("-") || w.isWord("--") {
                    k += 1
                    break
                }
                if w.text.first == UInt8(ascii: "-") {
                    if w.isWord("-c") { return nil }
                    k += 1
                    continue
                }
                script = w
                k += 1
                break
            }
            if let script {
                guard isInstallScript(ShellWords.basename(script.text)) else { return nil }
                return Invocation(installer: true, subcommand: nil, arguments: Array(words[k...]))
            }
            // `curl … get.k3s.io | sh -s - ARGS`
            guard let piped = commands[index].pipedFrom, piped < commands.count else { return nil }
            let source = commands[piped].words
            guard source.contains(where: { contains($0.text, "get.k3s.io") || isInstallScript(ShellWords.basename($0.text)) }) else {
                return nil
            }
            return Invocation(installer: true, subcommand: nil, arguments: Array(words[k...]))
        }
        if isInstallScript(name) {
            return Invocation(installer: true, subcommand: nil, arguments: Array(words.dropFirst()))
        }
        // `k3s server …`, also behind wrappers such as `systemd-run … k3s server`.
        for k in words.indices where ShellWords.basename(words[k].text) == "k3s" && k + 1 < words.count {
            if words[k + 1].isWord("server") { return Invocation(installer: false, subcommand: .server, arguments: Array(words[(k + 2)...])) }
            if words[k + 1].isWord("agent") { return Invocation(installer: false, subcommand: .agent, arguments: Array(words[(k + 2)...])) }
        }
        return nil
    }

    private static func finish(_ invocation: Invocation, env: [String: MappedText], command: ShellCommand) -> K3sNode {
        let text = command.text
        var words: [(token: ShellToken, base: MappedText)] = []
        var unknown = false
        var execSubcommand: K3sNode.Role?
        if invocation.installer, let exec = env["INSTALL_K3S_EXEC"] {
            let execWords = ShellWords.tokenize(exec.bytes).filter { $0.kind == .word }
            if let first = execWords.first {
                if first.isWord("server") { execSubcommand = .server }
                if first.isWord("agent") { execSubcommand = .agent }
            }
            words.append(contentsOf: execWords.map { ($0, exec) })
            unknown = unknown || forwards(exec.bytes)
        }
        var argumentWords = invocation.arguments.map { ($0, text) }
        if execSubcommand != nil, let first = argumentWords.first, first.0.isWord("server") || first.0.isWord("agent") {
            argumentWords.removeFirst()
        }
        var args = readArguments(words)
        let more = readArguments(argumentWords)
        args.disable.append(contentsOf: more.disable)
        args.serverOnly = args.serverOnly || more.serverOnly
        for w in invocation.arguments where forwards(Array(text.bytes[w.range])) { unknown = true }
        let role: K3sNode.Role
        if let explicit = invocation.subcommand ?? execSubcommand ?? more.subcommand {
            role = explicit
        } else {
            let url = env["K3S_URL"].map { !$0.isBlank } ?? false
            role = url ? .agent : .server
        }
        if invocation.installer && command.environmentUnknown { unknown = true }
        // An install that neither starts nor enables k3s and passes it nothing only lays down
        // the binary and unit: the configuration is written elsewhere.
        if invocation.installer, words.isEmpty, argumentWords.isEmpty {
            let skips = ["INSTALL_K3S_SKIP_START", "INSTALL_K3S_SKIP_ENABLE"].contains { name in
                env[name].map { AnsibleLoop.isTrue($0.trimmed().string) } ?? false
            }
            if skips { unknown = true }
        }
        return K3sNode(
            role: role, disable: args.disable, disableLocation: nil, flags: [text.located], config: nil,
            source: invocation.installer ? "install-script" : "k3s-command", location: command.location, unknown: unknown,
            serverOnly: args.serverOnly)
    }
}

