import ConstitutionCore
import ConstitutionRules
import ConstitutionWorkspace
import ConstitutionYAML

/// `.constitution.yaml`: a repository's lint settings. Command-line flags win over it, it wins
/// over the defaults (which live only in ``LintConfig/defaults``).
///
/// ```yaml
/// schema: 1
/// constitution: policy                   # the constitution's folder, relative to this file
///                                        # (read by ConstitutionStore.locate; may be empty)
/// include: ["k8s/**", "ansible/**"]      # lint only these paths (default: everything)
/// exclude: ["vendor/**"]                 # never lint these
/// severity:                              # per-rule overrides; `off` disables a rule
///   k3s-traefik-disabled: error
///   image-cpu-baseline: off
/// threshold: warning                     # what makes exit 1 (default: error)
/// inline_waivers: true                   # honour `# constitution:ignore` comments (default: true)
/// formats:                               # default outputs of `lint`
///   - {format: text}
///   - {format: sarif, output: constitution.sarif}
/// params:                                # rule parameter overrides
///   image-cpu-baseline: {cpu_baseline: x86-64-v3}
/// help_uri_base: https://git.lab/ops/homelab/src/branch/main/   # SARIF helpUri base
/// render: {agents_md: true}              # also keep the block in AGENTS.md (Codex, Cursor…)
/// max_file_size: 32MiB                   # larger files are reported, not read (default: 16MiB)
/// gitops:                                # how `deployed:` rules read the repository
///   controller: auto                     # auto (default), argocd, flux, or none (rules off)
///   repositories: [https://git.lab/ops/homelab.git]   # this repository (default: .git/config)
///   deployed_elsewhere: ["bootstrap/**"] # applied some other way (a script, CI)
/// baseline: constitution-baseline.yaml   # known findings (lint --baseline), relative to this file
/// ```
public struct LintConfig: Sendable {
    public var include: [Glob] = []
    public var exclude: [Glob] = []
    /// Rule id → what `severity:` says of it (`off`, or another severity).
    public var severity: [String: RuleSeverityOverride] = [:]
    public var threshold: Severity?
    public var inlineWaivers: Bool?
    public var formats: [(format: String, output: String?)] = []
    public var params: [String: [String: Value]] = [:]
    /// Where incident records are published, e.g. `https://git.lab/ops/homelab/src/branch/main/`
    /// (SARIF `helpUri`s are this plus the record's path). Default: the linted root as a
    /// `file://` URI.
    public var helpURIBase: String?
    /// The largest file checked, in bytes (`max_file_size`: a number of bytes, or a size such
    /// as `32MiB`; see ``ByteSize``). Nil: ``FileReader/defaultMaxFileSize``.
    public var maxFileSize: Int?
    /// `render: {agents_md: true}`: keep the managed block in `AGENTS.md` too (it is kept there
    /// anyway when the file exists).
    public var agentsMD: Bool?
    /// `gitops: {controller, deployed_elsewhere}`: how the GitOps model reads the repository.
    public var gitops = GitOpsSettings()
    /// `gitops: {repositories}`: this repository's URLs (default: `.git/config`'s remotes when
    /// the linted root is the repository's top).
    public var gitopsRepositories: [String] = []
    /// `baseline:`, the default for `lint --baseline`, relative to this file's folder.
    public var baseline: String?
    /// Where it was read from (nil: defaults only).
    public var path: String?
    /// Warnings found while reading it (unknown keys), located.
    public var warnings: [Diagnostic] = []
    /// The rule ids under `severity:`, where each is written (checked against the rules by
    /// ``ruleWarnings(_:)``, once the constitution is loaded).
    public var severityEntries: [(id: String, location: SourceLocation)] = []
    /// The rule ids under `params:` and the parameter names under each, where each is written.
    public var paramEntries: [(id: String, location: SourceLocation, names: [(name: String, location: SourceLocation)])] = []

    /// Creates a configuration; unset fields fall back to ``defaults``.
    public init(threshold: Severity? = nil, inlineWaivers: Bool? = nil, formats: [(format: String, output: String?)] = []) {
        self.threshold = threshold
        self.inlineWaivers = inlineWaivers
        self.formats = formats
    }

    /// The defaults, the one place they are written down.
    public static let defaults = LintConfig(threshold: .error, inlineWaivers: true, formats: [("text", nil)])

    /// The file name looked for.
    public static let fileName = ".constitution.yaml"

