import ConstitutionCore

/// The facets: one concept across formats, each item located at its own node.
public enum FacetName: String, Sendable, CaseIterable {
    /// Every shell command the repo runs.
    case command
    /// Every file the repo writes to a host.
    case file
    /// Every container image reference.
    case image
    /// Ansible variables and k3s server configuration.
    case setting
    /// Every Ansible task.
    case task
}

/// Target kinds a rule can select. Besides every ``FileKind``, `ansible` means any Ansible kind
/// and `any` means any YAML kind.
public enum TargetKind: Sendable, Hashable {
    case kind(FileKind)
    case ansible
    case anyYAML

    /// Parses a name; nil when unknown.
    public init?(_ name: String) {
        switch name {
        case "ansible": self = .ansible
        case "any", "any-yaml": self = .anyYAML
        default:
            guard let k = FileKind(rawValue: name) else { return nil }
            self = .kind(k)
        }
    }

    /// Whether a file of kind `k` is selected.
    public func includes(_ k: FileKind) -> Bool {
        switch self {
        case .kind(let mine): return mine == k
        case .ansible: return k.isAnsible
        case .anyYAML: return k.isYAML
        }
    }

    /// Every name accepted.
    public static let names: [String] = FileKind.allCases.map(\.rawValue) + ["ansible", "any"]
}

/// What a rule looks at: which files, which documents, which items inside them.
public struct Selection: Sendable {
    /// File kinds (empty: every YAML kind, or the facet's natural kinds).
    public var kinds: [TargetKind]
    /// Kubernetes `kind`s (empty: any).
    public var resources: [String]
    /// Path globs the file must match (empty: any).
    public var paths: [Glob]
    /// Path globs that exclude a file.
    public var exclude: [Glob]
    /// Path globs of parameters (`paths: {param: x}`), bound later.
    public var pathParams: [String]
    /// Path globs parameters for exclusion.
    public var excludeParams: [String]
    /// A condition on the document (or facet item) before `each` expands it.
    public var condition: Condition?
    /// Paths whose values become the subjects (union), instead of the document.
    public var each: [PathExpression]
    /// A facet whose items are the subjects.
    public var facet: FacetName?
    /// For the `setting` facet: which setting (`k3s.server`, or an Ansible variable name glob).
    public var key: String?

    /// Creates a selection.
    public init(
        kinds: [TargetKind] = [], resources: [String] = [], paths: [Glob] = [], exclude: [Glob] = [],
        pathParams: [String] = [], excludeParams: [String] = [], condition: Condition? = nil,
        each: [PathExpression] = [], facet: FacetName? = nil, key: String? = nil
    ) {
        self.kinds = kinds
        self.resources = resources
        self.paths = paths
        self.exclude = exclude
        self.pathParams = pathParams
        self.excludeParams = excludeParams
        self.condition = condition
        self.each = each
        self.facet = facet
        self.key = key
    }

    /// Whether files of kind `k` can hold subjects.
    public func selects(kind k: FileKind) -> Bool { Self.selects(kind: k, kinds: kinds, facet: facet) }

    static func selects(kind k: FileKind, kinds: [TargetKind], facet: FacetName?) -> Bool {
        if kinds.isEmpty {
            if facet != nil { return k != .template && k != .binary }
            return k.isYAML
        }
        return kinds.contains { $0.includes(k) }
    }
}
