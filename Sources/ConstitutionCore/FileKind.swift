/// What a file in the linted tree is, decided by its path and content (docs/rules.md, `match.kind`).
public enum FileKind: String, Sendable, Hashable, CaseIterable, Codable {
    /// A YAML stream whose documents carry `apiVersion` and `kind`.
    case kubernetes
    /// A list of Ansible plays (`hosts:`, `import_playbook:`).
    case ansiblePlaybook = "ansible-playbook"
    /// An Ansible task list (`tasks/`, `handlers/`, or a list of tasks).
    case ansibleTasks = "ansible-tasks"
    /// Ansible variables: `group_vars/`, `host_vars/`, a role's `defaults/` or `vars/`.
    case ansibleVars = "ansible-vars"
    /// An Ansible YAML inventory.
    case ansibleInventory = "ansible-inventory"
    /// A cloud-init user-data file (`#cloud-config`).
    case cloudInit = "cloud-init"
    /// A Docker Compose file.
    case compose
    /// A Gitea/GitHub/Forgejo Actions workflow.
    case workflow
    /// Text that becomes YAML only when rendered (Helm chart or Ansible role `templates/`, `*.j2`).
    case template
    /// Any other YAML file.
    case yaml
    /// A non-YAML text file (shell scripts, dnsmasq configs, …).
    case text
    /// A file with NUL bytes; listed, never read as text.
    case binary

    /// The kind's position in `allCases`, for per-kind counters kept in an array.
    public var ordinal: Int { Self.ordered.firstIndex(of: self)! }

    private static let ordered = allCases

    /// Whether files of this kind are parsed as YAML.
    public var isYAML: Bool {
        switch self {
        case .template, .text, .binary: false
        default: true
        }
    }

    /// Whether files of this kind are Ansible content.
    public var isAnsible: Bool {
        switch self {
        case .ansiblePlaybook, .ansibleTasks, .ansibleVars, .ansibleInventory: true
        default: false
        }
    }
}