    /// The formats the tool knows.
    public static let formatNames = ["text", "json", "sarif", "junit", "github", "markdown"]

    /// Every top-level key of `.constitution.yaml` (`schemas/config.schema.json` lists the same).
    public static let keys = [
        "schema", "constitution", "include", "exclude", "severity", "threshold", "inline_waivers", "formats", "params",
        "help_uri_base", "max_file_size", "render", "baseline", "gitops",
    ]
    /// The keys of an entry of `formats:`.
    public static let formatKeys = ["format", "output"]
    /// The keys of `gitops:`.
    public static let gitopsKeys = ["controller", "repositories", "deployed_elsewhere"]
    /// The keys of `render:`.
    public static let renderKeys = ["agents_md"]
    /// What a rule's entry under `severity:` may say besides a ``Severity``.
    public static let off = "off"

    /// Warnings for the rule ids under `severity:` and `params:` that name no rule of `rules`
    /// (nor, under `severity:`, one of `pseudoRules`, such as `duplicate-key`), and for the
    /// parameter names a rule does not declare, each at its key with a did-you-mean.
    public func ruleWarnings(_ rules: [Rule], pseudoRules: [String] = []) -> [Diagnostic] {
        guard let path else { return [] }
        var r = SchemaReader(path: path)
        let ids = rules.map(\.id)
        func unknownRule(_ id: String, at location: SourceLocation, under key: String, candidates: [String]) {
            var message = "unknown rule '\(id)' under '\(key)'"
            if let suggestion = SchemaReader.suggest(id, from: candidates) { message += " (did you mean '\(suggestion)'?)" }
            r.warning(message + "; `constitution rules list` shows the rules", at: location)
        }
        for entry in severityEntries where !ids.contains(entry.id) && !pseudoRules.contains(entry.id) {
            unknownRule(entry.id, at: entry.location, under: "severity", candidates: ids + pseudoRules)
        }
        for entry in paramEntries {
            guard let rule = rules.first(where: { $0.id == entry.id }) else {
                unknownRule(entry.id, at: entry.location, under: "params", candidates: ids)
                continue
            }
            let names = rule.params.map(\.name)
            for param in entry.names where !names.contains(param.name) {
                var message = "rule '\(rule.id)' has no parameter '\(param.name)'"
                if let suggestion = SchemaReader.suggest(param.name, from: names) { message += " (did you mean '\(suggestion)'?)" }
                message += names.isEmpty ? "; it has no parameters" : "; its parameters: \(names.joined(separator: ", "))"
                r.warning(message, at: param.location)
            }
        }
        return r.diagnostics
    }

    /// Loads `explicit`, or the first `.constitution.yaml` in `folders`; defaults when none.
    public static func load(explicit: String?, folders: [String]) throws(ConstitutionProblem) -> LintConfig {
        var candidates = folders.map { ($0 == "." ? "" : $0 + "/") + fileName }
        if let explicit { candidates = [explicit] }
        for path in candidates {
            let bytes: [UInt8]
            switch FileReader.read(path, maxSize: FileReader.defaultMaxFileSize) {
            case .success(let read): bytes = read
            case .failure(let failure) where failure.reason != .unreadable:
                // A FIFO, device or huge file where the config should be: said, not skipped.
                throw ConstitutionProblem(
                    diagnostics: [Diagnostic(path: path, location: .start, severity: .error, message: failure.message)], messages: [])
            case .failure:
                if explicit != nil {
                    throw ConstitutionProblem(diagnostics: [], messages: ["cannot read the config \(path)"])
                }
                continue
            }
            return try decode(YAMLParser.parse(path: path, source: bytes), path: path)
        }
        return .defaults
    }

    static func decode(_ file: YAMLFile, path: String) throws(ConstitutionProblem) -> LintConfig {
        var r = SchemaReader(path: path)
        var config = LintConfig()
        config.path = path
        if let e = file.error {
            throw ConstitutionProblem(diagnostics: [Diagnostic(path: path, location: e.location, severity: .error, message: e.message)], messages: [])
        }
        guard let root = file.documents.first else { return config }
        if r.checkKeys(root, known: keys, what: "the config") {
            IncidentDecoder.checkSchema(root, reader: &r)
            config.include = r.stringList(root, "include").map(Glob.init)
            config.exclude = r.stringList(root, "exclude").map(Glob.init)
            if let s = root["severity"], !s.isNull, isMapping(s, "severity", "a mapping of rule ids to error, warning, info or off", &r) {
                for pair in s.pairs {
                    guard let id = pair.key.scalar, let text = r.string(pair.value, key: id) else { continue }
                    config.severityEntries.append((id, pair.key.location))
                    if text == off {
                        config.severity[id] = .off
                    } else if let sev = Severity(rawValue: text) {
                        config.severity[id] = .set(sev)
                    } else {
                        r.error("severity of '\(id)' must be error, warning, info or off, found '\(text)'", at: pair.value.location)
                    }
                }
            }
            if let t = r.optionalString(root, "threshold") {
                if let sev = Severity(rawValue: t) { config.threshold = sev } else {
                    r.error("threshold must be error, warning or info, found '\(t)'", at: root["threshold"]!.location)
                }
            }
            config.inlineWaivers = r.optionalBool(root, "inline_waivers")
            if let g = root["gitops"], !g.isNull, r.checkKeys(g, known: gitopsKeys, what: "gitops") {
                if let c = r.optionalString(g, "controller") {
                    if let controller = GitOpsSettings.Controller(rawValue: c) {
                        config.gitops.controller = controller
                    } else {
                        r.error(
                            "gitops.controller must be \(GitOpsSettings.Controller.allCases.map(\.rawValue).joined(separator: ", ")), found '\(c)'",
                            at: g["controller"]!.location)
                    }
                }
                config.gitopsRepositories = r.stringList(g, "repositories")
                config.gitops.deployedElsewhere = r.stringList(g, "deployed_elsewhere").map(Glob.init)
            }
            if let render = root["render"], r.checkKeys(render, known: renderKeys, what: "render") {
                config.agentsMD = r.optionalBool(render, "agents_md")
            }
            config.helpURIBase = r.optionalString(root, "help_uri_base")
            config.baseline = r.optionalString(root, "baseline")
            if let node = root["max_file_size"] {
                switch node.scalar.map(ByteSize.parse) {
                case .success(let bytes)?: config.maxFileSize = bytes
                case .failure(let problem)?: r.error("max_file_size: \(problem.message)", at: node.location)
                case nil: r.error("max_file_size must be a size such as 32MiB or a number of bytes", at: node.location)
                }
            }
            if let f = root["formats"], !f.isNull, f.kind != .sequence {
                r.error("'formats' must be a list such as [{format: text}, {format: sarif, output: constitution.sarif}]", at: f.location)
            } else if let f = root["formats"] {
                for item in f.elements {
                    guard r.checkKeys(item, known: formatKeys, what: "a format") else { continue }
                    guard let name = r.requiredString(item, "format", what: "a format") else { continue }
                    guard formatNames.contains(name) else {
                        r.error("unknown format '\(name)'; formats: \(formatNames.joined(separator: ", "))", at: item["format"]!.location)
                        continue
                    }
                    config.formats.append((name, r.optionalString(item, "output")))
                }
            }
            if let p = root["params"], !p.isNull, isMapping(p, "params", "a mapping of rule ids to {parameter: value}", &r) {
                for pair in p.pairs {
                    guard let id = pair.key.scalar else { continue }
                    guard pair.value.kind == .mapping else {
                        r.error("params of '\(id)' must be a mapping of parameter names to values", at: pair.value.location)
                        continue
                    }
                    var values: [String: Value] = [:]
                    var names: [(String, SourceLocation)] = []
                    for param in pair.value.pairs {
                        guard let name = param.key.scalar else { continue }
                        values[name] = .node(param.value, nil)
                        names.append((name, param.key.location))
                    }
                    config.params[id] = values
                    config.paramEntries.append((id, pair.key.location, names))
                }
            }
        }
        if r.hasErrors { throw ConstitutionProblem(diagnostics: r.diagnostics, messages: []) }
        config.warnings = r.diagnostics
        return config
    }

    /// Whether `node` is a mapping; an error (saying what `key` must be) when it is not.
    private static func isMapping(_ node: YAMLNode, _ key: String, _ what: String, _ r: inout SchemaReader) -> Bool {
        if node.kind == .mapping { return true }
        r.error("'\(key)' must be \(what)", at: node.location)
        return false
    }
}

/// What `.constitution.yaml` says of one rule under `severity:`.
public enum RuleSeverityOverride: Sendable, Hashable {
    /// `off`: the rule is not enforced.
    case off
    /// The rule's findings get this severity.
    case set(Severity)

    /// The severity set, nil for `off`.
    public var severity: Severity? {
        if case .set(let s) = self { return s }
        return nil
    }
}
